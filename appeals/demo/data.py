# ruff: noqa: E501
"""Fictional demo vocabulary in fr, nl, de, en. Every person here is invented."""

LANGS = ("fr", "nl", "de", "en")

OFFENCES = [
    ("murder", ("Homicide volontaire", "Doodslag en moord", "Tötungsdelikt", "Murder")),
    (
        "armed-robbery",
        ("Vol à main armée", "Gewapende overval", "Bewaffneter Raub", "Armed robbery"),
    ),
    (
        "drug-trafficking",
        ("Trafic de stupéfiants", "Drugshandel", "Drogenhandel", "Drug trafficking"),
    ),
    (
        "human-trafficking",
        ("Traite des êtres humains", "Mensenhandel", "Menschenhandel", "Human trafficking"),
    ),
    ("rape", ("Viol", "Verkrachting", "Vergewaltigung", "Rape")),
    ("fraud", ("Escroquerie", "Oplichting", "Betrug", "Fraud")),
    (
        "organised-burglary",
        (
            "Cambriolages en bande",
            "Georganiseerde inbraken",
            "Bandeneinbrüche",
            "Organised burglary",
        ),
    ),
    ("arson", ("Incendie volontaire", "Brandstichting", "Brandstiftung", "Arson")),
    ("kidnapping", ("Enlèvement", "Ontvoering", "Entführung", "Kidnapping")),
    (
        "assault",
        (
            "Coups et blessures graves",
            "Zware slagen en verwondingen",
            "Schwere Körperverletzung",
            "Grievous bodily harm",
        ),
    ),
]

DESKS = [
    (
        (
            "Cellule de recherche des fugitifs",
            "Opsporingscel voortvluchtigen",
            "Zielfahndung",
            "Fugitive search unit",
        ),
        (
            "Reçoit les informations sur les personnes recherchées.",
            "Ontvangt informatie over gezochte personen.",
            "Erhält Hinweise zu gesuchten Personen.",
            "Receives information on wanted persons.",
        ),
    ),
    (
        (
            "Cellule d'identification",
            "Identificatiecel",
            "Identifizierungsstelle",
            "Identification unit",
        ),
        (
            "Reçoit les informations permettant d'identifier des personnes.",
            "Ontvangt informatie om personen te identificeren.",
            "Erhält Hinweise zur Identifizierung von Personen.",
            "Receives information identifying persons.",
        ),
    ),
    (
        ("Appels à témoins", "Getuigenoproepen", "Zeugenaufrufe", "Witness appeals"),
        (
            "Reçoit les témoignages.",
            "Ontvangt getuigenissen.",
            "Erhält Zeugenaussagen.",
            "Receives witness statements.",
        ),
    ),
]

# (region, names in fr, nl, de, en)
PLACES = [
    ("brussels", ("Bruxelles", "Brussel", "Brüssel", "Brussels")),
    ("antwerp", ("Anvers", "Antwerpen", "Antwerpen", "Antwerp")),
    ("east-flanders", ("Gand", "Gent", "Gent", "Ghent")),
    ("west-flanders", ("Bruges", "Brugge", "Brügge", "Bruges")),
    ("flemish-brabant", ("Louvain", "Leuven", "Löwen", "Leuven")),
    ("limburg", ("Hasselt", "Hasselt", "Hasselt", "Hasselt")),
    ("walloon-brabant", ("Wavre", "Waver", "Wavre", "Wavre")),
    ("hainaut", ("Charleroi", "Charleroi", "Charleroi", "Charleroi")),
    ("liege", ("Liège", "Luik", "Lüttich", "Liège")),
    ("luxembourg", ("Arlon", "Aarlen", "Arel", "Arlon")),
    ("namur", ("Namur", "Namen", "Namur", "Namur")),
]

FIRST_M = [
    "Marc",
    "Kevin",
    "Dries",
    "Youssef",
    "Luca",
    "Tomasz",
    "Pieter",
    "Jonas",
    "Ahmed",
    "Nicolas",
]
FIRST_F = ["Sofie", "Nadia", "Julie", "Elena", "Fatima", "Lotte", "Ana", "Claire"]
LAST = [
    "Verhaegen",
    "Dubois",
    "Peeters",
    "El Amrani",
    "Rossi",
    "Kowalski",
    "Janssens",
    "Lambert",
    "Maes",
    "Mertens",
    "Petrov",
    "Willems",
    "Lemaire",
    "Costa",
    "Jacobs",
]
NATIONALITIES = ["BE", "BE", "BE", "FR", "NL", "MA", "IT", "PL", "RO", "AL", "DE", "TR"]

BUILD = [
    ("mince", "slank", "schlank", "slim"),
    ("corpulent", "stevig", "kräftig", "heavy"),
    ("athlétique", "atletisch", "athletisch", "athletic"),
    ("moyenne", "gemiddeld", "mittel", "medium"),
]
EYES = [
    ("bruns", "bruin", "braun", "brown"),
    ("bleus", "blauw", "blau", "blue"),
    ("verts", "groen", "grün", "green"),
    ("gris", "grijs", "grau", "grey"),
]
HAIR = [
    ("bruns, courts", "bruin, kort", "braun, kurz", "brown, short"),
    ("noirs, rasés", "zwart, kaalgeschoren", "schwarz, rasiert", "black, shaved"),
    ("blonds, mi-longs", "blond, halflang", "blond, halblang", "blond, shoulder-length"),
    ("gris", "grijs", "grau", "grey"),
]
MARKS = [
    (
        "Tatouage d'une rose sur l'avant-bras gauche",
        "Tatoeage van een roos op de linkeronderarm",
        "Tätowierung einer Rose am linken Unterarm",
        "Tattoo of a rose on the left forearm",
    ),
    (
        "Cicatrice au-dessus de l'œil droit",
        "Litteken boven het rechteroog",
        "Narbe über dem rechten Auge",
        "Scar above the right eye",
    ),
    (
        "Boite légèrement de la jambe droite",
        "Trekt licht met het rechterbeen",
        "Hinkt leicht mit dem rechten Bein",
        "Slight limp in the right leg",
    ),
    ("", "", "", ""),
]
SPOKEN = [
    ("français, arabe", "Frans, Arabisch", "Französisch, Arabisch", "French, Arabic"),
    ("néerlandais, anglais", "Nederlands, Engels", "Niederländisch, Englisch", "Dutch, English"),
    ("français, italien", "Frans, Italiaans", "Französisch, Italienisch", "French, Italian"),
    ("polonais, anglais", "Pools, Engels", "Polnisch, Englisch", "Polish, English"),
]

UNKNOWN = ("Personne inconnue", "Onbekende persoon", "Unbekannte Person", "Unknown person")
WITNESS_TITLE = ("Appel à témoins", "Getuigenoproep", "Zeugenaufruf", "Witness appeal")

FACTS = {
    "wanted": (
        "<p>{name} est recherché·e par la justice pour des faits commis à {place} le {date}. Un mandat d'arrêt a été délivré.</p>",
        "<p>{name} wordt door het gerecht gezocht voor feiten gepleegd in {place} op {date}. Er is een aanhoudingsbevel uitgevaardigd.</p>",
        "<p>{name} wird wegen Taten gesucht, die am {date} in {place} begangen wurden. Ein Haftbefehl liegt vor.</p>",
        "<p>{name} is wanted by the judicial authorities for offences committed in {place} on {date}. An arrest warrant has been issued.</p>",
    ),
    "identify": (
        "<p>La police cherche à identifier cette personne, filmée par une caméra de surveillance à {place} le {date}. Elle pourrait disposer d'informations importantes pour l'enquête.</p>",
        "<p>De politie wil deze persoon identificeren, die op {date} in {place} door een bewakingscamera werd gefilmd. Hij of zij kan belangrijke informatie hebben voor het onderzoek.</p>",
        "<p>Die Polizei möchte diese Person identifizieren, die am {date} in {place} von einer Überwachungskamera gefilmt wurde. Sie könnte wichtige Hinweise für die Ermittlungen haben.</p>",
        "<p>Police want to identify this person, filmed by a security camera in {place} on {date}. They may have important information for the investigation.</p>",
    ),
    "witness": (
        "<p>Le {date}, des faits graves ont eu lieu à {place}. Toute personne ayant vu ou entendu quelque chose est priée de se manifester.</p>",
        "<p>Op {date} vonden in {place} ernstige feiten plaats. Wie iets heeft gezien of gehoord, wordt verzocht zich te melden.</p>",
        "<p>Am {date} kam es in {place} zu schweren Straftaten. Wer etwas gesehen oder gehört hat, wird gebeten, sich zu melden.</p>",
        "<p>On {date}, serious offences took place in {place}. Anyone who saw or heard anything is asked to come forward.</p>",
    ),
}

REWARD = (
    "Une récompense de 10 000 € est offerte pour toute information menant à l'arrestation.",
    "Een beloning van 10.000 € wordt uitgeloofd voor informatie die tot de aanhouding leidt.",
    "Für Hinweise, die zur Festnahme führen, ist eine Belohnung von 10.000 € ausgesetzt.",
    "A reward of €10,000 is offered for information leading to an arrest.",
)

CAPTIONS = {
    "portrait": (
        "Photo d'identité (silhouette de démonstration)",
        "Pasfoto (demonstratiesilhouet)",
        "Passfoto (Demo-Silhouette)",
        "Identity photo (demo silhouette)",
    ),
    "cctv": (
        "Image de vidéosurveillance (démonstration)",
        "Camerabeeld (demonstratie)",
        "Bild einer Überwachungskamera (Demo)",
        "CCTV still (demo)",
    ),
    "aged": (
        "Vieillissement simulé (démonstration)",
        "Leeftijdsprogressie (demonstratie)",
        "Simulierte Alterung (Demo)",
        "Age-progressed image (demo)",
    ),
}

HOME = {
    "title": ("Avis de recherche", "Opsporingsberichten", "Fahndungsaufrufe", "Most wanted"),
    "intro": (
        "<p>La police a besoin de votre aide. Si vous reconnaissez une personne, transmettez-nous vos informations, anonymement si vous le souhaitez.</p>",
        "<p>De politie heeft uw hulp nodig. Herkent u iemand? Geef ons uw informatie door, anoniem als u dat wenst.</p>",
        "<p>Die Polizei braucht Ihre Hilfe. Wenn Sie jemanden erkennen, teilen Sie uns Ihre Hinweise mit, auf Wunsch anonym.</p>",
        "<p>The police need your help. If you recognise someone, send us your information, anonymously if you wish.</p>",
    ),
}
INDEX = {
    "title": ("Tous les avis", "Alle opsporingsberichten", "Alle Fahndungen", "All appeals"),
    "slug": ("avis", "berichten", "fahndungen", "appeals"),
}

# --- Issue 16: one or more appeals of each new kind (every person and object is invented).
# Values in tuples are (fr, nl, de, en); "photos" are (drawing variant, photo kind, caption).
KIND_CAPTIONS = {
    "portrait": CAPTIONS["portrait"],
    "aged": CAPTIONS["aged"],
    "tattoo": (
        "Tatouage sur l'avant-bras gauche (dessin de démonstration)",
        "Tatoeage op de linkeronderarm (demonstratietekening)",
        "Tätowierung am linken Unterarm (Demo-Zeichnung)",
        "Tattoo on the left forearm (demo drawing)",
    ),
    "belongings": (
        "Veste, montre et clés retrouvées (dessin de démonstration)",
        "Jas, horloge en sleutels die werden gevonden (demonstratietekening)",
        "Gefundene Jacke, Uhr und Schlüssel (Demo-Zeichnung)",
        "Jacket, watch and keys that were found (demo drawing)",
    ),
    "reconstruction": (
        "Reconstruction faciale (démonstration)",
        "Gezichtsreconstructie (demonstratie)",
        "Gesichtsrekonstruktion (Demo)",
        "Facial reconstruction (demo)",
    ),
    "object": (
        "Le sac, tel qu'il a été retrouvé (dessin de démonstration)",
        "De tas, zoals hij werd gevonden (demonstratietekening)",
        "Die Tasche, wie sie gefunden wurde (Demo-Zeichnung)",
        "The bag as it was found (demo drawing)",
    ),
    "place": (
        "La rue où le sac a été déposé (dessin de démonstration)",
        "De straat waar de tas werd achtergelaten (demonstratietekening)",
        "Die Straße, in der die Tasche abgestellt wurde (Demo-Zeichnung)",
        "The street where the bag was left (demo drawing)",
    ),
    "scene": (
        "Le carrefour où l'incident a eu lieu (dessin de démonstration)",
        "Het kruispunt waar het incident plaatsvond (demonstratietekening)",
        "Die Kreuzung, an der sich der Vorfall ereignete (Demo-Zeichnung)",
        "The crossroads where the incident happened (demo drawing)",
    ),
    "efit": (
        "Portrait-robot (démonstration)",
        "Robotfoto (demonstratie)",
        "Phantombild (Demo)",
        "E-fit (demo)",
    ),
}

KIND_APPEALS = [
    {
        "kind": "missing",
        "name": "Lina Verbeke",
        "child": True,
        "alert": True,
        "sex": "female",
        "age": (12, 12),
        "height": (148, 150),
        "region": "antwerp",
        "possible": ["BE", "NL"],
        "days_ago": 2,
        "photos": [("portrait", "photo"), ("aged", "age-progressed")],
        "place": ("Anvers", "Antwerpen", "Antwerpen", "Antwerp"),
        "hair": HAIR[2],
        "facts": (
            "<p>Lina a quitté l'école à pied vers 15 h 30 et n'est pas rentrée chez elle. Elle portait un manteau rouge et un sac à dos bleu.</p>",
            "<p>Lina verliet de school te voet rond 15.30 uur en kwam niet thuis. Ze droeg een rode jas en een blauwe rugzak.</p>",
            "<p>Lina verließ die Schule gegen 15:30 Uhr zu Fuß und kam nicht nach Hause. Sie trug einen roten Mantel und einen blauen Rucksack.</p>",
            "<p>Lina left school on foot at about 3.30 pm and did not come home. She was wearing a red coat and a blue backpack.</p>",
        ),
    },
    {
        "kind": "missing",
        "name": "Georges Lambotte",
        "sex": "male",
        "age": (78, 78),
        "height": (172, 172),
        "region": "namur",
        "possible": ["BE", "FR", "LU"],
        "days_ago": 6,
        "photos": [("portrait", "photo")],
        "place": ("Namur", "Namen", "Namur", "Namur"),
        "hair": HAIR[3],
        "facts": (
            "<p>Georges souffre de troubles de la mémoire. Il a été vu pour la dernière fois près de la gare. Il pourrait chercher à rejoindre la maison de son enfance, près de la frontière française.</p>",
            "<p>Georges lijdt aan geheugenproblemen. Hij werd het laatst gezien bij het station. Hij probeert mogelijk zijn ouderlijk huis bij de Franse grens te bereiken.</p>",
            "<p>Georges leidet an Gedächtnisstörungen. Er wurde zuletzt in der Nähe des Bahnhofs gesehen. Er könnte versuchen, sein Elternhaus nahe der französischen Grenze zu erreichen.</p>",
            "<p>Georges has memory problems. He was last seen near the railway station. He may be trying to reach his childhood home near the French border.</p>",
        ),
    },
    {
        "kind": "missing",
        "name": "Sarah Claes",
        "status": "found",
        "sex": "female",
        "age": (34, 34),
        "height": (165, 165),
        "region": "limburg",
        "possible": [],
        "days_ago": 20,
        "changed_days_ago": 2,
        "photos": [("portrait", "photo")],
        "place": ("Hasselt", "Hasselt", "Hasselt", "Hasselt"),
        "hair": HAIR[0],
        "facts": (
            "<p>Sarah n'avait plus donné de nouvelles depuis plusieurs jours.</p>",
            "<p>Sarah had al enkele dagen niets meer van zich laten horen.</p>",
            "<p>Sarah hatte sich seit mehreren Tagen nicht gemeldet.</p>",
            "<p>Sarah had not been in touch for several days.</p>",
        ),
    },
    {
        "kind": "unknown",
        "deceased": True,
        "sex": "male",
        "age": (40, 55),
        "height": (178, 182),
        "region": "liege",
        "possible": [],
        "days_ago": 30,
        "photos": [
            ("reconstruction", "reconstruction"),
            ("tattoo", "mark"),
            ("belongings", "belongings"),
        ],
        "place": ("Liège", "Luik", "Lüttich", "Liège"),
        "hair": HAIR[0],
        "marks": MARKS[0],
        "facts": (
            "<p>Un homme a été retrouvé sans vie sur les berges de la Meuse. Il n'avait aucun document d'identité. La police cherche à l'identifier pour prévenir ses proches.</p>",
            "<p>Een man werd levenloos aangetroffen op de oever van de Maas. Hij had geen identiteitsdocumenten bij zich. De politie wil hem identificeren om zijn naasten te verwittigen.</p>",
            "<p>Ein Mann wurde leblos am Ufer der Maas gefunden. Er trug keine Ausweispapiere bei sich. Die Polizei möchte ihn identifizieren, um seine Angehörigen zu benachrichtigen.</p>",
            "<p>A man was found dead on the banks of the Meuse. He carried no identity documents. Police want to identify him so that his family can be told.</p>",
        ),
    },
    {
        "kind": "unknown",
        "sex": "female",
        "age": (25, 35),
        "height": (160, 168),
        "region": "brussels",
        "possible": [],
        "days_ago": 9,
        "photos": [("efit", "efit")],
        "place": ("Bruxelles", "Brussel", "Brüssel", "Brussels"),
        "hair": HAIR[2],
        "facts": (
            "<p>Une femme a été prise en charge à l'hôpital sans pouvoir dire qui elle est. Elle parle français avec un léger accent.</p>",
            "<p>Een vrouw werd opgenomen in het ziekenhuis zonder te kunnen zeggen wie ze is. Ze spreekt Frans met een licht accent.</p>",
            "<p>Eine Frau wurde im Krankenhaus aufgenommen, ohne sagen zu können, wer sie ist. Sie spricht Französisch mit leichtem Akzent.</p>",
            "<p>A woman was admitted to hospital unable to say who she is. She speaks French with a slight accent.</p>",
        ),
    },
    {
        "kind": "object",
        "title": (
            "Sac retrouvé à Charleroi",
            "Tas gevonden in Charleroi",
            "In Charleroi gefundene Tasche",
            "Bag found in Charleroi",
        ),
        "sex": "unknown",
        "region": "hainaut",
        "possible": [],
        "days_ago": 12,
        "photos": [("object", "object"), ("place", "place")],
        "place": ("Charleroi", "Charleroi", "Charleroi", "Charleroi"),
        "facts": (
            "<p>Ce sac a été déposé devant une habitation dans la nuit. Reconnaissez-vous ce sac ou cette rue ? Savez-vous à qui il appartient ?</p>",
            "<p>Deze tas werd 's nachts voor een woning achtergelaten. Herkent u deze tas of deze straat? Weet u van wie hij is?</p>",
            "<p>Diese Tasche wurde nachts vor einem Wohnhaus abgestellt. Erkennen Sie diese Tasche oder diese Straße? Wissen Sie, wem sie gehört?</p>",
            "<p>This bag was left in front of a house during the night. Do you recognise this bag or this street? Do you know whose it is?</p>",
        ),
    },
    # Issue 18: an incident appeal whose intake window is open (a citizen can send photos
    # and videos); its tips go to the witness appeals desk (DESKS[2]).
    {
        "kind": "incident",
        "title": (
            "Incident au carrefour Léopold, Gand : vos photos et vidéos",
            "Incident aan het Leopoldkruispunt, Gent: uw foto's en video's",
            "Vorfall an der Leopold-Kreuzung, Gent: Ihre Fotos und Videos",
            "Incident at the Leopold crossroads, Ghent: your photos and videos",
        ),
        "sex": "unknown",
        "region": "east-flanders",
        "possible": [],
        "days_ago": 1,
        "intake_days": 30,
        "desk": 2,
        "photos": [("scene", "place")],
        "place": ("Gand", "Gent", "Gent", "Ghent"),
        "facts": (
            "<p>Samedi soir, une bagarre a éclaté au carrefour Léopold. Vous avez filmé ou photographié la scène ? Envoyez-nous vos fichiers tels que votre téléphone les a enregistrés.</p>",
            "<p>Zaterdagavond brak een vechtpartij uit aan het Leopoldkruispunt. Hebt u de feiten gefilmd of gefotografeerd? Stuur ons uw bestanden zoals uw telefoon ze heeft opgenomen.</p>",
            "<p>Am Samstagabend kam es an der Leopold-Kreuzung zu einer Schlägerei. Haben Sie die Szene gefilmt oder fotografiert? Senden Sie uns Ihre Dateien so, wie Ihr Telefon sie aufgenommen hat.</p>",
            "<p>On Saturday evening a fight broke out at the Leopold crossroads. Did you film or photograph it? Send us your files as your phone recorded them.</p>",
        ),
    },
]

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


def __getattr__(name):
    """The appeals of the further kinds live in kind_data; still readable from here."""
    if name in ("KIND_APPEALS", "KIND_CAPTIONS"):
        from . import kind_data  # cycle: kind_data reads this module's captions

        return getattr(kind_data, name)
    raise AttributeError(name)

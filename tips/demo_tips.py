"""The demo's dozen tips (fictional; development only): what each says, about which appeal,
with which photo or question from the desk. Sent by ``tips.demo``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoTip:
    language: str
    #: Kind of appeal the tip is about (the ``nth`` active one of that kind), or None.
    kind: str | None
    nth: int
    what: str
    place: str = ""
    how_known: str = ""
    urgent: bool = False
    photo: str | None = None  # an ASCII caption drawn on the placeholder photo
    contact: str = ""
    question: str = ""  # a question from the desk to the tipster (uses DEMO_RECEIPT)


TIPS = (
    DemoTip(
        "fr",
        "wanted",
        0,
        "Je pense l'avoir vu ce matin au café près de la gare. Il portait une veste bleue "
        "et parlait au téléphone. Il est parti à pied vers le centre.",
        place="Gare de Namur, côté place de la Station",
        how_known="Je l'ai vu moi-même.",
        photo="CAM 1 08:15",
        question="Merci. Vers quelle heure exactement l'avez-vous vu, et était-il seul ?",
    ),
    DemoTip(
        "nl",
        "wanted",
        0,
        "Hij staat nu aan de bushalte tegenover de bakkerij, met een grijze rugzak.",
        place="Antwerpen, Turnhoutsebaan",
        how_known="Ik zie hem nu.",
        urgent=True,
    ),
    DemoTip(
        "de",
        "wanted",
        1,
        "Ein Mann, der dem Foto ähnelt, arbeitet seit zwei Wochen auf einer Baustelle in "
        "unserer Straße. Er fährt einen weißen Lieferwagen.",
        place="Eupen, Bergstraße",
        how_known="Ich sehe ihn jeden Morgen.",
        photo="CAM 2 Lieferwagen",
    ),
    DemoTip(
        "en",
        "wanted",
        2,
        "A colleague says this man rents a room above the shop on the corner. "
        "I have not seen him myself.",
        place="Brussels, Chaussée de Wavre",
        how_known="Someone told me.",
    ),
    DemoTip(
        "fr",
        "identify",
        0,
        "Le tatouage sur l'avant-bras ressemble à celui d'un ancien voisin, "
        "qui a déménagé il y a deux ans.",
        place="Liège, Outremeuse",
        how_known="Je le connaissais de vue.",
        contact="Appelez-moi le soir : 0470 00 00 00 (numéro fictif)",
    ),
    DemoTip(
        "nl",
        "identify",
        1,
        "Ik herken de jas: die wordt alleen verkocht in een winkel in Gent.",
        place="Gent, Veldstraat",
        how_known="Ik werk in die winkel.",
        photo="CAM 3 Jas in etalage",
    ),
    DemoTip(
        "en",
        "identify",
        0,
        "The person on the CCTV still looks like a regular at our sports club. "
        "He has not come in since March.",
        place="Leuven",
    ),
    DemoTip(
        "fr",
        "witness",
        0,
        "J'étais dans la rue ce soir-là. Une voiture sombre est partie très vite vers "
        "l'autoroute, deux personnes à bord.",
        place="Charleroi, boulevard Tirou",
        how_known="Je l'ai vu moi-même.",
        photo="CAM 4 Voiture sombre",
    ),
    DemoTip(
        "de",
        "witness",
        1,
        "Ich habe an dem Abend laute Stimmen gehört und danach eine Tür knallen.",
        place="Sankt Vith",
    ),
    DemoTip(
        "fr",
        None,
        0,
        "Un homme propose des papiers d'identité à vendre sur le parking du supermarché, "
        "presque tous les samedis.",
        place="Mons, parking du supermarché",
        how_known="On me l'a proposé.",
    ),
    DemoTip(
        "nl",
        None,
        0,
        "Er staat al drie weken een auto met buitenlandse platen met bagage op de achterbank.",
        place="Brugge, Kazernevest",
        photo="CAM 5 Geparkeerde auto",
    ),
    DemoTip(
        "en",
        None,
        0,
        "I may have information on an old case, but I am not sure which appeal it belongs to.",
        how_known="Family member.",
        contact="Through a lawyer only.",
    ),
)

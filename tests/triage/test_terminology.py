"""One word per concept per language across the site, appeals and tips catalogues.

Django merges the catalogues of every app into one: a msgid translated two ways shows one of
them everywhere (the first app's), so the admin said "Informations" in the menu and
"Signalements" on the pages. The words chosen: a tip is "signalement" (fr), "tip" (nl),
"Hinweis" (de); an appeal is "avis de recherche" (fr) and "Fahndung" (de).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("site", "appeals", "tips")
LANGUAGES = ("fr", "nl", "de", "en")
TIP_WORD = {"fr": "signalement", "nl": "tip", "de": "hinweis"}
#: msgids naming "the tip form", which fr/nl/de render as just "the form".
THE_FORM = {
    "We do not record your IP address. The only cookie is a security token set by the tip form.",
    "Public pages set no cookie. The tip form sets a single technical cookie that protects the "
    "form against forgery; it does not identify you.",
}


def _unquote(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def entries(app: str, language: str) -> list[dict]:
    """The translated entries of one catalogue: msgctxt, msgid and every msgstr form."""
    path = ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"
    out = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            out.append(
                {
                    "ctx": fields.get("msgctxt"),
                    "msgid": _unquote(fields["msgid"]),
                    "strs": [_unquote(v) for k, v in fields.items() if k.startswith("msgstr")],
                }
            )
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_msgid_has_one_translation_across_catalogues(language):
    seen: dict = {}
    for app in APPS:
        for entry in entries(app, language):
            seen.setdefault((entry["ctx"], entry["msgid"]), {})[app] = tuple(entry["strs"])
    collisions = {key[1]: by_app for key, by_app in seen.items() if len(set(by_app.values())) > 1}
    assert not collisions, collisions


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_a_tip_has_one_name(language):
    word = TIP_WORD[language]
    wrong = []
    for app in APPS:
        for entry in entries(app, language):
            if entry["msgid"] in THE_FORM or not re.search(r"\btips?\b", entry["msgid"], re.I):
                continue
            if any(word not in text.lower() for text in entry["strs"]):
                wrong.append((app, entry["msgid"], entry["strs"]))
    assert not wrong, wrong


def test_french_signalement_is_not_the_physical_description():
    """ "Signalement" was also the heading of a wanted person's physical description, next to
    the button that sends a "signalement"."""
    for app in APPS:
        for entry in entries(app, "fr"):
            if "description" in entry["msgid"].lower():
                for text in entry["strs"]:
                    assert "signalement" not in text.lower(), (app, entry["msgid"], text)

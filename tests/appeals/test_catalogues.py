"""No msgid is untranslated (or fuzzy) in any catalogue of the repository, in any language."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LANGS = {"fr", "nl", "de", "en"}
EXCLUDED = {".venv", "node_modules", "var", ".git"}


def catalogues():
    return sorted(
        p
        for p in REPO.glob("**/locale/*/LC_MESSAGES/django.po")
        if not EXCLUDED & set(p.relative_to(REPO).parts)
    )


def _unquote(s: str) -> str:
    return s[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: {"msgid", "msgid_plural", "msgstr": [...], "flags", "obsolete"}."""
    entries, entry, key = [], None, None
    for line in text.splitlines() + [""]:
        line = line.rstrip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"msgstr": {}, "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            name, index, value = match.groups()
            if name.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                entry["msgstr"][key[1]] = _unquote(value)
            else:
                # A new msgctxt/msgid after a msgstr starts a new entry (missing blank line).
                if name in ("msgctxt", "msgid") and entry["msgstr"] and "msgid" in entry:
                    entries.append(entry)
                    entry = {"msgstr": {}, "flags": set(), "obsolete": False}
                key = name
                entry[name] = _unquote(value)
        elif line.startswith('"') and key:
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key] += _unquote(line)
    return entries


def test_parser_understands_plurals_context_and_continuations():
    entries = parse_po(
        'msgid ""\nmsgstr "Language: fr\\n"\n\n#, fuzzy\nmsgctxt "c"\nmsgid "a"\nmsgstr ""\n'
        '"b"\n\nmsgid "x"\nmsgid_plural "xs"\nmsgstr[0] ""\nmsgstr[1] "ys"\n'
    )
    assert entries[1]["msgctxt"] == "c" and entries[1]["msgstr"] == {0: "b"}
    assert "fuzzy" in entries[1]["flags"]
    assert entries[2]["msgid_plural"] == "xs" and entries[2]["msgstr"][0] == ""


def test_every_language_has_a_catalogue_for_each_catalogue_directory():
    found = catalogues()
    assert found, "no catalogue found"
    roots = {p.parents[2] for p in found}
    for root in roots:
        present = {p.parents[1].name for p in found if p.parents[2] == root}
        assert LANGS <= present, f"{root.relative_to(REPO)} lacks {LANGS - present}"


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_untranslated_or_fuzzy_entry(path):
    problems = []
    for entry in parse_po(path.read_text(encoding="utf-8")):
        if entry["obsolete"] or entry["msgid"] == "":
            continue
        label = entry["msgid"][:60]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {label}")
        if not entry["msgstr"] or any(not v.strip() for v in entry["msgstr"].values()):
            problems.append(f"untranslated: {label}")
    assert not problems, f"{path.relative_to(REPO)}:\n" + "\n".join(problems)
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(REPO)} is missing: run compilemessages"

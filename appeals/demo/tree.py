"""The demo's page tree (a home page and an appeal index per language) and its translated
snippets (offences, desks)."""

import uuid

from wagtail.models import Locale, Page, Site

from appeals.models import AppealIndexPage, HomePage

from . import data


def demo_locales() -> dict[str, Locale]:
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in data.LANGS}


def build_tree(locales):
    root = Page.get_first_root_node()
    key = uuid.uuid4()
    index_key = uuid.uuid4()
    homes, indexes = {}, {}
    for i, code in enumerate(data.LANGS):
        home = HomePage(
            title=data.HOME["title"][i],
            slug=f"home-{code}",
            intro=data.HOME["intro"][i],
            locale=locales[code],
            translation_key=key,
        )
        root.add_child(instance=home)
        homes[code] = home
        index = AppealIndexPage(
            title=data.INDEX["title"][i],
            slug=data.INDEX["slug"][i],
            locale=locales[code],
            translation_key=index_key,
        )
        home.add_child(instance=index)
        indexes[code] = index
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site:
        site.root_page = homes["fr"]
        site.save()
    else:
        Site.objects.create(
            hostname="localhost", port=80, root_page=homes["fr"], is_default_site=True
        )
    if old_root and old_root.specific_class is Page and not old_root.get_children().exists():
        old_root.delete()
    return homes, indexes


def offence_rows():
    return [{"slug": slug, "name": names} for slug, names in data.OFFENCES]


def desk_rows():
    return [{"name": names, "description": desc} for names, desc in data.DESKS]


def translated_snippets(model, locales, rows):
    """Create each row in every locale; returns {lang: [objects in row order]}."""
    result = {code: [] for code in data.LANGS}
    for row in rows:
        key = uuid.uuid4()
        for i, code in enumerate(data.LANGS):
            values = {k: (v[i] if isinstance(v, tuple) else v) for k, v in row.items()}
            obj = model.objects.create(locale=locales[code], translation_key=key, **values)
            result[code].append(obj)
    return result

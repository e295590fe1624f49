"""Fixtures: a small site tree in four languages and a factory for appeals with photos."""

import datetime
import io
import itertools
import uuid

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from appeals.models import (
    AppealIndexPage,
    AppealNationality,
    AppealPage,
    AppealPhoto,
    Desk,
    HomePage,
    Offence,
    Region,
)
from appeals.regions import seed_regions

LANGS = ("fr", "nl", "de", "en")
_counter = itertools.count(1)


def make_image(color="gray"):
    buf = io.BytesIO()
    Image.new("RGB", (80, 100), color).save(buf, format="JPEG")
    image = get_image_model()(title=f"test {next(_counter)}")
    image.file = ImageFile(buf, name=f"test-{next(_counter)}.jpg")
    image.save()
    return image


@pytest.fixture
def site_tree(db):
    """{lang: (home, index)} for fr, nl, de, en; the fr home is the default site root."""
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGS}
    seed_regions(Region, Locale)  # Belgium's regions in the languages created just now
    root = Page.get_first_root_node()
    home_key, index_key = uuid.uuid4(), uuid.uuid4()
    tree = {}
    for code in LANGS:
        home = root.add_child(
            instance=HomePage(
                title=f"Home {code}",
                slug=f"home-{code}",
                locale=locales[code],
                translation_key=home_key,
            )
        )
        index = home.add_child(
            instance=AppealIndexPage(
                title=f"Appeals {code}",
                slug=f"appeals-{code}",
                locale=locales[code],
                translation_key=index_key,
            )
        )
        tree[code] = (home, index)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="testserver", port=80, root_page=tree["fr"][0], is_default_site=True
    )
    Page.objects.filter(depth=2, content_type__model="page").delete()
    return tree


@pytest.fixture
def offences(db):
    """{lang: {slug: Offence}} with murder and fraud in four languages."""
    names = {
        "murder": ("Meurtre", "Moord", "Mord", "Murder"),
        "fraud": ("Escroquerie", "Oplichting", "Betrug", "Fraud"),
    }
    result = {code: {} for code in LANGS}
    for slug, translations in names.items():
        key = uuid.uuid4()
        for code, name in zip(LANGS, translations, strict=True):
            result[code][slug] = Offence.objects.create(
                name=name,
                slug=slug,
                locale=Locale.objects.get(language_code=code),
                translation_key=key,
            )
    return result


@pytest.fixture
def make_appeal(site_tree):
    """Factory: make_appeal(lang="fr", photos=0, offences=(), nationalities=(), **fields)."""

    def make(lang="fr", photos=0, offences=(), nationalities=(), translation_of=None, **fields):
        _home, index = site_tree[lang]
        n = next(_counter)
        defaults = {
            "title": fields.get("full_name") or f"Appeal {n}",
            "slug": f"appeal-{n}",
            "locale": index.locale,
            "full_name": f"Person {n}",
        }
        defaults.update(fields)
        if isinstance(defaults.get("region"), str):  # a region code: the row in this language
            defaults["region"] = Region.objects.get(code=defaults["region"], locale=index.locale)
        page = AppealPage(**defaults)
        if translation_of is not None:
            page.translation_key = translation_of.translation_key
        page.offences = list(offences)
        page.nationalities = [AppealNationality(code=c) for c in nationalities]
        page.photos = [
            AppealPhoto(image=make_image(), caption=f"Caption {n}-{i}") for i in range(photos)
        ]
        index.add_child(instance=page)
        return page

    return make


@pytest.fixture
def desk(db):
    return Desk.objects.create(
        name="Secret internal desk",
        description="internal routing notes",
        locale=Locale.get_default(),
    )


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)

"""Regions: an editable, translatable Country → Region tree (snippets).

A unit in any country adds its own regions in the admin (Snippets → Regions); the appeal
index filter and the API pick them up with no code change. Belgium's regions and provinces
are the initial data (``BELGIUM`` below, loaded by a data migration and by the demo).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin

from .countries import country_name


class Region(TranslatableMixin, models.Model):
    """A region of a country (e.g. a province), optionally inside a larger region."""

    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Short identifier used in links and the API, e.g. 'east-flanders'."),
    )
    name = models.CharField(_("name"), max_length=120)
    country = CountryField(_("country"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("country"), FieldPanel("parent")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "locale"], name="unique_region_code_locale")
        ]

    def __str__(self):
        return self.name


#: (code, parent code, {language: name}) of Belgium's regions, then its provinces.
BELGIUM = (
    (
        "brussels",
        None,
        {
            "fr": "Région de Bruxelles-Capitale",
            "nl": "Brussels Hoofdstedelijk Gewest",
            "de": "Region Brüssel-Hauptstadt",
            "en": "Brussels-Capital Region",
        },
    ),  # noqa: E501
    (
        "flanders",
        None,
        {
            "fr": "Région flamande",
            "nl": "Vlaams Gewest",
            "de": "Flämische Region",
            "en": "Flemish Region",
        },
    ),  # noqa: E501
    (
        "wallonia",
        None,
        {
            "fr": "Région wallonne",
            "nl": "Waals Gewest",
            "de": "Wallonische Region",
            "en": "Walloon Region",
        },
    ),  # noqa: E501
    (
        "antwerp",
        "flanders",
        {"fr": "Anvers", "nl": "Antwerpen", "de": "Antwerpen", "en": "Antwerp"},
    ),  # noqa: E501
    (
        "east-flanders",
        "flanders",
        {
            "fr": "Flandre-Orientale",
            "nl": "Oost-Vlaanderen",
            "de": "Ostflandern",
            "en": "East Flanders",
        },
    ),  # noqa: E501
    (
        "west-flanders",
        "flanders",
        {
            "fr": "Flandre-Occidentale",
            "nl": "West-Vlaanderen",
            "de": "Westflandern",
            "en": "West Flanders",
        },
    ),  # noqa: E501
    (
        "flemish-brabant",
        "flanders",
        {
            "fr": "Brabant flamand",
            "nl": "Vlaams-Brabant",
            "de": "Flämisch-Brabant",
            "en": "Flemish Brabant",
        },
    ),  # noqa: E501
    ("limburg", "flanders", {"fr": "Limbourg", "nl": "Limburg", "de": "Limburg", "en": "Limburg"}),  # noqa: E501
    (
        "walloon-brabant",
        "wallonia",
        {
            "fr": "Brabant wallon",
            "nl": "Waals-Brabant",
            "de": "Wallonisch-Brabant",
            "en": "Walloon Brabant",
        },
    ),  # noqa: E501
    (
        "hainaut",
        "wallonia",
        {"fr": "Hainaut", "nl": "Henegouwen", "de": "Hennegau", "en": "Hainaut"},
    ),  # noqa: E501
    ("liege", "wallonia", {"fr": "Liège", "nl": "Luik", "de": "Lüttich", "en": "Liège"}),
    (
        "luxembourg",
        "wallonia",
        {"fr": "Luxembourg", "nl": "Luxemburg", "de": "Luxemburg", "en": "Luxembourg (province)"},
    ),  # noqa: E501
    ("namur", "wallonia", {"fr": "Namur", "nl": "Namen", "de": "Namur", "en": "Namur"}),
)


def seed_regions(region_model, locale_model, rows=BELGIUM, country="BE") -> int:
    """Create the missing rows of ``rows`` in every locale (idempotent); returns how many.

    Takes the models as arguments so that a data migration can pass its historical models.
    """
    created = 0
    locales = list(locale_model.objects.all())
    for locale in locales:
        for code, parent_code, names in rows:
            if region_model.objects.filter(code=code, locale=locale).exists():
                continue
            sibling = region_model.objects.filter(code=code).first()
            parent = (
                region_model.objects.filter(code=parent_code, locale=locale).first()
                if parent_code
                else None
            )
            region_model.objects.create(
                code=code,
                name=names.get(locale.language_code, names["en"]),
                country=country,
                parent=parent,
                locale=locale,
                translation_key=sibling.translation_key if sibling else uuid.uuid4(),
            )
            created += 1
    return created


def region_options(regions) -> list[tuple[str, str]]:
    """(code, label) of ``regions`` (those of one language), for filters: grouped by country,
    each top-level region followed by its parts."""
    regions = sorted(regions, key=lambda r: r.name)
    children: dict[int | None, list[Region]] = {}
    for r in regions:
        children.setdefault(r.parent_id, []).append(r)
    known = {r.pk for r in regions}
    roots = [r for r in regions if r.parent_id is None or r.parent_id not in known]
    roots.sort(key=lambda r: (country_name(r.country.code), r.name))
    options: list[tuple[str, str]] = []

    def walk(region, depth):
        prefix = "— " * depth
        options.append(
            (region.code, f"{prefix}{region.name} ({country_name(region.country.code)})")
        )
        for child in children.get(region.pk, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return options

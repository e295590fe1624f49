"""Countries and nationalities: the ISO 3166-1 list of django-countries.

Names come in every language of the site from django-countries' maintained catalogues (never a
hand-written list). Stored values are alpha-2 codes.
"""

from django_countries import countries


def country_name(code: str) -> str:
    """The name of ``code`` in the active language ('' for an unknown code)."""
    return str(countries.name(code)) if code else ""


def is_country(code: str) -> bool:
    return bool(code) and code in countries


def country_options() -> list[tuple[str, str]]:
    """(code, name) of every country, sorted by name in the active language."""
    return [(c.code, str(c.name)) for c in countries]

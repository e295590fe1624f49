"""Appeal content: snippets (Desk, Offence), site settings and the public pages.

A package by concept; every name is importable from ``appeals.models`` as before (the
migrations name ``appeals.models.PublicPageMixin``).
"""

from ..regions import Region  # noqa: F401  (registers the snippet model with this app)
from .appeal import AppealNationality, AppealPage, AppealPhoto
from .appeal_form import AppealPageForm
from .pages import AppealIndexPage, HomePage
from .public import PublicPageMixin
from .rules import found_withdraw_delay, is_minor, withdraw_delay
from .snippets import Desk, EmergencySettings, Offence

__all__ = [
    "AppealIndexPage",
    "AppealNationality",
    "AppealPage",
    "AppealPageForm",
    "AppealPhoto",
    "Desk",
    "EmergencySettings",
    "HomePage",
    "Offence",
    "PublicPageMixin",
    "Region",
    "found_withdraw_delay",
    "is_minor",
    "withdraw_delay",
]

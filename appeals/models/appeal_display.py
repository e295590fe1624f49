"""What an appeal page shows, decided from its facts: used by templates, feeds, the API
and the poster."""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..choices import GALLERY_SECTIONS, NON_SUSPECT_KINDS, RESOLVED_STATUSES, Kind, Status
from ..i18n import localize
from .rules import is_minor


def _offences_of(locale_id: int) -> list:
    """Every offence of one language, cached (``appeals.lookups``): no translation query."""
    from ..lookups import offences  # cycle: lookups imports the models

    return offences(locale_id)


class AppealDisplayMixin:
    """The appeal page's derived facts (kind and status rules, names, ranges, photos)."""

    @property
    def intake_open(self) -> bool:
        """An incident appeal takes photos and videos only inside its window."""
        now = timezone.now()
        return (
            self.kind == Kind.INCIDENT
            and self.asks_for_help
            and (self.intake_opens is None or self.intake_opens <= now)
            and (self.intake_closes is None or now < self.intake_closes)
        )

    @property
    def is_resolved(self) -> bool:
        return self.status in RESOLVED_STATUSES

    @property
    def is_child(self) -> bool:
        """A missing child: flagged, or under 18 by age or date of birth."""
        return self.kind == Kind.MISSING and (self.child or is_minor(self.__dict__))

    @property
    def shows_reward(self) -> bool:
        return self.asks_for_help and not self.is_child and bool(self.reward_amount or self.reward)

    @property
    def shows_offences(self) -> bool:
        return self.kind not in (Kind.MISSING, Kind.UNKNOWN)

    @property
    def shows_standard_caution(self) -> bool:
        """Missing and unidentified persons are not suspects: no "do not approach" unless the
        editor writes a caution."""
        return self.kind not in NON_SUSPECT_KINDS

    @property
    def about_a_person(self) -> bool:
        # An incident appeal asks for witnesses' files about an event: no one to describe.
        return self.kind not in (Kind.OBJECT, Kind.INCIDENT)

    @property
    def shows_caution(self) -> bool:
        return self.asks_for_help and bool(self.caution or self.shows_standard_caution)

    @property
    def appeal_question(self) -> str:
        """What the page asks its readers: relatives and witnesses, not suspects' neighbours."""
        if self.kind == Kind.MISSING:
            return _("Have you seen %(name)s?") % {"name": self.display_name}
        if self.kind == Kind.UNKNOWN:
            return str(_("Do you recognise this person?"))
        if self.kind == Kind.OBJECT:
            return str(_("Do you recognise this object or this place?"))
        return ""

    def photo_groups(self) -> list[tuple[str, list]]:
        """The main gallery, then marks and belongings in their own galleries."""
        photos = self.photo_list()
        section_kinds = [k for k, _label in GALLERY_SECTIONS]
        groups = [("", [p for p in photos if p.kind not in section_kinds])]
        for kind, label in GALLERY_SECTIONS:
            groups.append((str(label), [p for p in photos if p.kind == kind]))
        return [(label, items) for label, items in groups if items or not label]

    def country_name(self) -> str:
        return self.facts_country.name if self.facts_country else ""

    def possible_country_names(self) -> list[str]:
        return [c.name for c in self.possible_countries]

    @property
    def asks_for_help(self) -> bool:
        """Only an active appeal asks the public for help (caution, reward, tip button, QR
        code); arrested, identified and closed appeals do not, in any language."""
        return self.status == Status.ACTIVE

    @property
    def display_name(self) -> str:
        if not self.about_a_person:
            return self.title
        return self.full_name or str(_("Unknown person"))

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.known_aliases.split(",") if a.strip()]

    @property
    def age_range(self) -> str:
        if self.age_min and self.age_max and self.age_min != self.age_max:
            return f"{self.age_min}–{self.age_max}"
        return str(self.age_min or self.age_max or "")

    @property
    def height_range(self) -> str:
        if self.height_min_cm and self.height_max_cm and self.height_min_cm != self.height_max_cm:
            return f"{self.height_min_cm}–{self.height_max_cm} cm"
        value = self.height_min_cm or self.height_max_cm
        return f"{value} cm" if value else ""

    def photo_list(self) -> list:
        # A found person's photos are withdrawn from every view at once (then deleted after
        # APPEAL_FOUND_WITHDRAW_DAYS): their privacy comes first.
        if self.status == Status.FOUND:
            return []
        return list(self.photos.all())

    @property
    def main_photo(self):
        photos = self.photo_list()
        return photos[0] if photos else None

    def offence_list(self) -> list:
        if not hasattr(self, "_localized_offences"):
            self._localized_offences = localize(
                self.offences.all(), self.locale_id, known=_offences_of
            )
        return self._localized_offences

    @classmethod
    def localize_offences(cls, appeals) -> list:
        """Fill ``offence_list()`` of many appeals (offences prefetched) in one query."""
        appeals = list(appeals)
        pairs = [(a, list(a.offences.all())) for a in appeals]
        flat = [o for _a, offences in pairs for o in offences]
        if appeals and flat:
            locale_id = appeals[0].locale_id
            localized = iter(localize(flat, locale_id, known=_offences_of))
            for appeal, offences in pairs:
                appeal._localized_offences = [next(localized) for _ in offences]
        return appeals

    def nationality_list(self) -> list[str]:
        return [str(n.code.name) for n in self.nationalities.all()]

    def get_tip_url(self, lang: str | None = None) -> str:
        """The tip form for this appeal, in ``lang`` (default: the active language)."""
        name = "tips:incident" if self.kind == Kind.INCIDENT else "tips:submit_for_appeal"
        with translation.override(lang or translation.get_language()):
            return reverse(name, kwargs={"appeal_id": self.pk})

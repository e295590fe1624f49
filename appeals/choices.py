"""Fixed vocabularies of appeal pages: kinds, statuses, sex, photo kinds.

Labels are translatable (catalogue ``appeals/locale``); stored values never change.
Regions are editable snippets (``appeals.regions``); countries and nationalities are the ISO
3166 list of django-countries (``appeals.countries``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    WANTED = "wanted", _("Wanted person")
    IDENTIFY = "identify", _("Identify this person")
    WITNESS = "witness", _("Witness appeal")
    MISSING = "missing", _("Missing person")
    UNKNOWN = "unknown", _("Unidentified person")
    OBJECT = "object", _("Object or place")
    INCIDENT = "incident", _("Incident (photos and videos from the public)")


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("appeal status", "Active")
    ARRESTED = "arrested", pgettext_lazy("appeal status", "Arrested")
    IDENTIFIED = "identified", pgettext_lazy("appeal status", "Identified")
    FOUND = "found", pgettext_lazy("appeal status", "Found")
    CLOSED = "closed", pgettext_lazy("appeal status", "Closed")


#: Statuses that resolve an appeal: a banner is shown, the appeal leaves the default listing,
#: and its page and photos are withdrawn after ``APPEAL_WITHDRAW_DAYS`` (a found missing
#: person: after ``APPEAL_FOUND_WITHDRAW_DAYS``, much sooner).
RESOLVED_STATUSES = (Status.ARRESTED, Status.IDENTIFIED, Status.FOUND)

#: Kinds about a person whose whereabouts or identity is sought, not a suspect: no offences
#: and no standard "do not approach" caution (an editor may still write one).
NON_SUSPECT_KINDS = (Kind.MISSING, Kind.UNKNOWN, Kind.OBJECT, Kind.INCIDENT)


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", pgettext_lazy("sex", "Unknown")


class PhotoKind(models.TextChoices):
    """What an appeal image shows: a caption badge, and the gallery it belongs to."""

    PHOTO = "photo", _("Photo")
    CCTV = "cctv", _("CCTV still")
    EFIT = "efit", _("E-fit")
    AGE_PROGRESSED = "age-progressed", _("Age-progressed image")
    RECONSTRUCTION = "reconstruction", _("Facial reconstruction")
    MARK = "mark", _("Tattoo or mark")
    BELONGINGS = "belongings", _("Clothing or belongings")
    OBJECT = "object", pgettext_lazy("photo kind", "Object")
    PLACE = "place", pgettext_lazy("photo kind", "Place")


#: Photo kinds shown in their own gallery below the main one, with its heading.
GALLERY_SECTIONS = (
    (PhotoKind.MARK, _("Tattoos and distinguishing marks")),
    (PhotoKind.BELONGINGS, _("Clothing and belongings")),
)

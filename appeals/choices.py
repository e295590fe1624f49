"""Fixed vocabularies of appeal pages: kinds, statuses, sex, regions, nationalities.

Labels are translatable (catalogue ``appeals/locale``); stored values never change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    WANTED = "wanted", _("Wanted person")
    IDENTIFY = "identify", _("Identify this person")
    WITNESS = "witness", _("Witness appeal")


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("appeal status", "Active")
    ARRESTED = "arrested", pgettext_lazy("appeal status", "Arrested")
    IDENTIFIED = "identified", pgettext_lazy("appeal status", "Identified")
    CLOSED = "closed", pgettext_lazy("appeal status", "Closed")


#: Statuses that resolve an appeal: a banner is shown, the appeal leaves the default listing,
#: and its page and photos are withdrawn after ``APPEAL_WITHDRAW_DAYS``.
RESOLVED_STATUSES = (Status.ARRESTED, Status.IDENTIFIED)


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", pgettext_lazy("sex", "Unknown")


class Region(models.TextChoices):
    BRUSSELS = "brussels", _("Brussels-Capital")
    ANTWERP = "antwerp", _("Antwerp")
    EAST_FLANDERS = "east-flanders", _("East Flanders")
    WEST_FLANDERS = "west-flanders", _("West Flanders")
    FLEMISH_BRABANT = "flemish-brabant", _("Flemish Brabant")
    LIMBURG = "limburg", _("Limburg")
    WALLOON_BRABANT = "walloon-brabant", _("Walloon Brabant")
    HAINAUT = "hainaut", _("Hainaut")
    LIEGE = "liege", _("Liège")
    LUXEMBOURG = "luxembourg", _("Luxembourg (province)")
    NAMUR = "namur", _("Namur")
    ABROAD = "abroad", _("Abroad")


class Nationality(models.TextChoices):
    """ISO 3166-1 alpha-2 codes of the nationalities editors can pick."""

    AL = "AL", _("Albanian")
    DZ = "DZ", _("Algerian")
    AT = "AT", _("Austrian")
    BE = "BE", _("Belgian")
    BR = "BR", _("Brazilian")
    BG = "BG", _("Bulgarian")
    CN = "CN", _("Chinese")
    CO = "CO", _("Colombian")
    CD = "CD", _("Congolese (DRC)")
    HR = "HR", _("Croatian")
    CZ = "CZ", _("Czech")
    GB = "GB", _("British")
    FR = "FR", _("French")
    DE = "DE", _("German")
    GR = "GR", _("Greek")
    HU = "HU", _("Hungarian")
    IE = "IE", _("Irish")
    IT = "IT", _("Italian")
    LT = "LT", _("Lithuanian")
    LU = "LU", _("Luxembourgish")
    MA = "MA", _("Moroccan")
    NL = "NL", _("Dutch")
    NG = "NG", _("Nigerian")
    PL = "PL", _("Polish")
    PT = "PT", _("Portuguese")
    RO = "RO", _("Romanian")
    RU = "RU", _("Russian")
    RS = "RS", _("Serbian")
    ES = "ES", _("Spanish")
    SY = "SY", _("Syrian")
    TN = "TN", _("Tunisian")
    TR = "TR", _("Turkish")
    UA = "UA", _("Ukrainian")
    US = "US", _("American")
    XX = "XX", _("Unknown nationality")

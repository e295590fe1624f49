"""Rules on an appeal's facts that the form and the page share, and the withdrawal delays."""

import datetime

from django.conf import settings
from django.utils import timezone


def withdraw_delay() -> datetime.timedelta:
    return datetime.timedelta(days=settings.APPEAL_WITHDRAW_DAYS)


def found_withdraw_delay() -> datetime.timedelta:
    return datetime.timedelta(days=settings.APPEAL_FOUND_WITHDRAW_DAYS)


def is_minor(values) -> bool:
    """Under 18 by the apparent age or the date of birth in ``values`` (a dict of fields)."""
    age_max, age_min = values.get("age_max"), values.get("age_min")
    if age_max or age_min:
        return (age_max or age_min) < 18
    born = values.get("date_of_birth")
    if born:
        today = timezone.localdate()
        years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return years < 18
    return False

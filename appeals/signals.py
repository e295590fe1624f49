"""Invalidate cached lookups (``appeals.lookups``) when their source changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale, Site
from wagtail.signals import page_published, page_unpublished

from . import lookups
from .models import AppealIndexPage, EmergencySettings, Offence


@receiver([post_save, post_delete], sender=AppealIndexPage)
@receiver([page_published, page_unpublished], sender=AppealIndexPage)
def _index_changed(**kwargs):
    lookups.forget("index-url")


@receiver([post_save, post_delete], sender=Offence)
@receiver([post_save, post_delete], sender=Locale)
def _offences_changed(**kwargs):
    lookups.forget("offences")


@receiver([post_save, post_delete], sender=EmergencySettings)
@receiver([post_save, post_delete], sender=Site)
def _emergency_changed(**kwargs):
    lookups.forget("emergency")

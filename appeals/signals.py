"""Invalidate cached lookups (``appeals.lookups``) when their source changes; copy an appeal's
language-neutral facts to its translations when it is published (``appeals.translation_sync``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale, Site
from wagtail.signals import page_published, page_unpublished

from . import lookups, translation_sync
from .models import AppealIndexPage, AppealPage, EmergencySettings, Offence
from .regions import Region


@receiver([post_save, post_delete], sender=AppealIndexPage)
@receiver([page_published, page_unpublished], sender=AppealIndexPage)
def _index_changed(**kwargs):
    lookups.forget("index-url")


@receiver([post_save, post_delete], sender=Offence)
@receiver([post_save, post_delete], sender=Locale)
def _offences_changed(**kwargs):
    lookups.forget("offences")


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Locale)
def _regions_changed(**kwargs):
    lookups.forget("regions")


@receiver([post_save, post_delete], sender=EmergencySettings)
@receiver([post_save, post_delete], sender=Site)
def _emergency_changed(**kwargs):
    lookups.forget("emergency")


# One appeal, one truth in every language: publishing any translation copies its
# language-neutral facts to the others, whoever publishes (admin, scheduler, workflow, code).
page_published.connect(
    translation_sync.on_page_published, sender=AppealPage, dispatch_uid="appeals-translation-sync"
)

"""One appeal, one truth in every language: copy the language-neutral facts of a published
appeal to all its translations.

An appeal exists once per language (pages sharing a ``translation_key``). Its status, dates,
physical details, desk, reward amount, offences, nationalities and photos are facts, not text:
they must be the same on the fr, nl, de and en pages, in the page listing, the feeds, the
sitemap, the API and the poster. Which fields are facts is declared on the model
(``AppealPage.language_neutral_*``); this module applies them.

Why a publish hook and not Wagtail's own mechanisms: ``wagtail.contrib.simple_translation``
copies every field once, when a translation is created, and Wagtail core has no synchronised
fields (``SynchronizedField`` / ``override_translatable_fields`` belong to wagtail-localize,
which is not installed and would not propagate on publish either). So ``page_published``
(connected in ``appeals/wagtail_hooks.py``; sent for the admin's Publish, scheduled publishing,
workflow approval and code alike) calls :func:`sync_translations`.

Rules:

- **The last publish wins.** Whichever translation is published last is the source; its facts
  are copied to the others. Translators may work in any language: marking the nl page arrested
  marks the fr page arrested too.
- **Live translations** get a new revision (their live content plus the facts) that is
  published at once; a newer draft a translator is working on gets the facts as well (a new
  draft revision on top of it), so publishing that draft later cannot bring stale facts back.
- **Translations that are not live** are never published (withdrawn or unfinished pages are
  not resurrected): only their draft gets the facts.
- Snippets (desk, offences) are mapped to their translation in the target language (same
  ``translation_key``); without one the source's snippet is kept. Photos are copied in the
  source's order; a photo the target already had keeps its translated caption, a new one takes
  the source's caption until a translator changes it.
- Questions of the tip form (``appeals.questions``): their text is translated per language
  and never copied; their structure (which questions, in which order, type, required, date
  and number options, how many choices) follows the source like the photos do.
- All in one transaction (translation rows locked), one audit log entry per translation
  (``appeals.translation_sync``, with the source and the changed fields). Publishing a
  translation sends ``page_published`` again, which runs the usual cache purge and proxy
  refresh (``mostwanted.cache_purge``) for it; the nested signal does not sync again.
- Like any publish in Wagtail, publishing a translation cancels a moderation workflow
  running on it (``WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH``); its draft is kept, with the facts.
- ``manage.py sync_appeal_translations`` (:func:`sync_all`) applies the same rule to content
  published before it existed.
"""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass, field

from django.db import transaction
from wagtail.log_actions import LogContext, get_active_log_context, log

from . import questions
from .i18n import localize
from .models import AppealNationality, AppealPage, AppealPhoto

logger = logging.getLogger(__name__)

LOG_ACTION = "appeals.translation_sync"

# What makes two child objects (InlinePanel rows) the same fact in two languages: a photo is
# its image and its kind (CCTV still, e-fit, tattoo...), the caption is translated text.
CHILD_IDENTITY = {"nationalities": ("code",), "photos": ("image_id", "kind")}

# Set while this module publishes translations, so their page_published does not sync back.
_syncing = contextvars.ContextVar("appeals_translation_syncing", default=False)


@dataclass
class SyncReport:
    source_id: int
    published: list[int] = field(default_factory=list)  # live translations republished
    drafts: list[int] = field(default_factory=list)  # drafts that received the facts


def is_syncing() -> bool:
    return _syncing.get()


# --------------------------------------------------------------------------- facts


def facts_of(page) -> dict:
    """The language-neutral facts of ``page``, in a form that compares across languages
    (snippets by ``translation_key``, children by code or image)."""
    facts = {name: getattr(page, name) for name in page.language_neutral_fields}
    for name in page.language_neutral_snippets:
        snippet = getattr(page, name)
        facts[name] = snippet.translation_key if snippet is not None else None
    for name in page.language_neutral_snippet_sets:
        facts[name] = sorted(str(o.translation_key) for o in getattr(page, name).all())
    for name in page.language_neutral_children:
        keys = CHILD_IDENTITY[name]
        facts[name] = [
            tuple(str(getattr(child, key)) for key in keys)
            for child in _ordered(getattr(page, name))
        ]
    # The questions' structure (not their text): see appeals.questions.
    facts["questions"] = questions.structure_of(page.questions)
    return facts


def _ordered(relation) -> list:
    """Children in display order; rows created in code may share a null ``sort_order``, so the
    primary key breaks ties (the database returns such rows in any order)."""
    return sorted(
        relation.all(), key=lambda c: (c.sort_order is None, c.sort_order or 0, c.pk or 0)
    )


def _localized(snippets, locale_id) -> list:
    return localize(snippets, locale_id)


def apply_facts(source, target) -> list[str]:
    """Copy the facts of ``source`` onto ``target`` (in memory: nothing is saved).

    Returns the names of the facts that changed, empty when ``target`` already agrees.
    """

    wanted, current = facts_of(source), facts_of(target)
    changed = [name for name in wanted if wanted[name] != current[name]]
    if not changed:
        return []
    for name in source.language_neutral_fields:
        setattr(target, name, getattr(source, name))
    for name in source.language_neutral_snippets:
        snippet = getattr(source, name)
        setattr(target, name, _localized([snippet], target.locale_id)[0] if snippet else None)
    for name in source.language_neutral_snippet_sets:
        setattr(target, name, _localized(getattr(source, name).all(), target.locale_id))
    target.nationalities = [
        AppealNationality(code=n.code, sort_order=i)
        for i, n in enumerate(_ordered(source.nationalities))
    ]
    # Keep the target's own (translated) caption of a photo it already shows.
    captions = {p.image_id: p.caption for p in target.photos.all()}
    target.photos = [
        AppealPhoto(
            image_id=p.image_id,
            kind=p.kind,
            caption=captions.get(p.image_id, p.caption),
            sort_order=i,
        )
        for i, p in enumerate(_ordered(source.photos))
    ]
    if "questions" in changed:  # the target keeps the text of the questions it has
        target.questions = questions.align(source.questions, target.questions)
    return changed


# --------------------------------------------------------------------------- sync


def translations_of(page):
    """The other-language pages of ``page`` that hold their own content (no aliases: Wagtail
    updates those itself), locked for the rest of the transaction."""

    return (
        AppealPage.objects.select_for_update()
        .filter(translation_key=page.translation_key, alias_of__isnull=True)
        .exclude(pk=page.pk)
        .order_by("pk")
    )


def _log(target, source, changed, user, revision) -> None:
    log(
        instance=target,
        action=LOG_ACTION,
        user=user,
        revision=revision,
        data={
            "source": {
                "id": source.pk,
                "language": source.locale.language_code,
                "title": source.title,
            },
            "fields": changed,
        },
    )


def _sync_one(source, target, user, report: SyncReport) -> None:
    latest = target.get_latest_revision()
    if target.live:
        # The content now live (a page created in code may have no revision yet).
        live = target.live_revision.as_object() if target.live_revision_id else target
        changed = apply_facts(source, live)
        if changed:
            revision = live.save_revision(user=user, clean=False, changed=True)
            revision.publish(user=user, skip_permission_checks=True)
            _log(target, source, changed, user, revision)
            report.published.append(target.pk)
        if latest is None or latest.pk == target.live_revision_id:
            return  # no draft beyond the live content
    # A draft newer than the live content, or a page that is not live: update the draft only.
    draft = latest.as_object() if latest is not None else target
    changed = apply_facts(source, draft)
    if changed:
        revision = draft.save_revision(user=user, clean=False, changed=True)
        if not target.live:
            _log(target, source, changed, user, revision)
        report.drafts.append(target.pk)


def sync_translations(source, user=None) -> SyncReport:
    """Copy the language-neutral facts of the published ``source`` appeal to all its
    translations (see the module docstring). Safe to call again: unchanged translations get
    no revision."""

    report = SyncReport(source_id=source.pk)
    if not isinstance(source, AppealPage) or not source.live:
        return report

    token = _syncing.set(True)
    try:
        with transaction.atomic():
            for target in translations_of(source):
                # A log context (so a log uuid) per page: Wagtail's page history shows one
                # entry per uuid and action across all pages, so a shared uuid would hide
                # these entries from every translation's history but the last one.
                with LogContext(user=user):
                    _sync_one(source, target, user, report)
    finally:
        _syncing.reset(token)
    if report.published or report.drafts:
        logger.info(
            "appeal %d: facts copied to %d live and %d draft translations",
            source.pk,
            len(report.published),
            len(report.drafts),
        )
    return report


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    """``page_published`` receiver: sync from the page that was just published.

    Skipped for the translations this module publishes itself, and when the signal reports a
    publish scheduled for later (Wagtail sends it then too; the real publish sends it again).
    """
    if is_syncing() or not instance.live:
        return
    if revision is not None and instance.live_revision_id not in (None, revision.pk):
        return

    user = get_active_log_context().user or (revision.user if revision is not None else None)
    sync_translations(instance, user=user)


# --------------------------------------------------------------------------- repair


def latest_published_sources() -> list:
    """Per appeal (``translation_key``) with a live page: the live translation published last,
    which is the truth by the rule above."""

    sources, seen = [], set()
    pages = (
        AppealPage.objects.live()
        .filter(alias_of__isnull=True)
        .select_related("locale")
        .order_by("translation_key", "-last_published_at", "-pk")
    )
    for page in pages:
        if page.translation_key not in seen:
            seen.add(page.translation_key)
            sources.append(page)
    return sources


def out_of_sync(source) -> list:
    """The translations of ``source`` whose current facts differ from it."""

    wanted = facts_of(source)
    others = AppealPage.objects.filter(
        translation_key=source.translation_key, alias_of__isnull=True
    ).exclude(pk=source.pk)
    return [page for page in others if facts_of(page) != wanted]


def sync_all(user=None, dry_run=False) -> list[SyncReport]:
    """Bring every appeal's translations in line with its last published translation (for
    content published before this rule existed, or a sync that failed). ``dry_run`` reports
    the translations that differ (in ``published``) without changing anything."""
    reports = []
    for source in latest_published_sources():
        if dry_run:
            stale = out_of_sync(source)
            if stale:
                reports.append(SyncReport(source.pk, published=[p.pk for p in stale]))
            continue
        report = sync_translations(source, user=user)
        if report.published or report.drafts:
            reports.append(report)
    return reports

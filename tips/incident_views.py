"""The tip form of an incident appeal: text, photos and videos.

Without JavaScript the files come in the form itself (the encrypting upload handler, the
ordinary limits). With JavaScript, ``incident.js`` sends each file first through the
resumable endpoint (``tips.resumable_views``), has it cleaned as soon as it is complete
(``tips.cleaning``) and posts only the upload tokens and the browser's secret with the
form, which then opens the sealed results. A file without a result (the script stopped
early) and every plain file is hashed, cleaned in a sandbox and staged here, as before
``tips.services.tip_submit`` seals the tip; a refused file refuses the tip
with a message naming it (the text stays in the form).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from mostwanted.storage import STORAGE_ERRORS

from . import (
    antispam,
    cleaning_form,
    forms,
    http,
    incident,
    ratelimit,
    resumable,
    staged_outputs,
    views,
)

logger = logging.getLogger(__name__)

MEDIA_FIELD = "media"
TOKENS_FIELD = "upload_tokens"
SECRET_FIELD = "upload_secret"  # noqa: S105 (a field name)
KEEP_FIELD = "keep_when_where"


def _appeal_or_404(appeal_id):
    from appeals.choices import Kind
    from appeals.models import AppealPage

    page = AppealPage.objects.live().filter(pk=appeal_id, kind=Kind.INCIDENT).first()
    if page is None:
        raise Http404
    return page


def _render(request, appeal, form, *, status=200, errors=(), keep=False):
    limits = views._limits()  # noqa: SLF001 - the tip line's own form limits
    context = {
        **views._appeal_context(appeal),  # noqa: SLF001
        "form": form.adapt_to_appeal(appeal),
        "form_action": request.path,
        "errors": list(errors),
        "keep_when_where": keep,
        "limits": limits,
        "max_files": incident.max_files(appeal),
        "max_file_bytes": resumable.max_file_bytes(appeal),
        "upload_url": reverse("tips:upload_collection"),
        "chunk_bytes": settings.TIP_UPLOAD_CHUNK_BYTES,
    }
    return http.no_store(render(request, "tips/incident_form.html", context, status=status))


@csrf_exempt  # checked in _post, after the encrypting upload handler is installed
@sensitive_post_parameters()
@never_cache
def incident_submit(request, appeal_id):
    if request.method == "POST":
        from .uploads import EncryptingUploadHandler

        request.upload_handlers = [EncryptingUploadHandler(request)]
    appeal = _appeal_or_404(appeal_id).localized.specific
    if not appeal.intake_open:
        return http.no_store(
            render(request, "tips/incident_closed.html", {"appeal": appeal}, status=410)
        )
    if request.method != "POST":
        return _render(request, appeal, views._blank_form(request, appeal))  # noqa: SLF001
    try:
        request.POST  # noqa: B018 - parse now, through the encrypting handler
    except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError):
        http.close_uploads(request)
        return _render(
            request, appeal, views._blank_form(request, appeal), status=400,  # noqa: SLF001
            errors=[forms.UNREADABLE_REQUEST_MESSAGE],
        )  # fmt: skip
    try:
        return _post(request, appeal)
    finally:
        http.close_uploads(request)


def _collect(request, appeal, keep, rows):
    """(incoming files, errors) from the form's files and upload tokens, the resumable
    rows taken added to ``rows`` as they are (let go even if a later one fails):
    an upload already cleaned in the background brings its sealed result."""
    errors, incomings = [], []
    for name, code in getattr(request, "tip_upload_errors", []):
        errors.append(forms.attachment_error_message(name, code))
    for uploaded in request.FILES.getlist(MEDIA_FIELD):
        try:
            incomings.append(incident.from_form_file(uploaded))
        except resumable.UploadError as error:
            errors.append(incident.refusal_message(len(incomings) + 1, error.code))
    tokens = request.POST.get(TOKENS_FIELD, "").split()
    if tokens:
        try:
            secret = resumable.parse_secret(request.POST.get(SECRET_FIELD))
            for token in tokens[: incident.max_files(appeal) + 1]:
                row = resumable.get_live(token)
                if row.appeal_id != appeal.pk and row.appeal_id not in _translation_ids(appeal):
                    raise resumable.UploadError(403, "not_found")
                incomings.append(cleaning_form.incoming_for_form(row, secret, keep=keep))
                rows.append(row)
        except resumable.UploadError as error:
            errors.append(incident.refusal_message(len(incomings) + 1, error.code))
    if len(incomings) > incident.max_files(appeal):
        errors.append(
            _("A tip can have at most %(max)d files.") % {"max": incident.max_files(appeal)}
        )
    return incomings, errors


def _translation_ids(appeal) -> set[int]:
    return set(appeal.get_translations(inclusive=True).values_list("pk", flat=True))


@csrf_protect
def _post(request, appeal):
    keep = request.POST.get(KEEP_FIELD) == "on"
    token = request.POST.get(antispam.TOKEN_FIELD, "")
    notices = []
    status = antispam.check_token(token)
    if status is not antispam.TokenStatus.OK:
        notices.append(forms.TOKEN_MESSAGES[status])
    if antispam.honeypot_filled(request.POST):
        notices.append(forms.HONEYPOT_MESSAGE)
    form = forms.TipForm(data=request.POST, questions=views._questions(appeal))  # noqa: SLF001
    form.adapt_to_appeal(appeal)  # no "I see this person now": never urgent from this form
    # The uploads it holds, renewed while it cleans, let go at the end (none left once a
    # tip took them).
    with cleaning_form.holding([]) as rows:
        try:
            incomings, errors = _collect(request, appeal, keep, rows)
        except (DatabaseError, *STORAGE_ERRORS) as exc:
            logger.error("incident form: uploads unavailable (%s)", type(exc).__name__)
            refill = views._refill(request, appeal)  # noqa: SLF001
            return _render(
                request, appeal, refill, status=503, errors=[forms.INCIDENT_UNAVAILABLE_MESSAGE]
            )
        return _send(request, appeal, form, incomings, rows, notices + errors, keep, token)


def _send(request, appeal, form, incomings, rows, errors, keep, token):  # noqa: PLR0913
    """Seal the tip (``errors``: the notices and file errors found so far)."""
    from . import selectors, services

    if errors or not form.is_valid():
        refill = views._refill(request, appeal)  # noqa: SLF001
        return _render(request, appeal, refill, status=400, errors=errors, keep=keep)
    admission = ratelimit.admit_submission(request)
    if admission.refused:
        refill = views._refill(request, appeal)  # noqa: SLF001
        message = forms.busy_message(admission.wait_seconds, incident=True)
        return _render(request, appeal, refill, status=429, errors=[message], keep=keep)
    staged = []
    try:
        batch = incident.clean_all(incomings, keep_when_where=keep)
        if batch.errors:
            admission.give_back()
            refill = views._refill(request, appeal)  # noqa: SLF001
            return _render(request, appeal, refill, status=400, errors=batch.errors, keep=keep)
        staged = batch.staged
        data = form.fields_for_sealing()
        contact = data.pop("contact", "")
        desk_key = selectors.desk_key_for_appeal(appeal)
        submitted = services.tip_submit(
            desk_key=desk_key,
            appeal=appeal,
            fields=data,
            questions=form.answers_for_sealing(),
            contact={"contact": contact} if contact else None,
            attachments=staged,
            urgent=False,  # an incident going on is a 112 call (see forms.adapt_to_appeal)
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    except (services.TipLineNotReady, DatabaseError, *STORAGE_ERRORS) as exc:
        logger.error("incident form: could not store a tip (%s)", type(exc).__name__)
        admission.give_back()
        incident.discard_staged(staged)
        staged_outputs.release(item.storage_name for item in staged)
        cleaning_form.forget(rows)  # their results' files went with the tip that failed
        refill = views._refill(request, appeal)  # noqa: SLF001
        return _render(
            request, appeal, refill, status=503, errors=[forms.INCIDENT_UNAVAILABLE_MESSAGE]
        )
    admission.accepted()
    cleaning_form.hand_over(rows, staged)
    staged_outputs.release(item.storage_name for item in staged)
    incident.release_uploads(rows)
    antispam.mark_token_used(token)
    return views._render_receipt(request, submitted.receipt, urgent=False)  # noqa: SLF001

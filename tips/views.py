"""Public tip-line views: the form, the one-time receipt, its download, the protection page.

The submit view is thin: it installs the encrypting upload handler before the body is read,
then checks (rate limit, form token, honeypot, fields, photos), sanitises and stages each
photo, and hands everything to ``tips.services.tip_submit``. Every refusal re-renders the
form with the citizen's text and says what to do; the receipt is rendered directly in the
POST response (never stored, never redirected through a URL or the session).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from wagtail.models import Page

from appeals.models import AppealPage
from mostwanted.storage import STORAGE_ERRORS

from . import antispam, forms, ratelimit, replay, selectors, services
from .attachments import discard_staged
from .http import close_uploads, no_store
from .questions import specs_for
from .receipt_views import _render_receipt, receipt_download  # noqa: F401  (URLs, incident form)
from .uploads import EncryptingUploadHandler, stage_photos

logger = logging.getLogger(__name__)

PHOTO_FIELD = "photos"


# --------------------------------------------------------------------------- helpers


def _limits() -> dict:
    return {**forms.upload_limits(), "text_chars": forms.max_text_chars()}


def _js_messages() -> dict:
    """Translated messages for tipform.js, with ``{name}``-style placeholders."""
    return {
        "too_large": forms.attachment_error_message("{name}", "file_too_large"),
        "type": forms.attachment_error_message("{name}", "unsupported_type"),
        # Nothing has been sent when the browser checks: say the real limit and what to do.
        "too_many": _(
            "You chose {count} photos, but a tip can have at most {max}. Choose the photos "
            "again, {max} at most: what you have written stays in the form."
        ),
        "total": forms.attachment_error_message("{name}", "total_too_large"),
        "counter": _("{used} of {max} characters"),
        "uploading": _("Sending… {percent}%"),
        "failed": _("The connection was interrupted. Sending the form the ordinary way…"),
    }


def _resolve_appeal(appeal_id):
    """The live appeal page ``appeal_id``, or None for the general tip line; 404 otherwise."""
    if appeal_id is None:
        return None
    try:
        page = Page.objects.get(id=appeal_id).specific
    except Page.DoesNotExist:
        raise Http404 from None
    if not isinstance(page, AppealPage) or not page.live:
        raise Http404
    return page


def _appeal_context(appeal) -> dict:
    if appeal is None:
        return {"appeal": None}
    # After a language switch the URL still holds the id of the page in the old language:
    # show and link to its live translation in the active language.
    appeal = appeal.localized.specific
    name = getattr(appeal, "display_name", None) or appeal.title
    try:
        photo = getattr(appeal, "main_photo", None)
    except DatabaseError:
        photo = None
    return {"appeal": appeal, "appeal_name": name, "appeal_photo": photo}


def _render_form(
    request,
    appeal,
    form,
    *,
    status=200,
    notices=(),
    file_errors=(),
    photos_not_kept=False,
):
    problems = len(notices) + len(file_errors) + sum(len(e) for e in form.errors.values())
    context = {
        **_appeal_context(appeal),
        "form": form.adapt_to_appeal(getattr(appeal, "specific", appeal)),
        "form_action": request.path,
        "notices": list(notices),
        "file_errors": list(file_errors),
        "photos_not_kept": forms.PHOTOS_NOT_KEPT if photos_not_kept else "",
        "error_summary": forms.error_count_message(problems) if problems else "",
        "limits": _limits(),
        "js_messages": _js_messages(),
        "onion_wait": antispam.onion_wait(request),
    }
    return no_store(render(request, "tips/form.html", context, status=status))


def _questions(appeal) -> list[dict]:
    """The appeal's own questions in the active language; none if they cannot be read."""
    try:
        return specs_for(appeal)
    except DatabaseError as exc:
        logger.error("tip form: appeal questions unavailable (%s)", type(exc).__name__)
        return []


def _refill(request, appeal=None) -> forms.TipForm:
    """The submitted form, text and answers intact, with a fresh token and an empty
    honeypot."""
    data = request.POST.copy()
    data[antispam.TOKEN_FIELD] = antispam.issue_token()
    data[antispam.HONEYPOT_FIELD] = ""
    form = forms.TipForm(data=data, questions=_questions(appeal))
    form.is_valid()  # compute field errors for display
    return form


def _blank_form(request, appeal=None) -> forms.TipForm:
    return forms.TipForm(
        initial={antispam.TOKEN_FIELD: antispam.issue_token()}, questions=_questions(appeal)
    )


def _uploaded_photos(request) -> list:
    return list(request.FILES.getlist(PHOTO_FIELD))


# --------------------------------------------------------------------------- views


# Not ``uploads.encrypting_uploads`` (which checks CSRF before the view): the body is parsed
# here first, so an unreadable or too large request gets the form again with its message
# (400/413, tests/security/test_csrf_failure.py, tests/tips_intake/test_submit.py) rather
# than the CSRF refusal. CSRF is checked by _submit_post, after the upload handler is installed.
@csrf_exempt
@sensitive_post_parameters()
@never_cache
def submit(request, appeal_id=None):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.method == "POST":
        # Must happen before anything reads request.POST / request.FILES.
        request.upload_handlers = [EncryptingUploadHandler(request)]
    try:
        appeal = _resolve_appeal(appeal_id)
    except DatabaseError as exc:
        logger.error("tip form: database unavailable (%s)", type(exc).__name__)
        return _unavailable(request, None)
    if request.method != "POST":
        return _render_form(request, appeal, _blank_form(request, appeal))
    try:
        request.POST  # noqa: B018 - parse the body now, through the encrypting handler
    except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError) as exc:
        logger.warning("tip form: unreadable submission (%s)", type(exc).__name__)
        close_uploads(request)
        return _render_form(
            request,
            appeal,
            _blank_form(request, appeal),
            status=413 if isinstance(exc, RequestDataTooBig) else 400,
            notices=[
                forms.TOO_LARGE_REQUEST_MESSAGE
                if isinstance(exc, RequestDataTooBig)
                else forms.UNREADABLE_REQUEST_MESSAGE
            ],
            photos_not_kept=True,
        )
    try:
        return _submit_post(request, appeal)
    finally:
        close_uploads(request)


def _unavailable(request, appeal):
    form = _refill(request, appeal) if request.method == "POST" else _blank_form(request, appeal)
    response = _render_form(
        request,
        appeal,
        form,
        status=503,
        notices=[forms.UNAVAILABLE_MESSAGE],
        photos_not_kept=bool(request.method == "POST" and getattr(request, "_files", None)),
    )
    response["Retry-After"] = str(forms.RETRY_AFTER_SECONDS)
    return response


@csrf_protect
def _submit_post(request, appeal):
    photos = _uploaded_photos(request)
    had_photos = bool(photos) or bool(getattr(request, "tip_upload_errors", None))

    # Cheap checks first: a request that fails them touches no rate counter.
    notices = []
    token = request.POST.get(antispam.TOKEN_FIELD, "")
    wait = antispam.min_seconds_for(request)
    status = antispam.check_token(token, min_age=wait)
    if status is antispam.TokenStatus.TOO_FAST and antispam.onion_wait(request):
        notices.append(forms.onion_wait_message(wait))  # the onion's wait: say how long
    elif status is not antispam.TokenStatus.OK:
        notices.append(forms.TOKEN_MESSAGES[status])
    elif antispam.token_already_used(token):
        resent = replay.recall(token)
        if resent is not None:  # the same form again (a network error): the receipt again
            return _render_receipt(request, resent[0], urgent=resent[1], resent=True)
        notices.append(forms.ALREADY_SENT_MESSAGE)
    if antispam.honeypot_filled(request.POST):
        notices.append(forms.HONEYPOT_MESSAGE)
    if notices:
        return _render_form(
            request,
            appeal,
            _refill(request, appeal),
            status=400,
            notices=notices,
            photos_not_kept=had_photos,
        )

    admission = ratelimit.admit_submission(request)
    if admission.refused:
        return _rate_refusal(request, appeal, admission, photos_not_kept=had_photos)
    try:
        response = _admitted_post(request, appeal, token, photos, had_photos)
    except BaseException:
        admission.give_back()
        raise
    if getattr(response, "tip_accepted", False):
        admission.accepted()
    else:
        admission.give_back()  # only accepted tips count toward the source's budget
    return response


def _rate_refusal(request, appeal, admission, *, photos_not_kept):
    """429 (this source's budget) or 503 (the site sheds load), text kept, real wait."""
    message = (
        forms.rate_limited_message(admission.wait_seconds)
        if admission.refused == "source"
        else forms.busy_message(admission.wait_seconds)
    )
    response = _render_form(
        request,
        appeal,
        _refill(request, appeal),
        status=429 if admission.refused == "source" else 503,
        notices=[message],
        photos_not_kept=photos_not_kept,
    )
    response["Retry-After"] = str(admission.wait_seconds)
    return response


def _admitted_post(request, appeal, token, photos, had_photos):
    file_errors = forms.attachment_error_messages(getattr(request, "tip_upload_errors", []))
    form = forms.TipForm(data=request.POST, questions=_questions(appeal))
    if file_errors or not form.is_valid():
        return _render_form(
            request,
            appeal,
            _refill(request, appeal),
            status=400,
            file_errors=file_errors,
            photos_not_kept=had_photos,
        )

    # Photos: sanitise every one; refuse the lot if any is refused (the citizen decides).
    # Staged files are deleted if the tip is not stored.
    staged = []
    try:
        batch = stage_photos(photos, log_label="tip form", log=logger)
        staged = batch.staged
        if batch.refused:
            return _render_form(
                request,
                appeal,
                _refill(request, appeal),
                status=400,
                file_errors=forms.attachment_error_messages(batch.refused),
                photos_not_kept=True,
            )

        data = form.fields_for_sealing()
        contact = data.pop("contact", "")
        # A resolved appeal no longer has a desk waiting for tips: route like a general tip
        # (the appeal stays referenced, so the reader knows what the tip is about).
        routing = appeal if getattr(appeal, "asks_for_help", True) else None
        desk_key = selectors.desk_key_for_appeal(routing)  # its desk selected with it
        submitted = services.tip_submit(
            desk_key=desk_key,
            appeal=appeal,
            fields=data,
            questions=form.answers_for_sealing(),
            contact={"contact": contact} if contact else None,
            attachments=staged,
            urgent=form.cleaned_data["seeing_now"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    except services.TipLineNotReady:
        logger.error("tip form: the tip line has no desk or recovery key")
        discard_staged(staged)
        return _unavailable(request, appeal)
    except services.CommitOutcomeUnknown:  # perhaps stored: its files stay (services)
        return _unavailable(request, appeal)
    except (DatabaseError, *STORAGE_ERRORS) as exc:  # a store error or timeout, like the DB
        logger.error("tip form: could not store a tip (%s)", type(exc).__name__)
        discard_staged(staged)
        return _unavailable(request, appeal)

    antispam.mark_token_used(token)
    replay.remember(token, receipt=submitted.receipt, urgent=form.cleaned_data["seeing_now"])
    response = _render_receipt(request, submitted.receipt, urgent=form.cleaned_data["seeing_now"])
    response.tip_accepted = True
    return response


def csrf_refused(request, appeal_id=None):
    """The form again, text intact, after a failed CSRF check (``mostwanted.views``):
    status 403, a fresh form token, and the page sets a fresh CSRF cookie."""
    try:
        appeal = _resolve_appeal(appeal_id)
    except (Http404, DatabaseError):
        appeal = None
    return _render_form(
        request,
        appeal,
        _refill(request, appeal),
        status=403,
        notices=[forms.SESSION_EXPIRED_MESSAGE],
    )


@never_cache
def protection(request):
    return no_store(render(request, "tips/protection.html", {}))

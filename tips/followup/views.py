"""Citizen side of the follow-up: enter the receipt, read the questions, answer, leave.

Every page is ``never_cache`` with ``Cache-Control: no-store`` and works without JavaScript.
A wrong receipt (unknown, malformed, or of a purged tip) always gets the same page after the
same Argon2id work. The receipt is never stored or logged: it is read from the POST, used to
derive the key, and shown again (first return only) in that same response.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from mostwanted.storage import STORAGE_ERRORS
from tips import forms as tip_forms
from tips.attachments import discard_staged
from tips.forms import wait_text
from tips.http import close_uploads, no_store
from tips.models import Tip
from tips.receipts import format_receipt
from tips.uploads import encrypting_uploads, stage_photos

from . import proof, ratelimit, selectors, services, session
from .forms import AnswerForm, ReceiptForm

logger = logging.getLogger(__name__)

PHOTO_FIELD = "photos"

#: Notices shown on the start page after a redirect (?done=...).
DONE_MESSAGES = {
    "left": gettext_lazy("You have left the conversation. Nothing of it stays in this browser."),
    "deleted": gettext_lazy(
        "Your copy of the conversation has been deleted and you have left it. "
        "The investigators keep what they need for the case."
    ),
}


def wrong_receipt_message():
    return _(
        "We could not open a conversation with this receipt. Check the code and try again. "
        "If it is correct, the conversation has ended: tips are deleted some time after they "
        "are closed."
    )


def _limits() -> dict:
    return {**tip_forms.upload_limits(), "text_chars": services.ANSWER_MAX_CHARS}


def _render(request, template, context, status=200):
    return no_store(render(request, f"tips/followup/{template}", context, status=status))


def _start_page(request, *, status=200, error="", notice="", draft=""):
    form = ReceiptForm(initial={"draft": draft})
    return _render(
        request,
        "start.html",
        {"form": form, "error": error, "notice": notice, "has_draft": bool(draft)},
        status=status,
    )


def _ended_page(request, *, status=200):
    return _render(request, "ended.html", {}, status=status)


def _unavailable(request):
    response = _render(request, "unavailable.html", {}, status=503)
    response["Retry-After"] = str(tip_forms.RETRY_AFTER_SECONDS)
    return response


def _conversation_page(
    request,
    sess: session.FollowupSession,
    *,
    receipt: str = "",
    notices=(),
    file_errors=(),
    draft: str = "",
    status: int = 200,
):
    tip = Tip.objects.filter(pk=sess.tip_id).select_related("desk").first()
    if tip is None or tip.is_closed:
        response = _ended_page(request)
        session.end(request, response)
        return response
    rows = selectors.tipster_view(tip, sess.private_key)
    services.mark_read_by_tipster(tip=tip, messages=[r["message"] for r in rows])
    conversation = getattr(tip, "conversation", None)
    context = {
        "tip": tip,
        "plain_status": selectors.plain_status(tip),
        "rows": rows,
        "cleared": bool(conversation and conversation.tipster_cleared_at),
        "receipt": receipt,
        "receipt_groups": receipt.split("-") if receipt else [],
        "answer_form": AnswerForm(initial={"text": draft}),
        "notices": list(notices),
        "file_errors": list(file_errors),
        "photos_not_kept": tip_forms.PHOTOS_NOT_KEPT if file_errors else "",
        "sent": request.GET.get("done") == "sent",
        "limits": _limits(),
        "idle_minutes": session.idle_seconds() // 60,
        "desk_name": tip.desk.localized.name,  # the translation in the active language
    }
    return _render(request, "conversation.html", context, status=status)


@sensitive_post_parameters()
@never_cache
def followup(request):
    """GET: the conversation when a session is open, else the receipt form. POST: a receipt."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    try:
        if request.method == "POST":
            return _receipt_post(request)
        sess = session.load(request)
        if sess is not None:
            return _conversation_page(request, sess)
        expired = bool(request.COOKIES.get(session.cookie_name(request)))
        notice = DONE_MESSAGES.get(request.GET.get("done", ""), "") or ""
        if expired and not notice:
            notice = _(
                "Your conversation was closed after %(minutes)s minutes without activity. "
                "Enter your receipt again to continue."
            ) % {"minutes": session.idle_seconds() // 60}
        response = _start_page(request, notice=notice)
        if expired:
            session.delete_cookie(request, response)
        return response
    except (session.SessionUnavailable, DatabaseError) as exc:
        logger.error("follow-up unavailable (%s)", type(exc).__name__)
        return _unavailable(request)


def _receipt_post(request):
    form = ReceiptForm(data=request.POST)
    draft = (request.POST.get("draft") or "")[: services.ANSWER_MAX_CHARS]
    receipt = form.data.get("receipt", "")[:100] if form.is_valid() else ""
    admission = ratelimit.admit_attempt(request, receipt)
    if admission.refused:
        response = _start_page(
            request,
            status=429 if admission.refused == "source" else 503,
            error=_attempts_refused_message(admission),
            draft=draft,
        )
        response["Retry-After"] = str(admission.wait_seconds)
        return response
    opened = services.conversation_open(receipt=receipt)
    if opened is None:
        return _start_page(request, error=wrong_receipt_message(), draft=draft)
    admission.give_back()  # the right receipt never uses up an attempt
    if opened.tip.is_closed:
        return _ended_page(request)
    first = services.first_return(opened.tip)

    sess = session.FollowupSession(opened.tip.pk, opened.suite, opened.private_key, "")
    response = _conversation_page(
        request, sess, receipt=format_receipt(receipt) if first else "", draft=draft
    )
    session.start(
        request, response, tip_id=opened.tip.pk, suite=opened.suite, private_key=opened.private_key
    )
    return response


def _attempts_refused_message(admission) -> str:
    if admission.refused == "source":
        return _(
            "Too many wrong receipts were tried from your connection or for this receipt. "
            "Please check your receipt and try again in %(wait)s."
        ) % {"wait": wait_text(admission.wait_seconds)}
    return _("The follow-up is very busy right now. Please try again in %(wait)s.") % {
        "wait": wait_text(admission.wait_seconds)
    }


@encrypting_uploads
@sensitive_post_parameters()
@never_cache
@require_POST
def answer(request):
    """The tipster's answer: text and photos, sanitised and sealed like the first tip."""
    try:
        try:
            request.POST  # noqa: B018 - parse now, through the encrypting upload handler
        except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError) as exc:
            logger.warning("follow-up: unreadable answer (%s)", type(exc).__name__)
            sess = session.load(request)
            if sess is None:
                return _start_page(request)
            return _conversation_page(
                request, sess, notices=[tip_forms.TOO_LARGE_REQUEST_MESSAGE], status=413
            )
        return _answer_post(request)
    except (session.SessionUnavailable, DatabaseError) as exc:
        logger.error("follow-up answer unavailable (%s)", type(exc).__name__)
        return _unavailable(request)
    finally:
        close_uploads(request)


def csrf_refused(request):
    """After a failed CSRF check on an answer (``mostwanted.views``): the conversation (or
    the receipt form) again with the answer text in the box, status 403."""
    notice = _(
        "Your session expired for safety and your answer was NOT sent. Check your text below "
        "and send it again. If you attached photos, attach them again."
    )
    text = request.POST.get("text", "")[: services.ANSWER_MAX_CHARS]
    try:
        sess = session.load(request)
        if sess is None:
            return _start_page(request, status=403, notice=notice, draft=text)
        return _conversation_page(request, sess, notices=[notice], draft=text, status=403)
    except (session.SessionUnavailable, DatabaseError) as exc:
        logger.error("follow-up answer unavailable (%s)", type(exc).__name__)
        return _unavailable(request)


def _answer_post(request):
    form = AnswerForm(data=request.POST)
    text = request.POST.get("text", "")[: services.ANSWER_MAX_CHARS]
    sess = session.load(request)
    if sess is None:
        return _start_page(
            request,
            status=403,
            notice=_(
                "Your conversation was closed (after %(minutes)s minutes without activity, or "
                "because you left). Your answer was NOT sent: enter your receipt again and it "
                "will be put back in the answer box. Photos must be attached again."
            )
            % {"minutes": session.idle_seconds() // 60},
            draft=text,
        )
    file_errors = tip_forms.attachment_error_messages(getattr(request, "tip_upload_errors", []))
    if not form.is_valid():
        return _conversation_page(
            request,
            sess,
            notices=[e for errs in form.errors.values() for e in errs],
            file_errors=file_errors,
            draft=text,
            status=400,
        )
    if file_errors:
        return _conversation_page(request, sess, file_errors=file_errors, draft=text, status=400)
    photos = list(request.FILES.getlist(PHOTO_FIELD))
    # Staged files are deleted on any refusal.
    staged = []
    try:
        batch = stage_photos(photos, log_label="follow-up", log=logger)
        staged = batch.staged
        if batch.refused:
            file_errors = tip_forms.attachment_error_messages(batch.refused)
            return _conversation_page(
                request, sess, file_errors=file_errors, draft=text, status=400
            )
        services.answer_submit(
            tip_id=sess.tip_id, text=form.cleaned_data["text"], attachments=staged
        )
    except services.ConversationEnded:
        discard_staged(staged)
        response = _ended_page(request)
        session.end(request, response)
        return response
    except ValidationError as exc:
        discard_staged(staged)
        return _conversation_page(request, sess, notices=exc.messages, draft=text, status=400)
    except STORAGE_ERRORS as exc:  # a full disk, an S3 error or timeout
        logger.error("follow-up: could not store an answer (%s)", type(exc).__name__)
        discard_staged(staged)
        response = _conversation_page(
            request, sess, notices=[tip_forms.UNAVAILABLE_MESSAGE], draft=text, status=503
        )
        response["Retry-After"] = str(tip_forms.RETRY_AFTER_SECONDS)
        return response
    return redirect(reverse("tips:followup") + "?done=sent")


@never_cache
@require_POST
def leave(request):
    response = redirect(reverse("tips:followup") + "?done=left")
    try:
        session.end(request, response)
    except session.SessionUnavailable:
        pass  # the entry cannot be read by anyone while the cache is down; it will expire
    return no_store(response)


@never_cache
@require_POST
def delete(request):
    """The tipster deletes their copy of the conversation (after ticking a confirmation)."""
    try:
        sess = session.load(request)
    except session.SessionUnavailable:
        return _unavailable(request)
    if sess is None:
        return redirect(reverse("tips:followup"))
    if request.POST.get("confirm") != "yes":
        return _conversation_page(
            request,
            sess,
            notices=[_("Tick the box to confirm that you want to delete your copy.")],
            status=400,
        )
    services.conversation_delete_by_tipster(tip_id=sess.tip_id)
    response = redirect(reverse("tips:followup") + "?done=deleted")
    session.end(request, response)
    return no_store(response)


@never_cache
@require_POST
def proof_download(request):
    """The proof of report as a text or PDF file (only inside an open conversation)."""
    try:
        sess = session.load(request)
    except session.SessionUnavailable:
        return _unavailable(request)
    tip = Tip.objects.filter(pk=sess.tip_id).first() if sess else None
    if tip is None:
        return redirect(reverse("tips:followup"))
    fmt = request.POST.get("format", "txt")
    if fmt not in proof.FORMATS:
        fmt = "txt"
    site = settings.WAGTAIL_SITE_NAME or request.get_host()
    body = proof.render(
        fmt,
        site=site,
        reference=tip.reference,
        received_at=tip.received_at,
        status=str(selectors.plain_status(tip)["label"]),
    )
    content_type, extension = proof.FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"proof-of-report.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)

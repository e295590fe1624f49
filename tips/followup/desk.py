"""The desk reading the conversation on a tip's detail page: the desk copies are decrypted
in memory with the unlocked vault (:func:`tips.followup.selectors.desk_view`), the
tipster's answers are marked read by the desk, and the reading is audited. The template
tag ``{% followup_conversation %}`` only renders what :func:`desk_conversation` returns."""

from __future__ import annotations

from django.urls import reverse

from tips import audit, vault
from tips.permissions import tip_policy

from . import selectors, services


def desk_conversation(request, tip) -> dict:
    """The follow-up section of the detail page for ``request.user`` (see the template
    ``tips/followup/admin_conversation.html``)."""
    user = request.user
    keys = None
    if tip_policy.can_decrypt(user, tip):
        try:
            keys = vault.desk_keys(request)
        except vault.VaultUnavailable:
            keys = None
    rows = selectors.desk_view(tip, keys)
    opened = [r["message"] for r in rows if r["text"] is not None]
    if opened:
        newly = services.mark_read_by_desk(tip=tip, actor=user, messages=opened)
        audit.record(
            tip,
            "tips.followup.read_answers",
            user=user,
            data={"messages": len(opened), "new": newly},
        )
    can_ask = tip_policy.can_change(user, tip) and not tip.is_closed
    for row in rows:
        row["photo_urls"] = [
            {
                **p,
                "view_url": reverse(
                    "tips_admin:followup_photo", args=[tip.pk, row["message"].pk, p["ordinal"]]
                ),
                "download_url": reverse(
                    "tips_admin:followup_photo_download",
                    args=[tip.pk, row["message"].pk, p["ordinal"]],
                ),
            }
            for p in row["photos"]
        ]
    return {
        "tip": tip,
        "rows": rows,
        "locked": keys is None,
        "can_ask": can_ask,
        "closed": tip.is_closed,
        "canned": selectors.canned_questions_for(tip) if can_ask else [],
        "question_url": reverse("tips_admin:followup_question", args=[tip.pk]),
        "max_chars": services.QUESTION_MAX_CHARS,
    }

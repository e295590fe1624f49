"""``{% followup_conversation %}``: the follow-up section of the triage tip detail page.

Used by ``tips/admin/detail.html`` (context: ``request``, ``tip``). Decrypts the desk copies
with the unlocked vault in memory, marks the tipster's answers read by the desk, and audits
the reading.
"""

from django import template
from django.urls import reverse

from tips import vault
from tips.followup import audit, selectors, services
from tips.permissions import tip_policy

register = template.Library()


@register.inclusion_tag("tips/followup/admin_conversation.html", takes_context=True)
def followup_conversation(context):
    request, tip = context["request"], context["tip"]
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
                    "tips_followup:photo", args=[tip.pk, row["message"].pk, p["ordinal"]]
                ),
                "download_url": reverse(
                    "tips_followup:photo_download", args=[tip.pk, row["message"].pk, p["ordinal"]]
                ),
            }
            for p in row["photos"]
        ]
    return {
        "request": request,
        "tip": tip,
        "rows": rows,
        "locked": keys is None,
        "can_ask": can_ask,
        "closed": tip.is_closed,
        "canned": selectors.canned_questions_for(tip) if can_ask else [],
        "question_url": reverse("tips_followup:question", args=[tip.pk]),
        "csrf_token": context.get("csrf_token"),
        "max_chars": services.QUESTION_MAX_CHARS,
    }

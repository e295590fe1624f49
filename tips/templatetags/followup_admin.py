"""``{% followup_conversation %}``: renders the follow-up section of the triage tip detail
page from the ``followup`` entry of its context (built by the view with
:func:`tips.followup.desk.desk_conversation`: decryption, read marks and audit happen
there, never while the page renders)."""

from django import template

register = template.Library()


@register.inclusion_tag("tips/followup/admin_conversation.html", takes_context=True)
def followup_conversation(context):
    return {
        **context["followup"],
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }

"""Audit actions of the follow-up conversation (the tip audit trail, reference only)."""

from django.utils.translation import gettext_lazy as _

from tips import audit_store

#: action name -> (label, past-tense message)
ACTIONS = {
    "tips.followup.question": (_("Question to the tipster"), _("Sent a question to the tipster")),
    "tips.followup.answer": (_("Answer from the tipster"), _("The tipster sent an answer")),
    "tips.followup.tipster_read": (
        _("Read by the tipster"),
        _("The tipster read the investigators' questions"),
    ),
    "tips.followup.read_answers": (
        _("Read the conversation"),
        _("Decrypted and read the conversation with the tipster"),
    ),
    "tips.followup.view_photo": (
        _("View answer photo"),
        _("Viewed or downloaded a photo sent with an answer"),
    ),
    "tips.followup.tipster_deleted": (
        _("Tipster deleted their copy"),
        _("The tipster deleted their copy of the conversation"),
    ),
}


def register(actions):
    for name, (label, message) in ACTIONS.items():
        actions.register_action(name, label, message)


def record(instance, action: str, *, user=None, data: dict | None = None):
    """One audit entry; ``data`` holds routing values only (ids, counts), never content."""
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    from tips.coarse_times import round_tipster_entry

    entry = audit_store.write(instance, action, user=user, data=data)  # not Wagtail's log
    if user is None:  # the tipster's own action: its time only to the minute
        round_tipster_entry(entry)
    return entry

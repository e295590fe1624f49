"""Audit trail of the Tips area, in its own table (``TipAuditEntry``, tips.audit_store).

Every listing, decryption, attachment view, status change, assignment, note, export, grant,
unlock, purge and follow-up message is logged with one of the actions registered here. A
tip's entry carries its reference only (``str(tip)``) and routing values (a status name, an
assignee id), never any content. Vault events are logged against the user who performed them.
"""

from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from . import audit_store
from .coarse_times import round_tipster_entry

#: action name -> (label, past-tense message)
ACTIONS = {
    "tips.view_list": (_("View tip list"), _("Viewed the tip list")),
    "tips.view": (_("View tip"), _("Viewed the tip's details")),
    "tips.decrypt": (_("Decrypt tip"), _("Decrypted and read the tip")),
    "tips.preview_decrypt": (
        _("Preview in the queue"),
        _("Decrypted the tip for its preview in the tip queue"),
    ),
    "tips.view_attachment": (_("View attachment"), _("Viewed or downloaded an attachment")),
    "tips.status": (_("Change status"), _("Changed the status")),
    "tips.priority": (_("Change priority"), _("Changed the priority")),
    "tips.assign": (_("Assign"), _("Assigned the tip")),
    "tips.reader": (_("Add info-only reader"), _("Added an info-only reader")),
    "tips.note": (_("Add note"), _("Added an internal note")),
    "tips.star": (_("Star"), _("Changed the star")),
    "tips.read_marker": (_("Read marker"), _("Marked read or unread")),
    "tips.export": (_("Export"), _("Exported the tip for the case file")),
    "tips.grant": (_("Grant desk access"), _("Granted access to a desk key")),
    "tips.revoke": (_("Remove desk member"), _("Removed a desk member and rotated the key")),
    "tips.vault_setup": (_("Set up vault"), _("Set up a vault passphrase")),
    "tips.vault_passphrase": (
        _("Change vault passphrase"),
        _("Changed the vault passphrase"),
    ),
    "tips.vault_reset": (_("Reset vault"), _("Reset a member's vault")),
    "tips.unlock": (_("Unlock vault"), _("Unlocked the vault")),
    "tips.unlock_failed": (_("Failed unlock"), _("Entered a wrong vault passphrase")),
    "tips.lock": (_("Lock vault"), _("Locked the vault")),
    "tips.2fa_setup": (_("Set up second factor"), _("Set up a second factor")),
    "tips.2fa_enrol": (_("Used an enrolment code"), _("Used an enrolment code")),
    "tips.member_proposed": (_("Member proposed"), _("Proposed a desk member")),
    "tips.member_approved": (_("Member approved"), _("Approved a desk member")),
    "tips.member_rejected": (_("Member rejected"), _("Rejected a desk member")),
    "tips.enrolment_code": (_("Enrolment code issued"), _("Issued an enrolment code")),
    "tips.reader_removed": (_("Remove info-only reader"), _("Removed an info-only reader")),
    "tips.purge": (_("Purge"), _("Purged the tip")),
}

#: The follow-up conversation's actions (the tipster's own are logged with no user).
FOLLOWUP_ACTIONS = {
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
ACTIONS.update(FOLLOWUP_ACTIONS)


def register(actions):
    """Body of the ``register_log_actions`` hook (wired in wagtail_hooks)."""
    for name, (label, message) in ACTIONS.items():
        actions.register_action(name, label, message)


def _unwrap(obj):
    """request.user is a lazy proxy: log against the real user row."""
    if isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        return obj._wrapped
    return obj


def record(instance, action: str, *, user=None, data: dict | None = None):
    """Write one audit entry. ``data`` holds routing values only, never content."""
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")

    instance, user = _unwrap(instance), _unwrap(user)
    entry = audit_store.write(instance, action, user=user, data=data)
    if user is None:  # the tipster's own action: its time only to the minute
        round_tipster_entry(entry)
    return entry


def record_many(instances, action: str, *, user):
    """One entry per instance (an investigator's action on several tips), in one query."""
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    instances = [_unwrap(i) for i in instances]
    if instances:
        audit_store.write_many(instances, action, user=_unwrap(user))

"""Tip-line records, one module by subject: ``keys`` (keys, their wraps, desk membership),
``tip`` (the tip, attachments, readers, notes, history), ``followup`` (the conversation) and
``tipline`` (the tip-line settings), ``trust`` (enrolment codes, membership proposals,
the tip audit trail) and ``upload`` (resumable uploads of incident media).

Only routing metadata is stored in clear (desk, appeal, status, priority, assignee, the
received time rounded to the minute, sizes). Everything a citizen wrote, contact details
and the attachments' keys, names and types live only inside ``Tip.ciphertext``, an HPKE
envelope (see :mod:`tips.crypto`) sealed to the desk key and the recovery key.
"""

from ..status import TipStatus
from .followup import CannedQuestion, Conversation, Message, MessageAttachment, MessageDirection
from .keys import (
    DeskKey,
    DeskKeyWrap,
    DeskMembership,
    DeskMembershipQuerySet,
    InstallationSalt,
    InvestigatorKey,
    KeyMixin,
    RecoveryKey,
)
from .tip import (
    PRIORITY_ORDER,
    Attachment,
    EncryptedFile,
    Tip,
    TipEvent,
    TipNote,
    TipPriority,
    TipReader,
    reader_expiry,
)
from .tipline import TipLineSettings, _default_locale_desks
from .trust import EnrolmentCode, MembershipProposal, TipAuditEntry
from .upload import CleaningSlot, ResumableUpload, StagedOutput

__all__ = [
    "PRIORITY_ORDER",
    "Attachment",
    "CannedQuestion",
    "CleaningSlot",
    "Conversation",
    "DeskKey",
    "DeskKeyWrap",
    "DeskMembership",
    "DeskMembershipQuerySet",
    "EncryptedFile",
    "EnrolmentCode",
    "InstallationSalt",
    "InvestigatorKey",
    "KeyMixin",
    "Message",
    "MessageAttachment",
    "MessageDirection",
    "MembershipProposal",
    "RecoveryKey",
    "ResumableUpload",
    "StagedOutput",
    "Tip",
    "TipAuditEntry",
    "TipEvent",
    "TipLineSettings",
    "TipNote",
    "TipPriority",
    "TipReader",
    "TipStatus",
    "reader_expiry",  # named by migration 0013
    "_default_locale_desks",  # named by migration 0007
]

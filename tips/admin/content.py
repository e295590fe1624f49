"""Opening tips for the admin views: in memory only, for users the policy allows."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied

from tips import crypto, sealing, vault
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)

#: Text fields of a tip document, in display order (the intake's ``fields_for_sealing``).
TEXT_FIELDS = ("what", "when_date", "when_time", "place", "how_known", "contact")


def open_tip(request, tip) -> dict | None:
    """The decrypted tip document, or None when locked or no unlocked key opens it.

    Raises :class:`tips.vault.VaultUnavailable` when the cache is down.
    """
    user = request.user
    if not tip_policy.can_decrypt(user, tip):
        return None
    keys = vault.desk_keys(request)
    if keys is None:
        return None
    try:
        if tip_policy.is_member(user, tip.desk_id) and tip.desk_key_id in keys:
            return sealing.open_tip_document(tip, keys)
        personal = vault.personal_key(request)
        if personal is not None and tip_policy.is_reader(user, tip):
            return sealing.open_reader_copy(tip, user, personal)
    except crypto.CryptoError as exc:
        logger.warning("tip %s did not open: %s", tip.pk, type(exc).__name__)
    return None


def open_tip_or_403(request, tip) -> dict:
    """The decrypted tip document for a view that serves its content: locked (no key, no
    content) or the vault unavailable is a 403."""
    try:
        document = open_tip(request, tip)
    except vault.VaultUnavailable:
        document = None
    if document is None:
        raise PermissionDenied
    return document


def text_fields(document: dict) -> dict:
    """The free-text fields of a document (wherever the intake put them)."""
    source = document.get("fields") if isinstance(document.get("fields"), dict) else document
    out = {name: str(source.get(name) or "") for name in TEXT_FIELDS}
    for name, value in source.items():  # fields added later are shown too
        if name not in out and isinstance(value, str):
            out[name] = value
    contact = document.get("contact")
    if isinstance(contact, dict):
        extra = "\n".join(f"{k}: {v}" for k, v in contact.items() if v)
        if extra:
            out["contact"] = f"{out['contact']}\n{extra}".strip()
    return out


def preview(document: dict, length: int = 100) -> str:
    text = " ".join(text_fields(document)["what"].split())
    return text if len(text) <= length else text[: length - 1] + "…"


#: What incident media entries add (tips.incident): evidence, never a key.
EVIDENCE_FIELDS = (
    "kind", "sha256", "original_size", "duration", "width", "height", "codec", "audio_codec",
    "poster", "captured_at", "latitude", "longitude",
)  # fmt: skip


def attachment_entries(document: dict) -> list[dict]:
    """Name, type and size of each attachment (never its key), and the evidence fields of
    incident media when present."""
    return [
        {
            "name": e.get("name", ""),
            "content_type": e.get("content_type", ""),
            "size": e.get("size"),
            **{k: e[k] for k in EVIDENCE_FIELDS if k in e},
        }
        for e in (document.get("attachments") or [])
    ]

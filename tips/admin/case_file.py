"""The case file, the investigators' export (not the recovery export of ``tips.services``):
a ZIP (tip as text and JSON, attachments, notes, the conversation with the tipster and its
photos, history), built in memory only and streamed; audited."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from mostwanted.storage import STORAGE_ERRORS
from tips import crypto, questions, sealing, triage, vault
from tips.admin import content
from tips.admin.detail import _history, visible_tip_or_404
from tips.admin.tip_media import TipMedia, tip_media
from tips.attachments import open_attachment, storage_unavailable_response, tip_storage
from tips.followup.selectors import messages_of
from tips.models import MessageDirection, TipNote
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)


def build_case_file(request, tip, document: dict) -> bytes:
    """The ZIP's bytes (kept in memory; never written to disk)."""

    keys = vault.desk_keys(request) or {}
    key_ids = sealing.desk_key_ids(keys)
    notes = [
        {
            "at": note.created_at.isoformat(),
            "author": note.author.get_username() if note.author else "",
            "text": sealing.open_note(note, keys, key_ids),
        }
        for note in TipNote.objects.filter(tip=tip).select_related("author", "tip")
    ]
    history = [
        {
            "at": row["event"].created_at.isoformat(),
            "by": row["event"].actor.get_username() if row["event"].actor else "",
            "kind": row["event"].kind,
            "from": row["old"],
            "to": row["new"],
        }
        for row in _history(tip)
    ]
    conversation = _conversation(tip, keys, key_ids)
    fields = content.text_fields(document)
    metadata = {
        "reference": tip.reference,
        "desk": str(tip.desk),
        "appeal": str(tip.appeal) if tip.appeal else "",
        "received_at": tip.received_at.isoformat(),
        "status": tip.status,
        "priority": tip.priority,
        "assignee": tip.assignee.get_username() if tip.assignee else "",
        "duplicate_of": tip.duplicate_of.reference if tip.duplicate_of else "",
        "language": tip.language,
        "exported_at": timezone.now().isoformat(),
        "exported_by": request.user.get_username(),
    }
    attachments_meta = content.attachment_entries(document)
    media = tip_media(document)  # what the detail page and the queue say: the same facts
    names = {  # ordinal: the file's name in the ZIP
        item.ordinal: f"attachments/{item.ordinal + 1:02d}-{_safe_name(meta['name'])}"
        for item, meta in zip(tip.attachments.order_by("ordinal"), attachments_meta, strict=False)
    }
    # The appeal's questions as the citizen saw them (label, type, choices) with the answer.
    answers = [
        {
            "question": item.get("label", ""),
            "type": item.get("type", ""),
            "choices": item.get("choices") or [],
            "answer": item.get("answer", ""),
            "value": item.get("value", ""),
        }
        for item in questions.sealed_answers(document)
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "tip.json",
            json.dumps(
                {
                    "metadata": metadata,
                    "fields": fields,
                    "questions": answers,
                    "attachments": attachments_meta,
                    "media": _media_listing(media, names),
                    "notes": notes,
                    "conversation": [
                        {k: v for k, v in m.items() if k != "_files"} for m in conversation
                    ],
                    "history": history,
                },
                indent=2,
                ensure_ascii=False,
            ),
        )
        lines = [f"{k}: {v}" for k, v in metadata.items()]
        lines += ["", *(f"{k}:\n{v}\n" for k, v in fields.items() if v)]
        if answers:
            lines += ["Questions:"]
            lines += [
                f"- {a['question']} ({questions.type_label(a['type'])}): "
                f"{questions.answer_text(a) or '—'}"
                for a in answers
            ]
            lines += [""]
        lines += ["Photos and videos: " + (_media_counts(media) or "none")]
        lines += [f"- {m['kind']}: {m['file']}" for m in _media_listing(media, names)]
        lines += [""]
        lines += ["Notes:", *(f"- {n['at']} {n['author']}: {n['text']}" for n in notes)]
        lines += ["", "Conversation with the tipster:"]
        for m in conversation:
            who = f"question by {m['author']}" if m["to_tipster"] else "answer from the tipster"
            text = m["text"] if m["text"] is not None else "(not opened by the exporter's keys)"
            lines.append(f"- {m['at']} {who}: {text}")
            lines += [f"  photo: {p['file']}" for p in m["photos"]]
        lines += ["", "History:"]
        lines += [f"- {h['at']} {h['by']} {h['kind']} {h['from']} -> {h['to']}" for h in history]
        archive.writestr("tip.txt", "\n".join(lines))
        manifest = []  # every exported file with its SHA-256 (and the original's, sealed)
        for item, meta in zip(tip.attachments.order_by("ordinal"), attachments_meta, strict=False):
            reader = open_attachment(item, document)
            name = names[item.ordinal]
            digest = hashlib.sha256()
            with reader, archive.open(name, "w") as out:
                while chunk := reader.read(64 * 1024):
                    digest.update(chunk)
                    out.write(chunk)
            entry = {k: v for k, v in meta.items() if k not in ("sha256", "poster")}
            entry["kind"] = media.kind_of(item.ordinal)
            entry.update(_poster_link(media, item.ordinal, names))
            if "sha256" in meta:  # the original's, as received (incident media)
                entry["original_sha256"] = meta["sha256"]
            manifest.append({"file": name, "sha256": digest.hexdigest(), **entry})
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for m in conversation:
            for name, storage_name, key in m["_files"]:
                reader = crypto.DecryptingReader(
                    tip_storage().open(storage_name, "rb"), key, close_source=True
                )
                with reader, archive.open(name, "w") as out:
                    while chunk := reader.read(64 * 1024):
                        out.write(chunk)
    return buffer.getvalue()


def _media_counts(media: TipMedia) -> str:
    """ "2 photos, 1 video" in English, as the rest of tip.txt (the file is not localised)."""
    with translation.override("en"):
        return media.summary()


def _media_listing(media: TipMedia, names: dict[int, str]) -> list[dict]:
    """Each photo and video with its file in the ZIP (a video with its poster frame's)."""
    rows = []
    for item in sorted((*media.photos, *media.videos), key=lambda m: m.ordinal):
        if item.ordinal not in names:
            continue
        row = {"kind": media.kind_of(item.ordinal), "file": names[item.ordinal]}
        row.update(_poster_link(media, item.ordinal, names))
        rows.append(row)
    return rows


def _poster_link(media: TipMedia, ordinal: int, names: dict[int, str]) -> dict:
    """A video's ``poster_file``, or a poster frame's ``poster_of`` (its video's file)."""
    for video in media.videos:
        if video.poster not in names or video.ordinal not in names:
            continue
        if video.ordinal == ordinal:
            return {"poster_file": names[video.poster]}
        if video.poster == ordinal:
            return {"poster_of": names[video.ordinal]}
    return {}


def _safe_name(name) -> str:
    """A sender-chosen file name reduced to a harmless last path component."""
    cleaned = "".join(c for c in str(name or "") if c.isalnum() or c in "-_. ").strip(". ")
    return cleaned[:80] or "file"


def _conversation(tip, keys: dict, key_ids: dict) -> list[dict]:
    """The follow-up messages, decrypted in memory with the exporter's desk keys; each
    answer photo becomes a file of the ZIP (``_files``: name, storage name, key)."""

    rows = []
    for message in messages_of(tip):
        document = sealing.open_message_for_desk(message, tip, keys, key_ids) if keys else None
        stored = {a.ordinal: a for a in message.attachments.all()}
        photos, files = [], []
        for ordinal, entry in enumerate((document or {}).get("attachments") or []):
            item = stored.get(ordinal)
            if item is None or entry.get("storage_name") != item.storage_name:
                continue  # never follow a name the sealed document does not vouch for
            file_name = _safe_name(entry.get("name"))
            name = f"conversation/{message.pk:06d}-{ordinal + 1:02d}-{file_name}"
            photos.append({"file": name, "content_type": entry.get("content_type", "")})
            files.append((name, item.storage_name, bytes.fromhex(entry["key"])))
        rows.append(
            {
                "at": message.created_at.isoformat(),
                "to_tipster": message.direction == MessageDirection.TO_TIPSTER,
                "author": message.author.get_username() if message.author else "",
                "text": None if document is None else str(document.get("text") or ""),
                "read_by_tipster_at": (
                    message.read_by_tipster_at.isoformat() if message.read_by_tipster_at else None
                ),
                "photos": photos,
                "_files": files,
            }
        )
    return rows


@never_cache
def download_case_file(request, pk):
    tip = visible_tip_or_404(request, pk)
    if request.method != "POST" or not tip_policy.can_export(request.user, tip):
        raise PermissionDenied
    document = content.open_tip_or_403(request, tip)
    try:
        data = build_case_file(request, tip, document)
    except crypto.CryptoError:
        raise PermissionDenied from None
    except STORAGE_ERRORS as exc:  # an attachment cannot be read: no export, a clear message
        logger.error("export: storage unavailable (%s)", type(exc).__name__)
        back = reverse("tips_admin:detail", args=[tip.pk])
        return storage_unavailable_response(request, back_url=back, inline=False)
    triage.tip_record_export(tip=tip, actor=request.user)

    def chunks(size=256 * 1024):
        view = memoryview(data)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])

    response = StreamingHttpResponse(chunks(), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{tip.reference}.zip")
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [path("<int:pk>/export/", download_case_file, name="export")]

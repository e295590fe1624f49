"""The result of a background cleaning (``tips.cleaning``), sealed until the form is sent.

It holds the clean files' keys, so it is never stored in clear: AES-GCM
(``crypto.secret_seal``) under ``HKDF-SHA256(secret, info="mostwanted/tus-clean-result/v1:"
+ token)``, with the token as associated data, where ``secret`` is the browser's
``Upload-Secret`` (the same secret that wraps the upload's file key, under another info
string). A copy of the database opens none of it.
"""

from __future__ import annotations

import json
import re

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import crypto

_INFO = b"mostwanted/tus-clean-result/v1:"
WHEN_WHERE = ("captured_at", "latitude", "longitude")
_NAME = re.compile(r"^(video|photo)-0(.*)$")


def result_key(secret: bytes, token: str) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=_INFO + token.encode()).derive(secret)


def _entry(item) -> dict:
    if isinstance(item, dict):
        return item
    return {
        "storage_name": item.storage_name,
        "key": item.key.hex(),
        "name": item.name,
        "content_type": item.content_type,
        "plaintext_size": item.plaintext_size,
        "ciphertext_size": item.ciphertext_size,
        "extra": dict(item.extra),
    }


def seal_result(key: bytes, token: str, result: dict) -> bytes:
    """``result``: {"keep": bool, "items": [StagedMedia or their entries]}."""
    plain = {"keep": bool(result["keep"]), "items": [_entry(i) for i in result["items"]]}
    return crypto.secret_seal(key, json.dumps(plain).encode(), aad=token.encode())


def open_result(upload, secret: bytes) -> dict | None:
    """The upload's result, or None if there is none or it does not open (tampered)."""
    if not upload.clean_result:
        return None
    try:
        plain = crypto.secret_open(
            result_key(secret, upload.token), bytes(upload.clean_result), aad=upload.token.encode()
        )
        return json.loads(plain)
    except (crypto.CryptoError, ValueError):
        return None


def strip_when_where(result: dict) -> dict:
    items = [
        {**i, "extra": {k: v for k, v in i["extra"].items() if k not in WHEN_WHERE}}
        for i in result["items"]
    ]
    return {"keep": False, "items": items}


def staged_from_result(result: dict, number: int, *, keep: bool) -> list:
    """The result's files as staged attachments, named for their place in the tip (the
    cleaning ran before that place was known), without when and where unless kept."""
    from .incident import StagedMedia

    if not keep:
        result = strip_when_where(result)
    return [
        StagedMedia(
            storage_name=i["storage_name"],
            key=bytes.fromhex(i["key"]),
            name=_NAME.sub(lambda m: f"{m.group(1)}-{number}{m.group(2)}", i["name"]),
            content_type=i["content_type"],
            plaintext_size=i["plaintext_size"],
            ciphertext_size=i["ciphertext_size"],
            extra=dict(i["extra"]),
            reused=True,
        )
        for i in result["items"]
    ]

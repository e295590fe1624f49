"""Open a tip export offline with the recovery private key.

Runs without a database: the export (written by ``manage.py export_sealed_tips``, see
``tips.services.write_recovery_export``) holds the envelope and the encrypted attachments; the
recovery key file holds the private key. ``--in`` is one export or a directory of them.
Writes ``<REFERENCE>/tip.json`` and the decrypted attachments to ``--out``, or prints the
tip document when ``--out`` is not given. Do this on an offline machine.

The case-file ZIP of the admin's "Export" button is already decrypted (an investigator's
vault opened it): it is not an input here.
"""

import getpass
import io
import json
import os
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tips import crypto, recovery_tool
from tips.keys import KeyManagementError, load_recovery_key_file
from tips.services import RECOVERY_EXPORT_FORMAT

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "image/heif": ".heif",
}


_NOT_SEALED = (
    "%(file)s is not a sealed tip export. Write one with `manage.py export_sealed_tips` (the "
    "admin's case-file ZIP is already decrypted and is not an input here)."
)


def _create_private(path: Path, mode="wb"):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, mode)


def _load_key(key: str, shares, passphrase_file) -> tuple[str, bytes]:
    """The offline tool's encrypted file (shares or passphrase), or a development key file."""
    try:
        return load_recovery_key_file(key)  # development: plain JSON written by the demo
    except KeyManagementError:
        pass
    try:
        words = [recovery_tool.read_share(p) for p in shares]
        passphrase = None
        if passphrase_file:
            passphrase = Path(passphrase_file).read_text().rstrip("\n")
        elif not words:
            passphrase = getpass.getpass("Recovery key passphrase: ")
        return recovery_tool.load_private_key(key, passphrase=passphrase, shares=words)
    except (OSError, recovery_tool.RecoveryToolError) as exc:
        raise CommandError(f"{key}: {exc}") from None


class Command(BaseCommand):
    help = "Decrypt a tip export offline with the recovery key file."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--key", required=True, help="recovery key file (recovery-private.json, or dev JSON)"
        )
        parser.add_argument(
            "--share", action="append", default=[], help="a custodian's share file (repeat)"
        )
        parser.add_argument("--passphrase-file", help="file holding the key file's passphrase")
        parser.add_argument(
            "--in",
            dest="export",
            required=True,
            help="sealed export (ZIP from export_sealed_tips), or a directory of them",
        )
        parser.add_argument("--out", help="directory to write the decrypted tip to")

    def handle(self, *args, key, export, out=None, share=(), passphrase_file=None, **options):
        suite, private = _load_key(key, share, passphrase_file)
        key_id = crypto.key_fingerprint(crypto.public_key_for(suite, private))
        source = Path(export)
        files = sorted(source.glob("*.zip")) if source.is_dir() else [source]
        if not files:
            raise CommandError(f"{export} holds no sealed export (*.zip).")
        for path in files:
            self._decrypt(path, key_id, private, out)

    def _decrypt(self, export: Path, key_id: str, private: bytes, out: str | None):
        try:
            zf = zipfile.ZipFile(export)
            manifest = json.loads(zf.read("manifest.json"))
            envelope = zf.read("envelope.bin")
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            raise CommandError(_NOT_SEALED % {"file": export}) from None
        if manifest.get("format") != RECOVERY_EXPORT_FORMAT:
            raise CommandError(_NOT_SEALED % {"file": export})
        if manifest.get("recovery_key_id") not in (None, key_id):
            raise CommandError("This export is sealed to another recovery key.")
        try:
            document = json.loads(
                crypto.open_sealed(
                    envelope,
                    key_id=key_id,
                    private_key=private,
                    context=manifest["context"].encode(),
                )
            )
        except (crypto.CryptoError, ValueError, KeyError) as exc:
            raise CommandError(f"The tip did not open ({type(exc).__name__}).") from None

        if not out:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        reference = "".join(
            c for c in str(manifest.get("reference", "tip")) if c.isalnum() or c == "-"
        )
        target = Path(out) / (reference or "tip")
        try:
            target.mkdir(parents=True, mode=0o700)
        except FileExistsError:
            raise CommandError(f"{target} exists: refusing to overwrite.") from None
        with _create_private(target / "tip.json", "w") as fh:
            json.dump(document, fh, indent=2, ensure_ascii=False)
        entries = document.get("attachments") or []
        for item in manifest.get("attachments", []):
            ordinal = int(item["ordinal"])
            entry = entries[ordinal]
            if entry.get("storage_name") != item.get("storage_name"):
                raise CommandError(f"Attachment {ordinal} does not match the tip document.")
            # Never use the sender's file name as a path: ordinal + type-derived extension.
            ext = _EXTENSIONS.get(entry.get("content_type", ""), ".bin")
            name = f"attachment-{ordinal + 1}{ext}"
            reader = crypto.DecryptingReader(
                io.BufferedReader(zf.open(item["file"])), bytes.fromhex(entry["key"])
            )
            try:
                with _create_private(target / name) as dst:
                    while chunk := reader.read(256 * 1024):
                        dst.write(chunk)
            except crypto.DecryptionError:
                (target / name).unlink(missing_ok=True)
                raise CommandError(f"Attachment {ordinal + 1} is damaged or truncated.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Tip {reference} decrypted to {target} ({len(entries)} attachment(s))."
            )
        )

"""Write the sealed export of chosen tips, for ``decrypt_export`` and the recovery key.

Reads the database and the attachment store only: each ``<REFERENCE>.zip`` holds the tip's
HPKE envelope (sealed to its desk key and to the recovery key) and its encrypted attachments,
exactly as stored. No private key is needed or used, and nothing is decrypted, so the files
are as safe to carry as the backup itself. Used to check a restore with the offline recovery
key (docs/backup-restore.md) and to hand a tip to the custodians of that key.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tips import audit
from tips.models import Tip
from tips.services import write_recovery_export


class Command(BaseCommand):
    help = "Write sealed (still encrypted) exports of tips, readable with decrypt_export."

    def add_arguments(self, parser):
        parser.add_argument("references", nargs="*", help="tip references, e.g. T-7K3Q9D")
        parser.add_argument("--latest", type=int, default=0, help="also the N newest tips")
        parser.add_argument("--out", required=True, help="directory to write the ZIP files to")

    def handle(self, *args, references, latest, out, **options):
        if latest < 0:
            raise CommandError("--latest must be 0 or more.")
        tips = self._tips(references, latest)
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        for tip in tips:
            path = target / f"{tip.reference}.zip"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                raise CommandError(f"{path} exists: refusing to overwrite.") from None
            try:
                with os.fdopen(fd, "wb") as fh:
                    write_recovery_export(tip, fh)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            audit.record(
                tip, "tips.export", data={"format": "sealed", "via": "manage.py export_sealed_tips"}
            )
            # Which file is a photo, a video or a poster frame is sealed in the tip: the
            # count is of encrypted files, posters included.
            files = tip.attachments.count()
            self.stdout.write(f"{path} ({files} encrypted file(s), sealed)")
        self.stdout.write(self.style.SUCCESS(f"{len(tips)} sealed export(s) written to {target}."))

    def _tips(self, references, latest) -> list[Tip]:
        if not references and not latest:
            raise CommandError("Name tips by reference, or use --latest N.")
        chosen = {}
        for reference in references:
            tip = Tip.objects.filter(reference__iexact=reference.strip()).first()
            if tip is None:
                raise CommandError(f"No tip {reference}.")
            chosen[tip.pk] = tip
        for tip in Tip.objects.order_by("-received_at", "-pk")[:latest]:
            chosen.setdefault(tip.pk, tip)
        if not chosen:
            raise CommandError("There is no tip to export.")
        return list(chosen.values())

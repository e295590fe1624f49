"""Create a recovery key pair ON THIS MACHINE: development and tests only.

In production the recovery key is made offline (``python -m tips.recovery_tool create``)
and only its public half imported (``import_recovery_key``): this command refuses to run
unless ``TIP_RECOVERY_KEY_AUTO_TRUST`` is on (development, tests, the benchmark).

The public half is stored (and becomes the active recovery key); the private half is
written to ``--out`` (mode 0600, never overwritten) for the operator to move offline, for
example to an encrypted USB key kept in a safe. With it, ``decrypt_export`` opens any tip
sealed while this key was active, even if every investigator lost their passphrase.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tips import keys


class Command(BaseCommand):
    help = "Create the recovery key pair; write the private half to a file to take offline."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="file to create for the private key")

    def handle(self, *args, out, **options):
        if not settings.TIP_RECOVERY_KEY_AUTO_TRUST:
            raise CommandError(
                "The recovery key is never made on the server: run `python -m "
                "tips.recovery_tool create` offline, then `manage.py import_recovery_key`."
            )
        try:
            # O_EXCL: refuse to overwrite; 0600 from creation (no window with wider rights).
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{out} exists: refusing to overwrite a key file.") from None
        except OSError as exc:
            raise CommandError(f"Cannot create {out}: {type(exc).__name__}") from None
        try:
            recovery_key, private = keys.create_recovery_key()
            with os.fdopen(fd, "w") as fh:
                fh.write(keys.recovery_key_file_text(recovery_key, private))
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            os.unlink(out)
            raise
        os.chmod(out, 0o600)
        self.stdout.write(
            self.style.SUCCESS(f"Recovery key {recovery_key.key_id} created and active.")
        )
        self.stdout.write(
            f"Private key written to {out}. Move it offline now and delete it from this "
            "server. Desk keys created earlier keep their old recovery wrap: rotate them "
            "(rotate_desk_key) to wrap them under this key."
        )

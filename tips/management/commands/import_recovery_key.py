"""Import the public half of a recovery key made offline (``python -m tips.recovery_tool``).

Only ``recovery-public.json`` comes to the server; a file holding a private key is refused.
The key becomes the active recovery key. Then set ``TIP_RECOVERY_KEY_FINGERPRINT`` in the
server's environment to the fingerprint printed here (keep the older fingerprints in the
list while desk keys still name them): until then every tip is refused (docs/trust.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tips import trust
from tips.models import RecoveryKey
from tips.recovery_tool import RecoveryToolError, load_public_key


class Command(BaseCommand):
    help = "Import an offline recovery public key (recovery-public.json) and make it active."

    def add_arguments(self, parser):
        parser.add_argument("public_file", help="recovery-public.json from the offline tool")

    def handle(self, *args, public_file, **options):
        try:
            suite, public, key_id = load_public_key(public_file)
        except RecoveryToolError as exc:
            raise CommandError(f"{public_file}: {exc}") from None
        try:
            trust.check_new_key_suite(suite)
        except trust.TrustError as exc:
            raise CommandError(str(exc)) from None
        with transaction.atomic():
            if any(rk.key_id == key_id for rk in RecoveryKey.objects.all()):
                raise CommandError(f"Recovery key {key_id} is already imported.")
            RecoveryKey.objects.filter(active=True).update(active=False)
            RecoveryKey.objects.create(suite=suite, public_key=public, active=True)
        written = trust.trust_recovery_fingerprint(key_id)
        self.stdout.write(self.style.SUCCESS(f"Recovery key {key_id} imported and active."))
        if written:
            self.stdout.write("Development: its fingerprint was added to the trust file.")
        self.stdout.write(
            "Set in the server's environment (keep older fingerprints while desk keys use "
            f"them):\n  TIP_RECOVERY_KEY_FINGERPRINT={key_id}\n"
            "Then rotate every desk key (rotate_desk_key) so it is wrapped to this key."
        )

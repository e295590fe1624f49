"""Rotate a desk's key: new pair for future tips, older versions kept for older tips."""

from django.core.management.base import BaseCommand, CommandError

from tips import keys, trust

from ._desk_arg import find_desk


class Command(BaseCommand):
    help = "Rotate a desk's key pair (future tips use the new key; old tips stay readable)."

    def add_arguments(self, parser):
        parser.add_argument("--desk", required=True, help="desk id or name")

    def handle(self, *args, desk, **options):
        desk = find_desk(desk)
        try:
            dk = keys.rotate_desk_key(desk)
        except keys.NoRecoveryKey:
            raise CommandError("No recovery key: run create_recovery_key first.") from None
        except trust.TrustError as exc:
            raise CommandError(f"Refused: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Desk {desk} (id {desk.pk}): key v{dk.version} {dk.key_id} is now active, "
                f"wrapped to the recovery key and {dk.wraps.count()} member(s)."
            )
        )

"""Create the first key pair of a desk (wrapped to the recovery key and its members)."""

from django.core.management.base import BaseCommand, CommandError

from tips import keys, trust
from tips.models import DeskKey

from ._desk_arg import find_desk


class Command(BaseCommand):
    help = "Create a desk's key pair (refuses if the desk already has one: use rotate_desk_key)."

    def add_arguments(self, parser):
        parser.add_argument("--desk", required=True, help="desk id or name")

    def handle(self, *args, desk, **options):
        desk = find_desk(desk)
        if DeskKey.objects.filter(desk=desk).exists():
            raise CommandError(f"Desk {desk} already has a key: use rotate_desk_key.")
        try:
            dk = keys.create_desk_key(desk)
        except keys.NoRecoveryKey:
            raise CommandError("No recovery key: run create_recovery_key first.") from None
        except trust.TrustError as exc:
            raise CommandError(f"Refused: {exc}") from None
        wraps = dk.wraps.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Desk {desk} (id {desk.pk}): key v{dk.version} {dk.key_id} created, "
                f"wrapped to the recovery key and {wraps} member(s)."
            )
        )

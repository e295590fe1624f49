"""Purge tips past their retention period (schedule daily, e.g. from cron or a timer)."""

from django.core.management.base import BaseCommand

from tips import retention


class Command(BaseCommand):
    help = (
        "Delete closed tips older than TIP_RETENTION_DAYS and spam older than "
        "TIP_SPAM_RETENTION_DAYS (ciphertext rows and encrypted attachment files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args, dry_run=False, **options):
        count = retention.purge_expired(dry_run=dry_run)
        verb = "would purge" if dry_run else "purged"
        self.stdout.write(f"{verb} {count} tip(s)")

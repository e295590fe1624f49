"""Unpublish arrested/identified appeals after APPEAL_WITHDRAW_DAYS (found missing persons
after APPEAL_FOUND_WITHDRAW_DAYS) and delete their photos.

Run it daily (cron, systemd timer or the task worker), next to ``publish_scheduled``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from appeals.withdraw import withdraw_resolved


class Command(BaseCommand):
    help = "Withdraw resolved appeals past APPEAL_WITHDRAW_DAYS (unpublish, delete photos)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report what is due.")

    def handle(self, *args, dry_run=False, **options):
        report = withdraw_resolved(dry_run=dry_run)
        verb = "Would withdraw" if dry_run else "Withdrew"
        self.stdout.write(
            f"{verb} {len(report.pages)} page(s) and {len(report.images)} image(s) "
            f"(delay: {settings.APPEAL_WITHDRAW_DAYS} days, "
            f"found persons: {settings.APPEAL_FOUND_WITHDRAW_DAYS} days)."
        )

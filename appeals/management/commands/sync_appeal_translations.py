"""Copy each appeal's language-neutral facts from its last published translation to the others.

Publishing does this by itself (``appeals.translation_sync``); run this once after upgrading,
for appeals whose translations were published with different facts before, or to repair a
sync that failed. ``--dry-run`` lists what differs.
"""

from django.core.management.base import BaseCommand

from appeals.translation_sync import sync_all


class Command(BaseCommand):
    help = "Make every appeal's translations agree with its last published translation."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report what differs.")

    def handle(self, *args, dry_run=False, **options):
        reports = sync_all(dry_run=dry_run)
        for report in reports:
            pages = ", ".join(str(pk) for pk in report.published + report.drafts)
            self.stdout.write(f"appeal page {report.source_id} -> translations {pages}")
        verb = "differ" if dry_run else "synchronised"
        self.stdout.write(f"{len(reports)} appeal(s) whose translations {verb}.")

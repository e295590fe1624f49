"""Delete unfinished resumable uploads past their expiry, with their encrypted parts."""

from django.core.management.base import BaseCommand

from tips import staged_outputs
from tips.resumable import purge_expired


class Command(BaseCommand):
    help = (
        "Delete expired unfinished uploads (incident media) and their encrypted chunks, and "
        "clean files a killed worker left."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired upload(s) deleted")
        # Files a worker killed mid-clean left (a file sent in the form itself).
        self.stdout.write(f"{staged_outputs.purge_stale()} stale staged file(s) deleted")

"""Delete unfinished resumable uploads past their expiry, with their encrypted parts."""

from django.core.management.base import BaseCommand

from tips.resumable import purge_expired


class Command(BaseCommand):
    help = "Delete expired unfinished uploads (incident media) and their encrypted chunks."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired upload(s) deleted")

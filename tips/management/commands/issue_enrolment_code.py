"""Print a one-time enrolment code for a user's first second factor (hand it over in
person). Replaces any earlier code of that user; only its HMAC is stored."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tips import enrolment


class Command(BaseCommand):
    help = "Issue a one-time code for a user's first two-factor enrolment."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user {username!r}.") from None
        code = enrolment.issue_code(user)
        hours = int(enrolment.code_lifetime().total_seconds() // 3600)
        self.stdout.write(f"Enrolment code for {username} (valid {hours} h, once): {code}")

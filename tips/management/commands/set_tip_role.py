"""Give or take a tip role (Investigators, Supervisors): the operator's command, since
Wagtail's user and group screens refuse to (tips.roles). A new member of either group also
needs an enrolment code (issue_enrolment_code) for their second factor."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tips import roles
from tips.permissions import INVESTIGATORS, SUPERVISORS

ROLES = {"investigator": INVESTIGATORS, "supervisor": SUPERVISORS}


class Command(BaseCommand):
    help = "Give (or with --remove take) a tip role: investigator or supervisor."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args, username, role, remove=False, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        roles.set_role(user, ROLES[role], on=not remove)
        self.stdout.write(f"{username}: {'removed from' if remove else 'added to'} {ROLES[role]}.")

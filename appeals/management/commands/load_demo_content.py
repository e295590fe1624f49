"""Load demo content (development only; refused unless ``DEMO_CONTENT_ALLOWED``).

About 30 fictional appeals in fr, nl, de and en (plus one or more of each further kind:
missing persons, unidentified persons, an object or place; and an incident appeal taking
photos and videos), an editor account,
then the tip line's demo (``tips.demo``): investigators, a supervisor, the key ceremony and a
dozen tips.

Idempotent: when the demo home page exists, the appeals part only makes sure the editor
account and the "Editors" group exist; the tip-line part skips what already exists.
"""

import base64
import logging
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale

from appeals.demo import appeals as demo_appeals
from appeals.demo import tree
from appeals.demo.appeals import APPEAL_COUNT
from appeals.models import (
    Desk,
    HomePage,
    Offence,
    Region,
)
from appeals.permissions import ensure_editors_group
from appeals.regions import seed_regions
from tips import demo as tip_demo

EDITOR_USERNAME = "editor"
EDITOR_PASSWORD = "demo-editor-password"  # noqa: S105 - development demo account, documented
#: The demo editor's second factor (every staff account needs one): a fixed, documented
#: base32 TOTP secret, as for the tip line's demo accounts (tips.demo).
EDITOR_TOTP_SECRET = "DEMOEDITORTOTPSECRETKEY234567ABC"  # noqa: S105 - documented demo account


class Command(BaseCommand):
    help = "Load demo appeals in four languages (idempotent; development only)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--codes",
            action="store_true",
            help="only print the current TOTP code of every demo account",
        )

    def handle(self, *args, seed, codes=False, **options):
        if not tip_demo.enabled():
            raise CommandError(
                "Demo content is for development only: these settings do not allow it "
                "(DEMO_CONTENT_ALLOWED is off, as in production)."
            )
        if codes:
            self.stdout.write("\n".join([self._editor_code(), *tip_demo.current_codes()]))
            return
        for name in ("django_tasks", "wagtail", "tips"):  # one line per object is just noise
            logging.getLogger(name).setLevel(logging.WARNING)
        locales = tree.demo_locales()
        seed_regions(Region, Locale)  # Belgium's regions in every language (idempotent)
        if HomePage.objects.filter(locale=locales["fr"]).exists():
            group = ensure_editors_group()
            self._editor(group)
            self.stdout.write("Demo appeals already present: skipped.")
        else:
            with transaction.atomic():
                homes, indexes = tree.build_tree(locales)
                offences = tree.translated_snippets(Offence, locales, tree.offence_rows())
                desks = tree.translated_snippets(Desk, locales, tree.desk_rows())
                rng = random.Random(seed)  # noqa: S311
                demo_appeals.create_appeals(rng, locales, indexes, offences, desks)
                demo_appeals.create_kind_appeals(locales, indexes, desks)
                group = ensure_editors_group()
                self._editor(group)
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {APPEAL_COUNT} demo appeals in 4 languages.")
            )
        self._tip_line(tip_demo)
        self._print_credentials()
        self.stdout.write("\n".join(tip_demo.credentials_lines()))

    def _tip_line(self, tip_demo):
        result = tip_demo.load()
        if result.recovery_file:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo recovery key created; private half in {result.recovery_file}."
                )
            )
        if result.tips_sent:
            self.stdout.write(self.style.SUCCESS(f"Sent {result.tips_sent} demo tips."))
        else:
            self.stdout.write("Tip line demo already present: skipped.")

    # --- accounts

    def _editor(self, group):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=EDITOR_USERNAME,
            defaults={
                "email": "editor@example.invalid",
                "first_name": "Demo",
                "last_name": "Editor",
            },
        )
        if created:
            user.set_password(EDITOR_PASSWORD)
            user.save()
        user.groups.add(group)
        self._editor_totp(user)

    def _editor_totp(self, user):
        """A confirmed TOTP device with the documented secret (made if missing)."""

        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user,
                name="tips",
                key=base64.b32decode(EDITOR_TOTP_SECRET).hex(),  # encrypted on save
                confirmed=True,
            )

    def _editor_code(self) -> str:

        return f"  {EDITOR_USERNAME:<28} {totp(base64.b32decode(EDITOR_TOTP_SECRET)):06d}"

    def _print_credentials(self):
        self.stdout.write(
            f"Demo editor (development only): username '{EDITOR_USERNAME}', "
            f"password '{EDITOR_PASSWORD}', TOTP secret {EDITOR_TOTP_SECRET} at /admin/"
        )

"""Load demo content. Until the appeals work fills it in, it makes sure a site root exists."""

from django.core.management.base import BaseCommand
from wagtail.models import Page, Site


class Command(BaseCommand):
    help = "Load demo content (idempotent)."

    def handle(self, *args, **options):
        if not Site.objects.exists():
            root = Page.get_first_root_node()
            Site.objects.create(hostname="localhost", root_page=root, is_default_site=True)
        self.stdout.write("Demo content ready.")

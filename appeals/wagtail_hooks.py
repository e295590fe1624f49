"""Admin registration of the appeal snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Desk, Offence


class OffenceViewSet(SnippetViewSet):
    model = Offence
    icon = "tag"
    menu_label = _("Offences")
    list_display = ["name", "slug", "locale"]
    search_fields = ["name"]
    add_to_admin_menu = False


class DeskViewSet(SnippetViewSet):
    model = Desk
    icon = "group"
    menu_label = _("Desks")
    list_display = ["name", "locale"]
    add_to_admin_menu = False


register_snippet(OffenceViewSet)
register_snippet(DeskViewSet)

"""Admin wiring of the appeals: snippets and the translation-sync log action.

The translation sync itself is connected to ``page_published`` in ``appeals/signals.py``
(loaded by the app's ``ready()``): this module is imported lazily, on Wagtail's first hook
lookup, so a signal connected here could miss publishes made before that (a management
command, a worker).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import translation_sync
from .models import Desk, Offence, Region


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


class RegionViewSet(SnippetViewSet):
    """Regions of any country: a unit adds its own; filters follow at once."""

    model = Region
    icon = "site"
    menu_label = _("Regions")
    list_display = ["name", "code", "country", "parent", "locale"]
    list_filter = ["country"]
    search_fields = ["name", "code"]
    add_to_admin_menu = False


register_snippet(OffenceViewSet)
register_snippet(DeskViewSet)
register_snippet(RegionViewSet)


@hooks.register("register_log_actions")
def register_translation_sync_action(actions):
    actions.register_action(
        translation_sync.LOG_ACTION,
        _("Synchronise translation"),
        _("Language-neutral facts copied from another translation"),
    )

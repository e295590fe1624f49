"""RSS and Atom feeds of new and updated appeals, in the language of the URL."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .choices import Kind
from .listing import live_appeals

FEED_SIZE = 30


class AppealsRssFeed(Feed):
    def title(self):
        return _("Most Wanted: new and updated appeals")

    def description(self):
        return _("Police appeals for information, newest and last updated first.")

    def author_name(self):
        # Atom (RFC 4287) requires an author; the publisher is the site itself.
        return _("Most Wanted")

    def link(self):
        return "/" if get_language() == "fr" else f"/{get_language()}/"

    def get_object(self, request, *args, **kwargs):
        # ``?kind=missing`` (any kind): a feed of one kind of appeal, e.g. for a partner site.
        kind = request.GET.get("kind", "")
        return kind if kind in Kind.values else ""

    def items(self, kind=""):
        qs = live_appeals().filter(locale__language_code=get_language())
        if kind:
            qs = qs.filter(kind=kind)
        return qs.order_by("-last_published_at", "-pk").prefetch_related("offences")[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.display_name} ({item.get_status_display()})"

    def item_description(self, item):
        offences = ", ".join(o.name for o in item.offence_list()) if item.shows_offences else ""
        facts = strip_tags(item.facts)
        return " — ".join(part for part in (offences, item.facts_place, facts) if part)

    def item_link(self, item):
        return item.get_url()

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}:{item.locale_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.get_kind_display(), item.get_status_display()]


class AppealsAtomFeed(AppealsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

"""Public URLs inside i18n_patterns (/, /nl/, /de/, /en/): feeds."""

from django.urls import path

from .cache import public_cache
from .feeds import AppealsAtomFeed, AppealsRssFeed

urlpatterns = [
    path("feeds/appeals.rss", public_cache(AppealsRssFeed()), name="appeals_feed_rss"),
    path("feeds/appeals.atom", public_cache(AppealsAtomFeed()), name="appeals_feed_atom"),
]

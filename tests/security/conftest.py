"""Fixtures for the security tests: a small real site (home, index, one appeal, one desk)."""

import pytest
from wagtail.models import Locale, Page, Site


@pytest.fixture
def site_tree(db):
    """Home page as the default site's root, an appeal index and one live appeal."""
    from appeals.models import AppealIndexPage, AppealPage, Desk, HomePage

    locale = Locale.get_default()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Accueil", slug="accueil-sec", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "root_page": home, "site_name": "Most Wanted"},
    )
    index = home.add_child(instance=AppealIndexPage(title="Avis de recherche", slug="avis"))
    desk = Desk.objects.create(name="Fugitive search", locale=locale)
    appeal = index.add_child(
        instance=AppealPage(
            title="Jean Exemple", slug="jean-exemple", full_name="Jean Exemple", desk=desk
        )
    )
    return {"home": home, "index": index, "appeal": appeal, "desk": desk}

"""Page tree rules: where each page type can live."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from appeals.models import AppealIndexPage, AppealPage, HomePage


class PageTreeRulesTest(WagtailPageTestCase):
    def test_home_page_lives_at_the_root_and_holds_appeal_indexes(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertAllowedSubpageTypes(HomePage, {AppealIndexPage})

    def test_appeal_index_only_under_a_home_page_and_only_holds_appeals(self):
        self.assertAllowedParentPageTypes(AppealIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(AppealIndexPage, {AppealPage})
        self.assertCanCreateAt(HomePage, AppealIndexPage)
        self.assertCanNotCreateAt(Page, AppealIndexPage)

    def test_appeal_only_under_an_index_and_has_no_children(self):
        self.assertAllowedParentPageTypes(AppealPage, {AppealIndexPage})
        self.assertAllowedSubpageTypes(AppealPage, set())
        self.assertCanCreateAt(AppealIndexPage, AppealPage)
        self.assertCanNotCreateAt(HomePage, AppealPage)
        self.assertCanNotCreateAt(AppealPage, AppealPage)

"""The pages around the appeals: the home page and the appeal index."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..choices import Status
from .appeal import AppealPage
from .public import PublicPageMixin


def route_to_child(parent, queryset, request, path_components):
    """Route through a child of ``queryset``'s type in one query, or ``None``.

    Wagtail's ``Page.route`` finds a child as a plain page, then loads its specific row: two
    queries per level. The pages here know their children's type, so one query is enough; any
    other child (or none: a 404) is left to Wagtail's own route.
    """
    child = queryset.child_of(parent).filter(slug=path_components[0]).first()
    if child is None:
        return None
    child._cached_parent_obj = parent  # as Page.route: get_parent() costs no query
    return child.route(request, path_components[1:])


class HomePage(PublicPageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    anonymity_text = RichTextField(
        _("how anonymity is protected"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("anonymity_text")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["appeals.AppealIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        if path_components:
            found = route_to_child(self, AppealIndexPage.objects.all(), request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def featured_appeals(self, limit=8):
        qs = (
            AppealPage.objects.live()
            .descendant_of(self)
            .exclude(view_restrictions__isnull=False)
            .filter(status=Status.ACTIVE)
            .order_by("-alert", "-featured", "-first_published_at")
        )
        return AppealPage.localize_offences(
            AppealPage.with_listing_data(qs, nationalities=False)[:limit]
        )

    def get_context(self, request, *args, **kwargs):
        from ..listing import index_for_locale  # cycle: listing imports these models

        context = super().get_context(request, *args, **kwargs)
        context["featured"] = self.featured_appeals()
        context["index_page"] = index_for_locale(self)
        return context


class AppealIndexPage(PublicPageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["appeals.HomePage"]
    subpage_types = ["appeals.AppealPage"]

    class Meta:
        verbose_name = _("appeal index")

    def route(self, request, path_components):
        if path_components:
            # The appeal page shows its region: loaded with the page.
            appeals = AppealPage.objects.select_related("region")
            found = route_to_child(self, appeals, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from ..listing import listing_context  # cycle: listing imports these models

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(self, request))
        return context

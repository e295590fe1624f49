"""The pages around the appeals: the home page and the appeal index."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..choices import Status
from .appeal import AppealPage
from .public import PublicPageMixin


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

    def get_context(self, request, *args, **kwargs):
        from ..listing import listing_context  # cycle: listing imports these models

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(self, request))
        return context

"""What every public page shares: how shared caches may keep it, and its view-restriction
check in one query."""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from ..cache import mark_private, mark_public


class PublicPageMixin:
    """Public pages may be kept by shared caches; previews never."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            return mark_private(response)
        return mark_public(response)

    def get_view_restrictions(self):
        """Wagtail's rule (the restrictions of this page and its ancestors, an alias answering
        for its source page) in one query: Wagtail reads the ancestors, then the restrictions."""
        if not self.pk or not self.path:  # a new page's preview: Wagtail's own check
            return super().get_view_restrictions()
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        pages = Page.objects.filter(path__in=paths)
        return PageViewRestriction.objects.filter(
            Q(page__in=pages.filter(alias_of__isnull=True).values("pk"))
            | Q(page__in=pages.filter(alias_of__isnull=False).values("alias_of_id"))
        )

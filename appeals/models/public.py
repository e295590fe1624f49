"""What every public page shares: how shared caches may keep it."""

from ..cache import mark_private, mark_public


class PublicPageMixin:
    """Public pages may be kept by shared caches; previews never."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            return mark_private(response)
        return mark_public(response)

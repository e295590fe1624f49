"""The snippets an appeal points to (desks, offences) and the site's emergency numbers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Locale, TranslatableMixin
from wagtail.search import index


class Desk(TranslatableMixin, models.Model):
    """A team that receives tips (e.g. a fugitive search unit).

    Translatable: one row per locale sharing a ``translation_key``. Tip-side records (keys,
    memberships, tips) always point at the row in the default locale: use ``canonical()``.
    """

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def canonical(self) -> "Desk":
        """The row in the default locale, which tip-side records reference."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        return self.get_translation_or_none(default) or self


class Offence(TranslatableMixin, index.Indexed, models.Model):
    """An offence category (e.g. the European arrest warrant list)."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=80)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.FilterField("locale_id")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("offence")
        verbose_name_plural = _("offences")
        ordering = ["name"]

    def __str__(self):
        return self.name


@register_setting(icon="warning")
class EmergencySettings(BaseSiteSetting):
    """Numbers shown on every public page."""

    emergency_number = models.CharField(
        _("emergency number"), max_length=20, default="112", help_text=_("e.g. 112")
    )
    police_number = models.CharField(
        _("police (non-urgent) number"), max_length=20, default="101", help_text=_("e.g. 101")
    )

    panels = [FieldPanel("emergency_number"), FieldPanel("police_number")]

    class Meta:
        verbose_name = _("emergency numbers")

"""Settings → Tip line: where general tips go."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Locale


def _default_locale_desks():
    """Tip-side records point at a desk's default-locale row (see ``Desk.canonical``)."""
    return Q(locale__language_code=Locale.get_default().language_code)


@register_setting(icon="mail")
class TipLineSettings(BaseGenericSetting):
    """Where general tips go (tips about no appeal, or about a resolved one).

    Edited by supervisors (Settings → Tip line). ``TIP_DEFAULT_DESK_ID`` in the deployment's
    environment, when set, wins over this setting. There is never a fallback to another
    desk: if the default desk cannot read tips, the tip form says the line is unavailable
    and keeps the citizen's text.
    """

    default_desk = models.ForeignKey(
        "appeals.Desk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=_default_locale_desks,
        verbose_name=_("desk receiving general tips"),
        help_text=_(
            "Tips about no appeal, or about a resolved appeal, go to this desk. It must have "
            "an active key and at least one member able to read it."
        ),
    )

    panels = [FieldPanel("default_desk")]

    class Meta:
        verbose_name = _("tip line")

    def clean(self):
        from ..health import desk_problem, problem_message  # cycle: health reads the models

        super().clean()
        if self.default_desk_id is not None:
            problem = desk_problem(self.default_desk)
            if problem is not None:
                raise ValidationError({"default_desk": problem_message(problem, self.default_desk)})

"""The editor's form of an appeal page: its offences, status date and kind rules."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from ..choices import Kind
from .rules import is_minor


class AppealPageForm(WagtailAdminPageForm):
    """Offers the offences of the page's own language only, and dates the status change
    when an editor changes the status."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        locale_id = self.instance.locale_id or getattr(parent_page, "locale_id", None)
        if "offences" in self.fields and locale_id:
            field = self.fields["offences"]
            field.queryset = field.queryset.filter(locale_id=locale_id)

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        old_status = self.initial.get("status")
        date_untouched = cleaned.get("status_changed_on") == self.initial.get("status_changed_on")
        if status and (
            not cleaned.get("status_changed_on")
            or (old_status and status != old_status and date_untouched)
        ):
            cleaned["status_changed_on"] = timezone.localdate()
            self.instance.status_changed_on = cleaned["status_changed_on"]
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min and age_max and age_min > age_max:
            self.add_error("age_max", _("The upper age must not be below the lower age."))
        h_min, h_max = cleaned.get("height_min_cm"), cleaned.get("height_max_cm")
        if h_min and h_max and h_min > h_max:
            self.add_error("height_max_cm", _("The upper height must not be below the lower."))
        self._clean_kind(cleaned)
        return cleaned

    def _clean_kind(self, cleaned):
        """Kind-specific rules: a missing child never shows a reward; only a missing person
        can be an alert; only an unidentified person can be deceased."""
        kind = cleaned.get("kind")
        if cleaned.get("alert") and kind != Kind.MISSING:
            self.add_error("alert", _("Only a missing person appeal can be an alert."))
        if cleaned.get("deceased") and kind != Kind.UNKNOWN:
            self.add_error("deceased", _("Only an unidentified person can be marked deceased."))
        child = cleaned.get("child") or is_minor(cleaned)
        if kind == Kind.MISSING and child and cleaned.get("reward_amount"):
            self.add_error(
                "reward_amount", _("An appeal for a missing child never offers a reward.")
            )

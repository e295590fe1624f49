"""Appeal content: snippets (Desk, Offence), site settings and the public pages."""

import datetime

from django import forms
from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from .cache import mark_private, mark_public
from .choices import (
    GALLERY_SECTIONS,
    NON_SUSPECT_KINDS,
    RESOLVED_STATUSES,
    Kind,
    PhotoKind,
    Sex,
    Status,
)
from .questions import QuestionsBlock
from .regions import Region  # noqa: F401  (registers the snippet model with this app)


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
        from wagtail.models import Locale

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


class PublicPageMixin:
    """Public pages may be kept by shared caches; previews never."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            return mark_private(response)
        return mark_public(response)


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
        from .listing import index_for_locale

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
        from .listing import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(self, request))
        return context


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


class AppealPage(PublicPageMixin, RoutablePageMixin, Page):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WANTED)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_changed_on = models.DateField(
        _("status changed on"),
        default=datetime.date.today,
        help_text=_("Set automatically when the status changes."),
    )
    featured = models.BooleanField(_("featured on the home page"), default=False)
    # --- kinds: missing persons, unidentified persons (kind-specific flags)
    child = models.BooleanField(
        _("missing child"),
        default=False,
        help_text=_("A missing person under 18 (also assumed from the age or date of birth)."),
    )
    alert = models.BooleanField(
        _("alert"),
        default=False,
        help_text=_("Missing person alert: shown first on the home page."),
    )
    deceased = models.BooleanField(
        _("deceased"),
        default=False,
        help_text=_(
            "An unidentified deceased person: a content note is shown before the images. "
            "Never publish a photo of a body: use reconstructions, clothing, tattoos, belongings."
        ),
    )

    full_name = models.CharField(
        _("full name"), max_length=200, blank=True, help_text=_("Leave empty if unknown.")
    )
    known_aliases = models.CharField(
        _("aliases"), max_length=300, blank=True, help_text=_("Separate aliases with commas.")
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(_("apparent age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("apparent age to"), null=True, blank=True)
    height_min_cm = models.PositiveSmallIntegerField(_("height from (cm)"), null=True, blank=True)
    height_max_cm = models.PositiveSmallIntegerField(_("height to (cm)"), null=True, blank=True)
    build = models.CharField(_("build"), max_length=100, blank=True)
    eyes = models.CharField(_("eyes"), max_length=100, blank=True)
    hair = models.CharField(_("hair"), max_length=100, blank=True)
    distinguishing_marks = models.TextField(_("distinguishing marks"), blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)

    offences = ParentalManyToManyField(
        "appeals.Offence", blank=True, related_name="appeals", verbose_name=_("offences")
    )
    facts = RichTextField(
        _("summary of the facts"), blank=True, features=["bold", "italic", "ul", "link"]
    )
    facts_place = models.CharField(_("place of the facts"), max_length=200, blank=True)
    facts_date = models.DateField(_("date of the facts"), null=True, blank=True)
    # --- places that fit Europe: a country, an editable region, countries where they may be
    facts_country = CountryField(_("country of the facts"), blank=True)
    region = models.ForeignKey(
        "appeals.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    possible_countries = CountryField(
        _("countries where the person may be"), multiple=True, blank=True
    )
    case_reference = models.CharField(_("case reference"), max_length=60, blank=True)
    desk = models.ForeignKey(
        "appeals.Desk",
        verbose_name=_("desk receiving tips"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reward_amount = models.PositiveIntegerField(
        _("reward amount (EUR)"),
        null=True,
        blank=True,
        help_text=_("The same in every language. Leave empty if there is no reward."),
    )
    reward = models.TextField(
        _("reward"), blank=True, help_text=_("Conditions of the reward, in this language.")
    )
    caution = models.TextField(
        _("caution"),
        blank=True,
        help_text=_("Leave empty for the standard caution (do not approach, call 112)."),
    )
    # Extra questions of this appeal's tip form (appeals.questions; text per language, the
    # structure kept equal across translations by appeals.translation_sync).
    questions = StreamField(
        QuestionsBlock(),
        blank=True,
        verbose_name=_("questions in the tip form"),
        help_text=_(
            "Asked after the standard questions of the tip form. Write them in this "
            "page's language; adding, removing or reordering a question, or changing "
            "whether it is required, is copied to the translations when you publish."
        ),
    )

    # --- kind "incident": the window in which the public may send photos and videos
    # (tips.incident). Empty "opens": open on publication; empty "closes": open until set.
    intake_opens = models.DateTimeField(_("intake opens"), null=True, blank=True)
    intake_closes = models.DateTimeField(
        _("intake closes"),
        null=True,
        blank=True,
        help_text=_("After this, the page says so and points to the general tip line."),
    )
    incident_max_file_mb = models.PositiveIntegerField(
        _("largest file (MB)"), null=True, blank=True, help_text=_("Empty: 4096 MB.")
    )
    incident_max_files = models.PositiveSmallIntegerField(
        _("files per tip"), null=True, blank=True, help_text=_("Empty: 20.")
    )

    base_form_class = AppealPageForm

    #: Facts that do not depend on the language: publishing any translation copies them to
    #: every other translation (``appeals.translation_sync``). Everything else (title, slug,
    #: aliases, descriptions, facts, place, reward conditions, caution, photo captions) is
    #: translated text and stays as each translation has it.
    language_neutral_fields = (
        "kind",
        "status",
        "status_changed_on",
        "featured",
        "full_name",
        "sex",
        "date_of_birth",
        "age_min",
        "age_max",
        "height_min_cm",
        "height_max_cm",
        "facts_date",
        "case_reference",
        "reward_amount",
        "child",
        "alert",
        "deceased",
        "facts_country",
        "possible_countries",
        "intake_opens",
        "intake_closes",
        "incident_max_file_mb",
        "incident_max_files",
    )
    #: Translatable snippets, mapped to their translation in the target language.
    language_neutral_snippets = ("desk", "region")
    language_neutral_snippet_sets = ("offences",)
    #: Child objects (InlinePanel) copied in order: nationalities by code, photos by image.
    language_neutral_children = ("nationalities", "photos")

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
                FieldRowPanel([FieldPanel("status_changed_on"), FieldPanel("featured")]),
                FieldRowPanel([FieldPanel("child"), FieldPanel("alert"), FieldPanel("deceased")]),
            ],
            heading=_("Appeal"),
            help_text=_(
                "Status, dates, physical details, desk, reward amount, offences, nationalities "
                "and photos are the same in every language: publishing this page copies them "
                "to its translations."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("full_name"),
                FieldPanel("known_aliases"),
                FieldRowPanel([FieldPanel("sex"), FieldPanel("date_of_birth")]),
                FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]),
                InlinePanel("nationalities", label=_("nationality")),
                FieldRowPanel([FieldPanel("height_min_cm"), FieldPanel("height_max_cm")]),
                FieldRowPanel([FieldPanel("build"), FieldPanel("eyes"), FieldPanel("hair")]),
                FieldPanel("distinguishing_marks"),
                FieldPanel("languages"),
            ],
            heading=_("Person"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("offences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("facts"),
                FieldRowPanel([FieldPanel("facts_place"), FieldPanel("facts_date")]),
                FieldRowPanel([FieldPanel("facts_country"), FieldPanel("region")]),
                FieldPanel("possible_countries"),
                FieldPanel("case_reference"),
            ],
            heading=_("Facts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("desk"),
                FieldPanel("reward_amount"),
                FieldPanel("reward"),
                FieldPanel("caution"),
            ],
            heading=_("Tips"),
        ),
        InlinePanel("photos", label=_("photo")),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("intake_opens"), FieldPanel("intake_closes")]),
                FieldRowPanel(
                    [FieldPanel("incident_max_file_mb"), FieldPanel("incident_max_files")]
                ),
            ],
            heading=_("Incident: photos and videos from the public"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("full_name", boost=3),
        index.AutocompleteField("full_name"),
        index.SearchField("known_aliases", boost=2),
        index.SearchField("facts"),
        index.SearchField("facts_place"),
        index.SearchField("case_reference"),
        index.SearchField("distinguishing_marks"),
        index.FilterField("kind"),
        index.FilterField("status"),
        index.FilterField("region_id"),
        index.FilterField("facts_country"),
        index.FilterField("sex"),
    ]

    parent_page_types = ["appeals.AppealIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    # --- helpers used by templates, feeds, API and poster

    @staticmethod
    def listing_prefetches(nationalities=True) -> list:
        from wagtail.images import get_image_model

        image_qs = get_image_model().objects.prefetch_renditions()
        return [
            models.Prefetch(
                "photos",
                queryset=AppealPhoto.objects.order_by("sort_order").prefetch_related(
                    models.Prefetch("image", queryset=image_qs)
                ),
            ),
            "offences",
            *(["nationalities"] if nationalities else []),
        ]

    @classmethod
    def with_listing_data(cls, qs, nationalities=True):
        """Prefetch photos, renditions, offences (and nationalities) in constant queries."""
        return qs.prefetch_related(*cls.listing_prefetches(nationalities))

    @property
    def intake_open(self) -> bool:
        """An incident appeal takes photos and videos only inside its window."""
        now = timezone.now()
        return (
            self.kind == Kind.INCIDENT
            and self.asks_for_help
            and (self.intake_opens is None or self.intake_opens <= now)
            and (self.intake_closes is None or now < self.intake_closes)
        )

    @property
    def is_resolved(self) -> bool:
        return self.status in RESOLVED_STATUSES

    @property
    def is_child(self) -> bool:
        """A missing child: flagged, or under 18 by age or date of birth."""
        return self.kind == Kind.MISSING and (self.child or is_minor(self.__dict__))

    @property
    def shows_reward(self) -> bool:
        return self.asks_for_help and not self.is_child and bool(self.reward_amount or self.reward)

    @property
    def shows_offences(self) -> bool:
        return self.kind not in (Kind.MISSING, Kind.UNKNOWN)

    @property
    def shows_standard_caution(self) -> bool:
        """Missing and unidentified persons are not suspects: no "do not approach" unless the
        editor writes a caution."""
        return self.kind not in NON_SUSPECT_KINDS

    @property
    def about_a_person(self) -> bool:
        return self.kind != Kind.OBJECT

    @property
    def shows_caution(self) -> bool:
        return self.asks_for_help and bool(self.caution or self.shows_standard_caution)

    @property
    def appeal_question(self) -> str:
        """What the page asks its readers: relatives and witnesses, not suspects' neighbours."""
        if self.kind == Kind.MISSING:
            return _("Have you seen %(name)s?") % {"name": self.display_name}
        if self.kind == Kind.UNKNOWN:
            return str(_("Do you recognise this person?"))
        if self.kind == Kind.OBJECT:
            return str(_("Do you recognise this object or this place?"))
        return ""

    def photo_groups(self) -> list[tuple[str, list]]:
        """The main gallery, then marks and belongings in their own galleries."""
        photos = self.photo_list()
        section_kinds = [k for k, _label in GALLERY_SECTIONS]
        groups = [("", [p for p in photos if p.kind not in section_kinds])]
        for kind, label in GALLERY_SECTIONS:
            groups.append((str(label), [p for p in photos if p.kind == kind]))
        return [(label, items) for label, items in groups if items or not label]

    def country_name(self) -> str:
        return self.facts_country.name if self.facts_country else ""

    def possible_country_names(self) -> list[str]:
        return [c.name for c in self.possible_countries]

    @property
    def asks_for_help(self) -> bool:
        """Only an active appeal asks the public for help (caution, reward, tip button, QR
        code); arrested, identified and closed appeals do not, in any language."""
        return self.status == Status.ACTIVE

    def get_cached_paths(self):
        # The poster shows the status too: refresh it in the proxy with the page.
        return ["/", "/" + self.reverse_subpage("poster")]

    @property
    def display_name(self) -> str:
        if self.kind == Kind.OBJECT:
            return self.title
        return self.full_name or str(_("Unknown person"))

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.known_aliases.split(",") if a.strip()]

    @property
    def age_range(self) -> str:
        if self.age_min and self.age_max and self.age_min != self.age_max:
            return f"{self.age_min}–{self.age_max}"
        return str(self.age_min or self.age_max or "")

    @property
    def height_range(self) -> str:
        if self.height_min_cm and self.height_max_cm and self.height_min_cm != self.height_max_cm:
            return f"{self.height_min_cm}–{self.height_max_cm} cm"
        value = self.height_min_cm or self.height_max_cm
        return f"{value} cm" if value else ""

    def photo_list(self) -> list:
        # A found person's photos are withdrawn from every view at once (then deleted after
        # APPEAL_FOUND_WITHDRAW_DAYS): their privacy comes first.
        if self.status == Status.FOUND:
            return []
        return list(self.photos.all())

    @property
    def main_photo(self):
        photos = self.photo_list()
        return photos[0] if photos else None

    def offence_list(self) -> list:
        if not hasattr(self, "_localized_offences"):
            from .i18n import localize

            self._localized_offences = localize(self.offences.all(), self.locale_id)
        return self._localized_offences

    @classmethod
    def localize_offences(cls, appeals) -> list:
        """Fill ``offence_list()`` of many appeals (offences prefetched) in one query."""
        from .i18n import localize

        appeals = list(appeals)
        pairs = [(a, list(a.offences.all())) for a in appeals]
        flat = [o for _a, offences in pairs for o in offences]
        if appeals and flat:
            localized = iter(localize(flat, appeals[0].locale_id))
            for appeal, offences in pairs:
                appeal._localized_offences = [next(localized) for _ in offences]
        return appeals

    def nationality_list(self) -> list[str]:
        return [str(n.code.name) for n in self.nationalities.all()]

    def get_tip_url(self, lang: str | None = None) -> str:
        """The tip form for this appeal, in ``lang`` (default: the active language)."""
        from django.urls import reverse
        from django.utils import translation

        name = "tips:incident" if self.kind == Kind.INCIDENT else "tips:submit_for_appeal"
        with translation.override(lang or translation.get_language()):
            return reverse(name, kwargs={"appeal_id": self.pk})

    def get_context(self, request, *args, **kwargs):
        from django.db.models import prefetch_related_objects

        context = super().get_context(request, *args, **kwargs)
        # A preview shows the editor's unsaved photos and nationalities (held in memory by
        # modelcluster; a new page has no id yet): prefetching would query the database.
        if not getattr(request, "is_preview", False):
            prefetch_related_objects([self], *self.listing_prefetches())
        context["tip_url"] = self.get_tip_url() if self.pk else ""  # preview of a new page
        return context

    @path("poster/", name="poster")
    def poster(self, request):
        from .poster import render_poster

        png = render_poster(self, request)
        response = HttpResponse(png, content_type="image/png")
        # A download: opened inline, Chromium's image viewer styles itself inline, which the
        # page CSP (no inline style) refuses with console errors.
        response["Content-Disposition"] = f'attachment; filename="{self.slug}-poster.png"'
        return response


class AppealNationality(Orderable):
    page = ParentalKey(AppealPage, related_name="nationalities", on_delete=models.CASCADE)
    code = CountryField(_("nationality"))

    panels = [FieldPanel("code")]

    class Meta(Orderable.Meta):
        verbose_name = _("nationality")

    def __str__(self):
        return str(self.code.name)


class AppealPhoto(Orderable):
    page = ParentalKey(AppealPage, related_name="photos", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    kind = models.CharField(
        _("kind of image"), max_length=20, choices=PhotoKind.choices, default=PhotoKind.PHOTO
    )
    caption = models.CharField(
        _("caption"),
        max_length=250,
        blank=True,
        help_text=_("Describes the photo for people who cannot see it, e.g. 'CCTV still'."),
    )

    panels = [FieldPanel("image"), FieldPanel("kind"), FieldPanel("caption")]

    @property
    def alt_text(self) -> str:
        """The caption, or the kind of image (e.g. "Tattoo or mark") when there is none."""
        return self.caption or str(self.get_kind_display())

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or str(self.image)


def withdraw_delay() -> datetime.timedelta:
    return datetime.timedelta(days=settings.APPEAL_WITHDRAW_DAYS)


def found_withdraw_delay() -> datetime.timedelta:
    return datetime.timedelta(days=settings.APPEAL_FOUND_WITHDRAW_DAYS)


def is_minor(values) -> bool:
    """Under 18 by the apparent age or the date of birth in ``values`` (a dict of fields)."""
    age_max, age_min = values.get("age_max"), values.get("age_min")
    if age_max or age_min:
        return (age_max or age_min) < 18
    born = values.get("date_of_birth")
    if born:
        today = timezone.localdate()
        years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return years < 18
    return False

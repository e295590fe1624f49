"""The appeal page: its fields, editing panels and search, and its children (nationalities,
photos)."""

import datetime

from django import forms
from django.db import models
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..choices import Kind, PhotoKind, Sex, Status
from ..poster import render_poster
from ..questions import QuestionsBlock
from .appeal_display import AppealDisplayMixin
from .appeal_form import AppealPageForm
from .public import PublicPageMixin


class AppealPage(AppealDisplayMixin, PublicPageMixin, RoutablePageMixin, Page):
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

    def get_cached_paths(self):
        # The poster shows the status too: refresh it in the proxy with the page.
        return ["/", "/" + self.reverse_subpage("poster")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A preview shows the editor's unsaved photos and nationalities (held in memory by
        # modelcluster; a new page has no id yet): prefetching would query the database.
        if not getattr(request, "is_preview", False):
            prefetch_related_objects([self], *self.listing_prefetches())
        context["tip_url"] = self.get_tip_url() if self.pk else ""  # preview of a new page
        return context

    @path("poster/", name="poster")
    def poster(self, request):
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

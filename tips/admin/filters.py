"""Filters of the tip queue (django-filter, through Wagtail's filterset support)."""

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page

from appeals.models import AppealPage, Desk
from tips.models import Tip, TipPriority, TipStatus
from tips.permissions import tip_policy


class _EvaluatedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """Django's choice iterator without ``queryset.iterator()``: a dropdown of a few rows
    is one SELECT whose result stays cached on the field's queryset (shared with the bulk
    form's assignees), not a PostgreSQL server-side cursor (DECLARE, FETCH, CLOSE)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self.queryset) + extra


class _EvaluatedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _EvaluatedChoiceIterator


class ChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _EvaluatedChoiceField


class TipFilterSet(WagtailFilterSet):
    desk = ChoiceFilter(label=_("Desk"), queryset=None)
    #: One entry per appeal (all its translations), titled in the user's language.
    appeal = ChoiceFilter(label=_("Appeal"), queryset=None, method="filter_appeal")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=TipStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # no join: DISTINCT would only slow the count and the page query
    )
    priority = django_filters.MultipleChoiceFilter(
        label=_("Priority"),
        choices=TipPriority.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    assignee = ChoiceFilter(label=_("Assignee"), queryset=None)
    # Native date inputs: Wagtail's date picker widget renders an inline <script>, which the
    # strict CSP (no 'unsafe-inline') blocks.
    received_from = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__gte",
        label=_("Received from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__lte",
        label=_("Received until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unread = django_filters.BooleanFilter(label=_("Unread"))
    starred = django_filters.BooleanFilter(label=_("Starred"))
    # The answers are sealed: this filter is applied by the queue view to the rows of the
    # page being shown, after decrypting them in the unlocked vault (TipIndexView).
    answered_yes = django_filters.ChoiceFilter(
        choices=(("yes", _("Yes")), ("no", _("No"))),
        label=_("Answered yes to a yes / no question"),
        method="filter_in_vault",
        help_text=_("Sealed answers: only the tips of the page shown, when the vault is unlocked."),
    )

    # Capture times are sealed too (and only there when the citizen shared them): the queue
    # view orders every page in the unlocked vault (tips.admin.capture_index).
    captured = django_filters.ChoiceFilter(
        choices=(("earliest", _("Earliest first")),),
        label=_("Order by when the photos and videos were taken"),
        method="filter_in_vault",
        help_text=_(
            "Sealed capture times, shared by the citizen: when the vault is unlocked, up to "
            "a limit of tips (filter on the appeal first)."
        ),
    )

    def filter_in_vault(self, queryset, name, value):
        return queryset  # see TipIndexView.paginate_queryset

    def filter_appeal(self, queryset, name, value):
        # A tip points at the page in the language it was sent in: match every translation.
        return queryset.filter(appeal__translation_key=value.translation_key)

    class Meta:
        model = Tip
        fields = ["desk", "appeal", "status", "priority", "assignee", "unread"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # The choices are bounded by the number of desks, appeals and members, never by the
        # number of tips: no subquery over the tips table here (the queue must stay fast
        # with 100 000 tips).
        user = request.user if request else None
        desk_ids = tip_policy.listable_desk_ids(user) if user else frozenset()
        # Tip-side records reference the default-locale row of a desk.
        desks = Desk.objects.filter(
            locale__language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        ).order_by("name")
        appeals = Page.objects.type(AppealPage).order_by("title", "pk")
        if desk_ids is not None:
            desks = desks.filter(pk__in=desk_ids)
            in_desks = Q(
                appealpage__desk__translation_key__in=Desk.objects.filter(pk__in=desk_ids).values(
                    "translation_key"
                )
            )
            reader_of = tip_policy.reader_tip_ids(user)
            if reader_of:
                in_desks |= Q(pk__in=Tip.objects.filter(pk__in=reader_of).values("appeal_id"))
            appeals = appeals.filter(in_desks)
        self.filters["desk"].queryset = desks
        self.filters["appeal"].queryset = Page.objects.filter(
            pk__in=one_page_per_appeal(appeals)
        ).order_by("title", "pk")
        member_filter = {"desk_memberships__is_active": True}
        if desk_ids is not None:
            member_filter["desk_memberships__desk_id__in"] = desk_ids
        self.filters["assignee"].queryset = (
            get_user_model().objects.filter(**member_filter).distinct().order_by("username")
        )


def one_page_per_appeal(appeals) -> list[int]:
    """For each appeal (translation key), the pk of its page in the active language, else
    in the default language, else any translation. Bounded by the number of appeals."""

    def variant(code):
        try:
            return get_supported_content_language_variant(code)
        except LookupError:
            return None

    preferred = [variant(get_language() or settings.LANGUAGE_CODE), variant(settings.LANGUAGE_CODE)]
    chosen: dict = {}
    for pk, key, language in appeals.values_list("pk", "translation_key", "locale__language_code"):
        rank = preferred.index(language) if language in preferred else len(preferred)
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, pk)
    return [pk for _rank, pk in chosen.values()]

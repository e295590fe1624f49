"""Filters of the tip queue (django-filter, through Wagtail's filterset support)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from tips.models import Tip, TipPriority, TipStatus
from tips.permissions import tip_policy


class TipFilterSet(WagtailFilterSet):
    desk = django_filters.ModelChoiceFilter(label=_("Desk"), queryset=None)
    appeal = django_filters.ModelChoiceFilter(label=_("Appeal"), queryset=None)
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=TipStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    priority = django_filters.MultipleChoiceFilter(
        label=_("Priority"), choices=TipPriority.choices, widget=forms.CheckboxSelectMultiple
    )
    assignee = django_filters.ModelChoiceFilter(label=_("Assignee"), queryset=None)
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

    class Meta:
        model = Tip
        fields = ["desk", "appeal", "status", "priority", "assignee", "unread"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        from wagtail.models import Page

        from appeals.models import Desk

        user = request.user if request else None
        desk_ids = tip_policy.listable_desk_ids(user) if user else frozenset()
        desks = Desk.objects.all()
        if desk_ids is not None:
            desks = desks.filter(pk__in=desk_ids)
        desks = desks.filter(pk__in=Tip.objects.values("desk_id").distinct())
        self.filters["desk"].queryset = desks
        self.filters["appeal"].queryset = Page.objects.filter(
            pk__in=tip_policy.visible_tips(user).values("appeal_id")
        ).order_by("title")
        member_filter = {"desk_memberships__is_active": True}
        if desk_ids is not None:
            member_filter["desk_memberships__desk_id__in"] = desk_ids
        self.filters["assignee"].queryset = (
            get_user_model().objects.filter(**member_filter).distinct().order_by("username")
        )

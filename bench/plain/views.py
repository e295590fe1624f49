"""The plain form: Django form, CSRF, one INSERT, a thank-you page. No encryption."""

import os
import secrets

from django import forms
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from .models import PlainTip


class PlainTipForm(forms.Form):
    what = forms.CharField(max_length=20_000, widget=forms.Textarea)
    when_date = forms.DateField(required=False)
    when_time = forms.TimeField(required=False)
    place = forms.CharField(max_length=500, required=False)
    how_known = forms.CharField(max_length=5_000, required=False, widget=forms.Textarea)
    seeing_now = forms.BooleanField(required=False)
    contact = forms.CharField(max_length=1_000, required=False, widget=forms.Textarea)


def _padding() -> bytes:
    return os.urandom(int(os.environ.get("BENCH_PLAIN_ROW_PADDING", "0")))


@never_cache
def plain_tip(request):
    if request.method == "POST":
        form = PlainTipForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            tip = PlainTip.objects.create(
                reference=secrets.token_hex(8),
                what=data["what"],
                when_date=data["when_date"],
                when_time=data["when_time"],
                place=data["place"],
                how_known=data["how_known"],
                contact=data["contact"],
                urgent=data["seeing_now"],
                language=translation.get_language() or "fr",
                received_at=timezone.now(),
                padding=_padding(),
            )
            return render(request, "bench/plain_done.html", {"reference": tip.reference})
    else:
        form = PlainTipForm()
    return render(request, "bench/plain_form.html", {"form": form})

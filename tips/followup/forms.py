"""Citizen-side forms of the follow-up (plain Django forms; work without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tips.forms import TipTextField

from .services import ANSWER_MAX_CHARS, QUESTION_MAX_CHARS


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        help_text=_("The 28 digits you were given after sending your tip, e.g. 1234-5678-…"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "inputmode": "numeric",
            }
        ),
    )
    #: An answer written before the session ended, carried back to the answer box.
    draft = forms.CharField(required=False, max_length=ANSWER_MAX_CHARS, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    text = TipTextField(
        label=_("Your answer"),
        required=False,
        max_length=ANSWER_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "data-counter": "true"}),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(required=False, max_length=QUESTION_MAX_CHARS)
    canned = forms.CharField(required=False, max_length=20)

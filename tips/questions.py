"""The appeal's own questions in the tip form: form fields, validation, the sealed answers.

The questions come from the appeal page in the citizen's language (``appeals.questions``
turns its blocks into plain dicts, "specs"). Each answer is sealed in the tip document with
the question *as asked* (type, label, help text, choices as shown, language), so editing or
deleting a question later never changes what a stored tip says::

    "questions": [{"id", "type", "label", "help", "choices": [...],
                   "answer": "<as shown>" | ["<as shown>", ...], "value": "<canonical>"}]

``value`` is language-neutral where the type allows it (``yes`` / ``no`` / ``dont_know``,
ISO dates, ``HH:MM``, numbers, upper-case plates); ``answer`` is what the citizen saw.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import questions as q

from .forms import TipTextField

FIELD_PREFIX = "q_"
YES, NO, DONT_KNOW = "yes", "no", "dont_know"
YES_NO_CHOICES = ((YES, _("Yes")), (NO, _("No")), (DONT_KNOW, _("I don't know")))

REQUIRED_MESSAGE = _("Please answer this question.")
CHOICE_MESSAGE = _("Please choose one of the answers shown.")
DATE_MESSAGE = _("Please enter a date such as 2025-05-31.")
FUTURE_DATE_MESSAGE = _("This date is in the future: please check it.")
TIME_MESSAGE = _("Please enter a time such as 14:30.")
NUMBER_MESSAGE = _("Please enter a whole number, in digits (for example 3).")
NUMBER_MIN_MESSAGE = _("Please enter a number of at least %(limit_value)s.")
NUMBER_MAX_MESSAGE = _("Please enter a number of at most %(limit_value)s.")
PLATE_MESSAGE = _(
    "Please write the plate with letters, digits and dashes only, for example 1-ABC-123. "
    "Part of a plate helps too: write ? for a character you did not see."
)

# Loose on purpose: Belgian plates (1-ABC-123, older ABC-123 or 123-ABC), foreign and
# partial plates (? for a character not seen). Separators are spaces, dashes or dots.
_PLATE = re.compile(r"^[A-Z0-9?](?:[A-Z0-9?]|[ .\-](?=[A-Z0-9?])){0,13}$")
_BELGIAN = (
    re.compile(r"^([0-9])[ .\-]?([A-Z]{3})[ .\-]?([0-9]{3})$"),  # 1-ABC-123 (since 2010)
    re.compile(r"^([A-Z]{3})[ .\-]?([0-9]{3})$"),  # ABC-123
    re.compile(r"^([0-9]{3})[ .\-]?([A-Z]{3})$"),  # 123-ABC
)


def field_name(spec: dict) -> str:
    return FIELD_PREFIX + spec["id"].replace("-", "")


def normalize_plate(value: str) -> str:
    """Upper case, single dashes; a Belgian plate in its usual 1-ABC-123 form."""
    text = " ".join(value.upper().split())
    for pattern in _BELGIAN:
        belgian = pattern.match(text)
        if belgian:
            return "-".join(belgian.groups())
    return text


def validate_plate(value: str) -> None:
    if not _PLATE.match(" ".join(value.upper().split())):
        raise ValidationError(PLATE_MESSAGE, code="plate")


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(FUTURE_DATE_MESSAGE, code="future")


class PlateField(TipTextField):
    default_validators = [validate_plate]

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_plate(value) if value else value


def _choices(spec) -> list[tuple[str, str]]:
    return [(str(i), text) for i, text in enumerate(spec["choices"], start=1)]


def form_field(spec: dict) -> forms.Field:
    """The form field asking ``spec`` (see ``appeals.questions.question_specs``)."""
    kind = spec["type"]
    common = {
        "label": spec["label"],
        "help_text": spec["help"],
        "required": spec["required"],
    }
    messages = {"required": REQUIRED_MESSAGE}
    if kind == q.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 4})
        return TipTextField(max_length=5_000, widget=widget, error_messages=messages, **common)
    if kind == q.YES_NO:
        messages["invalid_choice"] = CHOICE_MESSAGE
        return forms.ChoiceField(
            choices=YES_NO_CHOICES, widget=forms.RadioSelect, error_messages=messages, **common
        )
    if kind == q.CHOICE:
        messages["invalid_choice"] = CHOICE_MESSAGE
        return forms.ChoiceField(
            choices=_choices(spec), widget=forms.RadioSelect, error_messages=messages, **common
        )
    if kind == q.CHOICES:
        messages["invalid_choice"] = CHOICE_MESSAGE
        messages["invalid_list"] = CHOICE_MESSAGE
        return forms.MultipleChoiceField(
            choices=_choices(spec),
            widget=forms.CheckboxSelectMultiple,
            error_messages=messages,
            **common,
        )
    if kind == q.DATE:
        messages["invalid"] = DATE_MESSAGE
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            validators=[] if spec.get("allow_future") else [validate_not_future],
            error_messages=messages,
            **common,
        )
    if kind == q.TIME:
        messages["invalid"] = TIME_MESSAGE
        return forms.TimeField(
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            error_messages=messages,
            **common,
        )
    if kind == q.NUMBER:
        messages.update(
            invalid=NUMBER_MESSAGE, min_value=NUMBER_MIN_MESSAGE, max_value=NUMBER_MAX_MESSAGE
        )
        return forms.IntegerField(
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            # A text box with the numeric keypad: browsers' number inputs drop what they
            # cannot parse, so the citizen would lose a typo instead of seeing it.
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            error_messages=messages,
            **common,
        )
    if kind == q.PLATE:
        widget = forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"})
        return PlateField(max_length=20, widget=widget, error_messages=messages, **common)
    # Short text, place, and any type added later without a field of its own.
    return TipTextField(max_length=500, error_messages=messages, **common)


def specs_for(appeal) -> list[dict]:
    """The questions of ``appeal`` in the active language (its live translation)."""
    if appeal is None:
        return []
    page = appeal.localized.specific
    return q.question_specs(getattr(page, "questions", None))


def add_fields(form: forms.Form, specs: list[dict]) -> None:
    for spec in specs:
        form.fields[field_name(spec)] = form_field(spec)


def bound_fields(form: forms.Form, specs: list[dict]) -> list:
    return [form[field_name(spec)] for spec in specs if field_name(spec) in form.fields]


def _shown(spec, value) -> tuple[object, object]:
    """(answer as the citizen saw it, canonical value) for a cleaned ``value``."""
    kind = spec["type"]
    if value in (None, "", []):
        return "", ""
    if kind == q.YES_NO:
        return str(dict(YES_NO_CHOICES)[value]), value
    if kind == q.CHOICE:
        return dict(_choices(spec))[value], value
    if kind == q.CHOICES:
        labels = dict(_choices(spec))
        return [labels[v] for v in value], list(value)
    if kind == q.DATE:
        return value.isoformat(), value.isoformat()
    if kind == q.TIME:
        return value.strftime("%H:%M"), value.strftime("%H:%M")
    return str(value), str(value)


def answers_for_sealing(form: forms.Form, specs: list[dict]) -> list[dict]:
    """Every question asked, as asked, with its answer ("" when not answered)."""
    out = []
    for spec in specs:
        answer, value = _shown(spec, form.cleaned_data.get(field_name(spec)))
        out.append(
            {
                "id": spec["id"],
                "type": spec["type"],
                "label": spec["label"],
                "help": spec["help"],
                "choices": list(spec["choices"]) if spec["choices"] else [],
                "answer": answer,
                "value": value,
            }
        )
    return out


# --------------------------------------------------------------------------- reading


def sealed_answers(document: dict | None) -> list[dict]:
    """The questions and answers of an opened tip document (none for older tips)."""
    items = (document or {}).get("questions") or []
    return [i for i in items if isinstance(i, dict)]


def answered_yes(document: dict | None) -> bool:
    """Whether the tip answered "yes" to at least one yes / no question."""
    return any(
        i.get("type") == q.YES_NO and i.get("value") == YES for i in sealed_answers(document)
    )


def answer_text(item: dict) -> str:
    answer = item.get("answer")
    if isinstance(answer, list):
        return ", ".join(str(a) for a in answer)
    return str(answer or "")


def type_label(kind: str) -> str:
    """The translated name of a question type (the editor's block label)."""
    block = q.QuestionsBlock().child_blocks.get(kind)
    return str(block.meta.label) if block is not None else kind


def answers_for_display(document: dict | None) -> list[dict]:
    """Label, type name and answer text of each sealed question, for the admin views."""
    return [
        {
            "label": str(item.get("label") or ""),
            "type": str(item.get("type") or ""),
            "type_label": type_label(str(item.get("type") or "")),
            "text": answer_text(item),
        }
        for item in sealed_answers(document)
    ]

"""Questions an appeal asks in its tip form: the editor's StreamField blocks.

Each block is one question (label, help text, required or not, plus options for its type).
The tip form never reads blocks directly: :func:`question_specs` turns the stream of the page
in the citizen's language into plain dicts (``tips.questions`` builds the form fields from
them and seals the question as asked with the answer).

Translations: the label, help text and choices are text, written per language like the rest
of the page; what a question *is* (its block id, type, required flag, date and number options,
position) is structure, kept the same in every translation by ``appeals.translation_sync``
through :func:`structure_of` and :func:`align`. A question the target language already has
keeps its translated text; a new one arrives in the source's language until translated.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

#: The type names stored in the sealed tip document: never rename one.
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
YES_NO = "yes_no"
CHOICE = "choice"
CHOICES = "choices"
DATE = "date"
TIME = "time"
PLACE = "place"
NUMBER = "number"
PLATE = "plate"

#: Options of a block that are structure, not text (the same in every translation).
STRUCTURAL_OPTIONS = ("required", "allow_future", "min_value", "max_value")
MAX_QUESTIONS = 30


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("question"), max_length=300)
    help_text = blocks.CharBlock(label=_("help text"), max_length=500, required=False)
    required = blocks.BooleanBlock(label=_("an answer is required"), required=False, default=False)

    question_type = ""

    class Meta:
        icon = "help"
        form_classname = "question-block"


class ShortTextQuestion(QuestionBlock):
    question_type = SHORT_TEXT

    class Meta:
        label = _("Short text")
        icon = "pilcrow"


class LongTextQuestion(QuestionBlock):
    question_type = LONG_TEXT

    class Meta:
        label = _("Long text")
        icon = "doc-full"


class YesNoQuestion(QuestionBlock):
    question_type = YES_NO

    class Meta:
        label = _("Yes / no / don't know")
        icon = "tick"


class _ChoicesMixin(blocks.StructBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("choice"), max_length=200),
        label=_("choices"),
        min_num=2,
        max_num=20,
    )


class ChoiceQuestion(QuestionBlock, _ChoicesMixin):
    question_type = CHOICE

    class Meta:
        label = _("One choice")
        icon = "radio-full"


class MultipleChoiceQuestion(QuestionBlock, _ChoicesMixin):
    question_type = CHOICES

    class Meta:
        label = _("Several choices")
        icon = "list-ul"


class DateQuestion(QuestionBlock):
    allow_future = blocks.BooleanBlock(
        label=_("a date in the future is possible"),
        required=False,
        default=False,
        help_text=_("Leave unticked for when something was seen: a future date is refused."),
    )
    question_type = DATE

    class Meta:
        label = _("Date")
        icon = "date"


class TimeQuestion(QuestionBlock):
    question_type = TIME

    class Meta:
        label = _("Time")
        icon = "time"


class PlaceQuestion(QuestionBlock):
    question_type = PLACE

    class Meta:
        label = _("Place")
        icon = "site"


class NumberQuestion(QuestionBlock):
    min_value = blocks.IntegerBlock(label=_("smallest number"), required=False)
    max_value = blocks.IntegerBlock(label=_("largest number"), required=False)
    question_type = NUMBER

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_value"), value.get("max_value")
        # No answer could ever be accepted: say so in the editor, not to the citizen.
        if low is not None and high is not None and low > high:
            message = _("The largest number must not be smaller than the smallest number.")
            raise StructBlockValidationError(block_errors={"max_value": ValidationError(message)})
        return value

    class Meta:
        label = _("Number")
        icon = "order"


class PlateQuestion(QuestionBlock):
    question_type = PLATE

    class Meta:
        label = _("Vehicle plate")
        icon = "form"


class QuestionsBlock(blocks.StreamBlock):
    short_text = ShortTextQuestion()
    long_text = LongTextQuestion()
    yes_no = YesNoQuestion()
    choice = ChoiceQuestion()
    choices = MultipleChoiceQuestion()
    date = DateQuestion()
    time = TimeQuestion()
    place = PlaceQuestion()
    number = NumberQuestion()
    plate = PlateQuestion()

    class Meta:
        max_num = MAX_QUESTIONS


# --------------------------------------------------------------------------- reading


def question_specs(stream) -> list[dict]:
    """The questions of a page's ``questions`` stream as plain dicts, in order::

    {"id", "type", "label", "help", "required", "choices", "allow_future", "min", "max"}
    """
    specs = []
    for child in stream or ():
        value = child.value
        specs.append(
            {
                "id": str(child.id),
                "type": child.block.question_type or child.block_type,
                "label": str(value.get("label") or ""),
                "help": str(value.get("help_text") or ""),
                "required": bool(value.get("required")),
                "choices": [str(c) for c in value.get("choices") or []],
                "allow_future": bool(value.get("allow_future")),
                "min": value.get("min_value"),
                "max": value.get("max_value"),
            }
        )
    return specs


# --------------------------------------------------------------------------- translations


def structure_of(stream) -> list[tuple]:
    """What must be equal across translations: id, type, options, number of choices."""
    out = []
    for child in stream or ():
        value = child.value
        options = tuple(value.get(name) for name in STRUCTURAL_OPTIONS if name in value)
        choices = len(value["choices"]) if "choices" in value else None
        out.append((str(child.id), child.block_type, options, choices))
    return out


def align(source_stream, target_stream) -> list[dict]:
    """The target's questions rebuilt on the source's structure, as raw stream data
    ``[{"type", "value", "id"}, ...]`` (assign it to the target's ``questions``).

    A question the target has (same id and type) keeps its label, help text and choices,
    unless the number of choices changed (then the source's choices are taken: a choice
    cannot be matched to its translation by position once one was added or removed).
    """
    own = {str(c.id): c for c in target_stream or ()}
    rebuilt = []
    for child in source_stream or ():
        value = child.block.get_prep_value(child.value)
        mine = own.get(str(child.id))
        if mine is not None and mine.block_type == child.block_type:
            theirs = mine.block.get_prep_value(mine.value)
            for name in ("label", "help_text"):
                value[name] = theirs.get(name, value.get(name))
            if "choices" in value and len(theirs.get("choices", [])) == len(value["choices"]):
                value["choices"] = theirs["choices"]
        rebuilt.append({"type": child.block_type, "value": value, "id": str(child.id)})
    return rebuilt

"""Questions per appeal across translations: text per language, structure kept aligned
(appeals.questions.align through appeals.translation_sync)."""

from wagtail.models import Locale

from appeals import questions
from appeals.models import AppealPage


def _q(kind, label, **extra):
    return {"type": kind, "value": {"label": label, "help_text": "", "required": False, **extra}}


def labels(page):
    page = AppealPage.objects.get(pk=page.pk)
    return [(c.block_type, c.value["label"], c.value["required"]) for c in page.questions]


def test_translations_keep_their_text_and_follow_the_structure(make_appeal):
    fr = make_appeal(
        "fr",
        questions=[
            _q("yes_no", "Était-il armé ?"),
            _q("choice", "Seul ?", choices=["Seul", "Accompagné"]),
        ],
    )
    fr.save_revision().publish()
    nl = fr.copy_for_translation(Locale.objects.get(language_code="nl"))
    nl = AppealPage.objects.get(pk=nl.pk)
    # The Translate action keeps the block ids: they identify a question in every language.
    assert [c.id for c in nl.questions] == [c.id for c in fr.questions]
    raw = nl.questions.raw_data
    raw[0]["value"]["label"] = "Was hij gewapend?"
    raw[1]["value"]["label"] = "Alleen?"
    raw[1]["value"]["choices"] = ["Alleen", "Accompagné"]
    nl.questions = list(raw)
    nl.save_revision().publish()
    # Publishing the nl text changes nothing in French.
    assert labels(fr)[0] == ("yes_no", "Était-il armé ?", False)

    # The editor makes the first question required, moves the choice first, adds a plate.
    fr = AppealPage.objects.get(pk=fr.pk)
    raw = fr.questions.raw_data
    raw[0]["value"]["required"] = True
    fr.questions = [raw[1], raw[0], _q("plate", "Plaque ?")]
    fr.save_revision().publish()

    assert labels(nl) == [
        ("choice", "Alleen?", False),
        ("yes_no", "Was hij gewapend?", True),
        ("plate", "Plaque ?", False),  # new: in French until translated
    ]
    nl_page = AppealPage.objects.get(pk=nl.pk)
    assert list(nl_page.questions[0].value["choices"]) == ["Alleen", "Accompagné"]

    # A question removed in French is removed from the translation.
    fr = AppealPage.objects.get(pk=fr.pk)
    fr.questions = fr.questions.raw_data[:1]
    fr.save_revision().publish()
    assert labels(nl) == [("choice", "Alleen?", False)]


def test_align_takes_the_source_choices_when_their_number_changed(make_appeal):
    fr = make_appeal("fr", questions=[_q("choices", "Vu ?", choices=["A", "B"])])
    nl = make_appeal(
        "nl", translation_of=fr, questions=[_q("choices", "Gezien?", choices=["X", "Y"])]
    )
    nl.questions = [
        {**nl.questions.raw_data[0], "id": fr.questions.raw_data[0]["id"]},
    ]
    first = fr.questions.raw_data[0]
    fr.questions = [{**first, "value": {**first["value"], "choices": ["A", "B", "C"]}}]
    rebuilt = questions.align(fr.questions, nl.questions)
    assert rebuilt[0]["value"]["label"] == "Gezien?"
    assert [c["value"] for c in rebuilt[0]["value"]["choices"]] == ["A", "B", "C"]


def test_a_number_question_whose_minimum_is_above_its_maximum_is_refused_in_every_language():
    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import translation

    block = questions.QuestionsBlock()
    expected = {
        "fr": "Le plus grand nombre ne peut pas être plus petit que le plus petit nombre.",
        "nl": "Het grootste getal mag niet kleiner zijn dan het kleinste getal.",
        "de": "Die größte Zahl darf nicht kleiner sein als die kleinste Zahl.",
        "en": "The largest number must not be smaller than the smallest number.",
    }
    bad = block.to_python([_q("number", "Combien ?", min_value=10, max_value=2)])
    for lang, message in expected.items():
        with translation.override(lang):
            with pytest.raises(ValidationError) as refused:
                block.clean(bad)
            assert message in str(refused.value.as_json_data()), lang
    for low, high in ((2, 10), (5, 5), (None, 3), (3, None)):
        block.clean(block.to_python([_q("number", "Combien ?", min_value=low, max_value=high)]))

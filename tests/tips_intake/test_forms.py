"""tips.forms: caps on every field, control characters dropped, messages name the file."""

from django.test import override_settings
from django.utils import translation

from tips.forms import TipForm, attachment_error_message


def form(**data):
    base = {"what": "I saw him at the station.", "form_token": "x"}
    base.update(data)
    return TipForm(data=base)


def test_minimal_valid_and_fields_for_sealing():
    f = form(when_date="2025-05-01", when_time="14:30", place="Gare du Midi", seeing_now="on")
    assert f.is_valid(), f.errors
    assert f.fields_for_sealing() == {
        "what": "I saw him at the station.",
        "when_date": "2025-05-01",
        "when_time": "14:30",
        "place": "Gare du Midi",
        "how_known": "",
        "contact": "",
    }
    assert f.cleaned_data["seeing_now"] is True


def test_empty_text_refused():
    f = form(what="   ")
    assert not f.is_valid() and "what" in f.errors


@override_settings(TIP_MAX_TEXT_CHARS=100)
def test_every_text_field_is_capped():
    assert not form(what="a" * 101).is_valid()
    assert form(what="a" * 100).is_valid()
    for name, cap in (("place", 500), ("how_known", 5000), ("contact", 1000), ("website", 500)):
        assert not form(**{name: "b" * (cap + 1)}).is_valid(), name


def test_control_characters_dropped_and_replacement_char_kept():
    f = form(what="line one\x00\x07\nline two \ufffd", place="a\x1bb")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["what"] == "line one\nline two \ufffd"
    assert f.cleaned_data["place"] == "ab"


def test_bad_date_is_an_error_not_a_crash():
    f = form(when_date="31/31/2025", when_time="25:99")
    assert not f.is_valid()
    assert set(f.errors) == {"when_date", "when_time"}


def test_attachment_messages_name_the_file_in_each_language():
    for lang in ("fr", "nl", "de", "en"):
        with translation.override(lang):
            for code in (
                "unsupported_type",
                "too_many_pixels",
                "corrupt",
                "empty",
                "file_too_large",
                "too_many_files",
                "total_too_large",
                "unknown",
            ):
                assert "holiday.jpg" in attachment_error_message("holiday.jpg", code)

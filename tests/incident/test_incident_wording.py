"""The incident appeal's form speaks of an event, not of a person: its emergency banner says
to call 112 if it is happening now, there is no "I am seeing this person right now" box (an
incident still going on is a 112 call, not an urgent tip), in fr, nl, de and en; the person
appeals' form is unchanged, and a crafted "seeing_now" never makes an incident tip urgent."""

import pytest
from django.utils import translation

from tips import antispam, forms
from tips.models import Tip, TipPriority

from .test_incident_submit import form_data

pytestmark = pytest.mark.django_db

BANNER = {
    "en": "If it is happening now or someone is in danger, call 112.",
    "fr": "Si cela se passe maintenant ou si quelqu’un est en danger, appelez le 112.",
    "nl": "Gebeurt het nu of is iemand in gevaar, bel dan 112.",
    "de": "Wenn es gerade geschieht oder jemand in Gefahr ist, rufen Sie 112 an.",
}
PERSON_BANNER = {
    "en": "If you can see the person now",
    "fr": "personne",
    "nl": "persoon",
    "de": "Person",
}


@pytest.mark.parametrize("lang", ["en", "fr", "nl", "de"])
def test_incident_form_speaks_of_an_event(client, incident, lang):
    prefix = "" if lang == "fr" else f"/{lang}"  # French is the default: no prefix
    html = client.get(f"{prefix}/tip/incident/{incident.pk}/").content.decode()
    assert BANNER[lang] in html
    emergency = html.split('class="tip-emergency"', 1)[1].split("</div>", 1)[0]
    assert PERSON_BANNER[lang] not in emergency
    assert 'name="seeing_now"' not in html
    with translation.override(lang):
        seeing = str(forms.TipForm.base_fields["seeing_now"].label)
        person_help = str(forms.TipForm.base_fields["what"].help_text)
    assert seeing not in html and person_help not in html
    # The no-JS form is still a plain multipart form with the file field and a send button.
    assert 'enctype="multipart/form-data"' in html and 'type="file" name="media"' in html
    assert 'type="submit"' in html


def test_incident_help_texts_in_english(client, incident):
    html = client.get(f"/en/tip/incident/{incident.pk}/").content.decode()
    assert "Describe what happened, in your own words" in html
    assert "I was there and filmed it" in html
    assert "people with the person" not in html and "I saw the person myself" not in html


def test_closed_incident_banner_speaks_of_an_event(client, incident):
    import datetime

    from django.utils import timezone

    incident.intake_closes = timezone.now() - datetime.timedelta(hours=1)
    incident.save_revision().publish()
    response = client.get(f"/en/tip/incident/{incident.pk}/")
    assert response.status_code == 410
    assert BANNER["en"] in response.content.decode()


def test_person_appeal_form_is_unchanged(client, tipline):
    html = client.get("/en/tip/").content.decode()
    assert 'name="seeing_now"' in html
    assert "If you can see the person now and there is danger" in html
    assert BANNER["en"] not in html


def test_adapt_to_appeal_keeps_seeing_now_for_people():
    for kind in ("wanted", "missing", "identify", ""):
        form = forms.TipForm().adapt_to_appeal(type("A", (), {"kind": kind})())
        assert "seeing_now" in form.fields and not form.about_incident
    form = forms.TipForm().adapt_to_appeal(type("A", (), {"kind": "incident"})())
    assert "seeing_now" not in form.fields and form.about_incident


@pytest.mark.skipif(not __import__("shutil").which("ffprobe"), reason="needs ffmpeg")
def test_a_crafted_seeing_now_does_not_make_an_incident_tip_urgent(client, incident, tipline):
    data = form_data(seeing_now="on", what="Riot at the station, filmed from the bridge.")
    data["form_token"] = antispam.issue_token()
    response = client.post(f"/en/tip/incident/{incident.pk}/", data)
    assert response.status_code == 200, response.content[:500]
    assert Tip.objects.get().priority == TipPriority.NORMAL


def test_incident_refusals_speak_of_an_event():
    with translation.override("en"):
        assert "If it is happening now" in forms.busy_message(60, incident=True)
        assert "person" not in forms.busy_message(60, incident=True)
        assert "person" not in str(forms.INCIDENT_UNAVAILABLE_MESSAGE)
        assert "If the person is in sight" in forms.busy_message(60)  # person forms unchanged
    for lang in ("fr", "nl", "de"):
        with translation.override(lang):
            assert "112" in forms.busy_message(60, incident=True)
            assert forms.busy_message(60, incident=True) != forms.busy_message(60)
            assert str(forms.INCIDENT_UNAVAILABLE_MESSAGE) != str(forms.UNAVAILABLE_MESSAGE)

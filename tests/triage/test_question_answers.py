"""Sealed answers to an appeal's questions, for investigators: labelled fields in the detail
view and the case-file export; the queue's "answered yes" filter, in the unlocked vault only,
on the page shown."""

import io
import json
import zipfile

from django.urls import reverse

from tips.keys import active_desk_key
from tips.services import tip_submit

from .conftest import unlock, verified_login


def _tip(desk, answer):
    return tip_submit(
        desk_key=active_desk_key(desk),
        fields={"what": f"tip answering {answer}"},
        questions=[
            {"id": "q1", "type": "yes_no", "label": "Était-il armé ?", "help": "",
             "choices": [], "answer": {"yes": "Oui", "no": "Non"}[answer], "value": answer},
            {"id": "q2", "type": "plate", "label": "Plaque du véhicule", "help": "",
             "choices": [], "answer": "1-ABC-123", "value": "1-ABC-123"},
            {"id": "q3", "type": "choices", "label": "Véhicules vus", "help": "",
             "choices": ["Voiture", "Moto"], "answer": ["Voiture", "Moto"], "value": ["1", "2"]},
        ],
        language="fr",
    ).tip  # fmt: skip


def test_detail_and_export_show_the_answers_as_labelled_fields(client, world):
    tip = _tip(world.desk_a, "yes")
    verified_login(client, world.inv_a)
    unlock(client)
    html = client.get(reverse("tips_admin:detail", args=[tip.pk])).content.decode()
    assert "Était-il armé ?" in html and "Oui" in html
    assert "Plaque du véhicule" in html and "1-ABC-123" in html
    assert "Voiture, Moto" in html
    response = client.post(reverse("tips_admin:export", args=[tip.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("tip.json"))
    assert data["questions"][0] == {
        "question": "Était-il armé ?", "type": "yes_no", "choices": [], "answer": "Oui",
        "value": "yes",
    }  # fmt: skip
    text = archive.read("tip.txt").decode()
    assert "- Véhicules vus" in text and "Voiture, Moto" in text


def test_queue_filters_answers_in_the_unlocked_vault_only(client, world):
    yes, no = _tip(world.desk_a, "yes"), _tip(world.desk_a, "no")
    verified_login(client, world.inv_a)
    url = reverse("tips_admin:index") + "?answered_yes=yes"
    locked = client.get(url).content.decode()
    assert "Unlock the vault to filter on the answers" in locked or "Déverrouillez" in locked
    unlock(client)
    html = client.get(url).content.decode()
    assert yes.reference in html and no.reference not in html
    html = client.get(reverse("tips_admin:index") + "?answered_yes=no").content.decode()
    assert no.reference in html and yes.reference not in html

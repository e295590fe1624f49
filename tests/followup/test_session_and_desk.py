"""Session lifetime, deleting the tipster's copy, canned questions, and the policy."""

import time

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from tips.followup import selectors, services
from tips.models import CannedQuestion, Message, Tip

from .conftest import open_conversation, send_tip_through_form, verified_login


def test_idle_session_ends_and_asks_for_the_receipt_again(world, settings, monkeypatch):
    client = Client()
    receipt = send_tip_through_form(client)
    open_conversation(client, receipt)
    assert b"Send my answer" in client.get(reverse("tips:followup")).content
    cache.clear()  # what the idle expiry does to the entry
    response = client.get(reverse("tips:followup"))
    assert b'name="receipt"' in response.content
    assert b"without activity" in response.content


def test_absolute_lifetime(world, settings, monkeypatch):
    client = Client()
    open_conversation(client, send_tip_through_form(client))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + settings.TIP_FOLLOWUP_MAX_SECONDS + 1)
    assert b'name="receipt"' in client.get(reverse("tips:followup")).content


def test_cookie_alone_or_cache_alone_is_useless(world):
    client = Client()
    open_conversation(client, send_tip_through_form(client))
    value = client.cookies["followup"].value
    session_id, _key = value.split(".", 1)
    # A forged key with the right id does not open the entry.
    client.cookies["followup"] = f"{session_id}.{'A' * 43}"
    assert b'name="receipt"' in client.get(reverse("tips:followup")).content
    # The cache entry holds no private key and no tip id in clear (only AES-GCM ciphertext).
    entry = cache.get("tips:followup:session:" + session_id)
    assert set(entry) == {"c", "b"}


def test_answer_after_expiry_keeps_the_text(world):
    client = Client()
    receipt = send_tip_through_form(client)
    open_conversation(client, receipt)
    cache.clear()
    response = client.post(reverse("tips:followup_answer"), {"text": "my precious answer"})
    assert response.status_code == 403
    assert b"my precious answer" in response.content  # carried in the receipt form
    assert not Message.objects.exists()
    response = client.post(
        reverse("tips:followup"), {"receipt": receipt, "draft": "my precious answer"}
    )
    assert b"my precious answer</textarea>" in response.content


def test_tipster_deletes_their_copy(world):
    client = Client()
    receipt = send_tip_through_form(client)
    tip = Tip.objects.get()
    services.question_send(tip=tip, actor=world.inv_a, text="Colour of the car?")
    open_conversation(client, receipt)
    response = client.post(reverse("tips:followup_delete"), {"confirm": "yes"})
    assert response.status_code == 302
    assert Message.objects.get().tipster_ciphertext is None
    assert Message.objects.get().desk_ciphertext
    response = open_conversation(Client(), receipt)
    assert b"Colour of the car?" not in response.content
    assert b"You deleted your copy" in response.content


def test_delete_needs_confirmation(world):
    client = Client()
    receipt = send_tip_through_form(client)
    services.question_send(tip=Tip.objects.get(), actor=world.inv_a, text="Q?")
    open_conversation(client, receipt)
    assert client.post(reverse("tips:followup_delete")).status_code == 400
    assert Message.objects.get().tipster_ciphertext is not None


def test_canned_question_in_the_tipster_language(world, investigator_client, settings):

    settings.TIP_DEFAULT_DESK_ID = world.desk_a.pk
    fr = Locale.get_default()
    en, _ = Locale.objects.get_or_create(language_code="en")
    q = CannedQuestion.objects.create(desk=world.desk_a, locale=fr, text="Quelle direction ?")
    translated = q.copy_for_translation(en)
    translated.text = "Which direction?"
    translated.save()
    client = Client()
    receipt = send_tip_through_form(client)
    tip = Tip.objects.get()
    tip.language = "en"
    tip.save(update_fields=["language"])
    assert [c["text"] for c in selectors.canned_questions_for(tip)] == ["Which direction?"]
    response = investigator_client.post(
        reverse("tips_admin:followup_question", args=[tip.pk]), {"text": "", "canned": str(q.pk)}
    )
    assert response.status_code == 302
    assert b"Which direction?" in open_conversation(Client(), receipt).content


def test_only_desk_members_ask_questions(world, client):
    from tests.triage.conftest import submit_tip

    tip = submit_tip(world.desk_a, "x")
    for user in (world.inv_b, world.editor, world.supervisor):
        c = Client()
        verified_login(c, user)
        response = c.post(reverse("tips_admin:followup_question", args=[tip.pk]), {"text": "Q?"})
        assert response.status_code in (302, 403, 404), user
    assert not Message.objects.exists()
    anonymous = Client().post(
        reverse("tips_admin:followup_question", args=[tip.pk]), {"text": "Q?"}
    )
    assert anonymous.status_code in (302, 403)
    assert not Message.objects.exists()


def test_closed_tip_refuses_questions_and_answers(world):
    import pytest
    from django.core.exceptions import ValidationError

    client = Client()
    receipt = send_tip_through_form(client)
    open_conversation(client, receipt)
    tip = Tip.objects.get()
    Tip.objects.update(status="closed_spam")
    tip.refresh_from_db()
    with pytest.raises(ValidationError):
        services.question_send(tip=tip, actor=world.inv_a, text="Q?")
    response = client.post(reverse("tips:followup_answer"), {"text": "late"})
    assert b"This conversation has ended" in response.content
    assert not Message.objects.exists()

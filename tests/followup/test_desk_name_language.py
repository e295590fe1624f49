"""The follow-up page names the desk in the language of the page, not the default one."""

from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from tips.models import Tip

from .conftest import open_conversation, send_tip_through_form


def test_desk_name_in_the_page_language(world, investigator_client, settings):
    settings.TIP_DEFAULT_DESK_ID = world.desk_a.pk
    english, _ = Locale.objects.get_or_create(language_code="en")
    translated = world.desk_a.copy_for_translation(english)
    translated.name = "Fugitive search unit"
    translated.save()
    receipt = send_tip_through_form(Client())
    tip = Tip.objects.get()
    tip.assignee = world.inv_a
    tip.save(update_fields=["assignee"])
    investigator_client.post(
        reverse("tips_admin:followup_question", args=[tip.pk]), {"text": "Which way did he go?"}
    )

    with translation.override("en"):  # earlier requests left French active in this thread
        body = open_conversation(Client(), receipt).content.decode()
    assert '<html lang="en">' in body
    assert "Which way did he go?" in body
    assert "Fugitive search unit" in body
    assert world.desk_a.name not in body

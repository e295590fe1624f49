"""The queue as an investigator sees it: urgent tips stand out and come first, "unread" is a
labelled badge, references do not wrap, and the appeal filter lists each appeal once."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from tests.appeals.conftest import make_appeal, site_tree  # noqa: F401 - fixtures
from tips.models import Tip, TipPriority, TipStatus

from .conftest import submit_tip, verified_login


def english(user):
    """The admin in English for ``user`` (Wagtail's per-user language preference)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()


def _row_refs(html: str) -> list[str]:
    return re.findall(r'class="tips-ref" href="[^"]+">(T-[0-9A-Z]+)<', html)


def _age(tip, minutes):
    Tip.objects.filter(pk=tip.pk).update(received_at=timezone.now() - dt.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_urgent_tips_come_first_by_default_and_carry_a_worded_badge(client, world):
    old_urgent = submit_tip(world.desk_a, "urgent but older", photo=False, urgent=True)
    closed_urgent = submit_tip(world.desk_a, "urgent, closed", photo=False, urgent=True)
    newest = submit_tip(world.desk_a, "normal and newest", photo=False)
    _age(old_urgent, 300)
    _age(closed_urgent, 200)
    _age(newest, 1)
    Tip.objects.filter(pk=closed_urgent.pk).update(status=TipStatus.CLOSED_SPAM)
    verified_login(client, world.inv_a)
    english(world.inv_a)

    page = client.get(reverse("tips_admin:index")).content.decode()
    refs = _row_refs(page)
    assert refs[0] == old_urgent.reference, "the open urgent tip is not first"
    assert refs.index(newest.reference) < refs.index(closed_urgent.reference)
    # Urgent is said in words (with an icon), not by colour alone; its row is marked.
    assert page.count('class="tips-badge tips-badge--urgent"') == 2
    assert re.search(r"tips-badge--urgent\">.*?</svg>Urgent</span>", page, re.S)
    assert page.count("tips-row--urgent") == 1  # the closed one no longer stands out
    # The two orders are offered as links, the active one marked.
    assert 'aria-current="true">Urgent first</a>' in page
    assert "ordering=-received_at" in page

    newest_first = client.get(reverse("tips_admin:index") + "?ordering=-received_at")
    assert _row_refs(newest_first.content.decode())[0] == newest.reference


@pytest.mark.django_db
def test_unread_is_a_labelled_badge_and_read_shows_no_error_icon(client, world):
    unread = submit_tip(world.desk_a, "not opened yet", photo=False)
    read = submit_tip(world.desk_a, "opened", photo=False)
    Tip.objects.filter(pk=read.pk).update(unread=False)
    verified_login(client, world.inv_a)
    english(world.inv_a)
    page = client.get(reverse("tips_admin:index")).content.decode()

    rows = {
        ref: row for row in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S) for ref in _row_refs(row)
    }
    assert (
        'tips-badge--unread"><span class="tips-dot" aria-hidden="true"></span>Unread'
        in (rows[unread.reference])
    )
    assert "tips-badge--unread" not in rows[read.reference]
    assert '<span class="w-sr-only">Read</span>' in rows[read.reference]
    for row in rows.values():
        assert "icon-cross" not in row and "icon-check" not in row


@pytest.mark.django_db
def test_admin_stylesheet_is_linked_and_keeps_references_on_one_line(client, world):
    verified_login(client, world.inv_a)
    english(world.inv_a)
    page = client.get(reverse("tips_admin:index")).content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/tips/admin\.css', page)
    css = Path(finders.find("tips/admin.css")).read_text()
    rule = re.search(r"\.tips-ref[^{]*\{([^}]*)\}", css).group(1)
    assert "white-space: nowrap" in rule
    # The locked-vault banner has its own readable colours, not a help-block link colour.
    assert 'class="tips-vault-bar tips-vault-bar--locked"' in page
    assert re.search(r"\.tips-vault-bar \.button \{[^}]*color: #fff", css)


@pytest.mark.django_db
def test_appeal_filter_lists_each_appeal_once_in_the_users_language(
    client,
    world,
    make_appeal,  # noqa: F811
):
    fr = make_appeal("fr", full_name="Jean Dupont", title="Jean Dupont (fr)", desk=world.desk_a)
    translations = [
        make_appeal(lang, title=f"Jean Dupont ({lang})", translation_of=fr, desk=world.desk_a)
        for lang in ("nl", "de", "en")
    ]
    other = make_appeal("fr", title="Marie Autre", desk=world.desk_b)
    on_fr = submit_tip(world.desk_a, "about the fr page", photo=False)
    on_nl = submit_tip(world.desk_a, "about the nl page", photo=False)
    unrelated = submit_tip(world.desk_a, "general", photo=False)
    Tip.objects.filter(pk=on_fr.pk).update(appeal=fr)
    Tip.objects.filter(pk=on_nl.pk).update(appeal=translations[0])
    verified_login(client, world.inv_a)
    english(world.inv_a)

    index = reverse("tips_admin:index")
    page = client.get(index).content.decode()
    select = re.search(r'<select name="appeal".*?</select>', page, re.S).group(0)
    assert select.count("Jean Dupont") == 1, select
    assert "Marie Autre" not in select  # another desk's appeal
    chosen = re.search(r'<option value="(\d+)"[^>]*>Jean Dupont \((\w+)\)', select)
    assert chosen.group(2) == "en"  # the user's language

    filtered = client.get(f"{index}?appeal={chosen.group(1)}").content.decode()
    refs = set(_row_refs(filtered))
    assert refs == {on_fr.reference, on_nl.reference}, "tips on every translation match"
    assert unrelated.reference not in refs
    assert other.pk  # used


@pytest.mark.django_db
def test_priority_column_sorts_urgent_first(client, world):
    normal = submit_tip(world.desk_a, "normal", photo=False)
    urgent = submit_tip(world.desk_a, "urgent", photo=False, urgent=True)
    _age(urgent, 500)
    Tip.objects.filter(pk=normal.pk).update(priority=TipPriority.HIGH)
    verified_login(client, world.inv_a)
    english(world.inv_a)
    page = client.get(reverse("tips_admin:index") + "?ordering=priority").content.decode()
    assert _row_refs(page)[0] == urgent.reference


@pytest.mark.django_db
def test_urgent_first_order_walks_an_index_not_a_sort_of_every_tip(world):
    """At 100 000 tips a sort of the desk's every row cost 300 ms a page: the database keeps
    the urgent rank itself (a generated column) and the default order reads its index."""
    from django.db import connection

    tip = submit_tip(world.desk_a, "urgent", photo=False, urgent=True)
    assert Tip.objects.get(pk=tip.pk).urgent_rank == 0
    Tip.objects.filter(pk=tip.pk).update(status=TipStatus.CLOSED_SPAM)
    assert Tip.objects.get(pk=tip.pk).urgent_rank == 1  # a closed urgent tip is not first
    queue = Tip.objects.filter(desk=world.desk_a).order_by("urgent_rank", "-received_at", "-pk")
    plan = queue[:50].explain()
    if connection.vendor == "sqlite":
        assert "tips_tip_desk_urgent" in plan
        assert "TEMP B-TREE" not in plan, plan

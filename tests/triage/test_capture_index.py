"""The capture-time order over every page of the queue (tips/admin/capture_index.py): the
listed tips' capture times are opened once per vault session and kept in an index sealed
beside the vault's keys; the order spans every page; the index is audited, bounded by a
limit, unreadable without the vault cookie and gone with the vault."""

import io
import pickle

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tips import crypto, sealing
from tips.admin import capture_index
from tips.admin.queue import TipIndexView
from tips.attachments import stage_attachment
from tips.incident import StagedMedia
from tips.keys import active_desk_key
from tips.models import TipAuditEntry
from tips.services import tip_submit

from .conftest import png_bytes, unlock, verified_login

pytestmark = pytest.mark.django_db

INDEX = reverse("tips_admin:index")
#: Capture times no other text of the tests contains: canaries for the cache scan.
T1, T2, T3 = "2026:11:28 21:02:07", "2026:11:28 21:14:07", "2026:11:28 21:30:07"
T4 = "2026:11:28 20:00:07"


def _tip(desk, what, captured=None):
    """A tip with one photo whose capture time the citizen shared (or not), sealed for real."""
    staged = stage_attachment(io.BytesIO(png_bytes()), name="p.jpg", content_type="image/jpeg")
    extra = {"kind": "photo", **({"captured_at": captured} if captured else {})}
    media = StagedMedia(**vars(staged), extra=extra)
    return tip_submit(
        desk_key=active_desk_key(desk), fields={"what": what}, attachments=[media], language="en"
    ).tip


def _t(text, **values):
    with translation.override("fr"):  # the admin's language here
        return escape(translation.gettext(text) % values if values else translation.gettext(text))


def _refs(html, tips):
    positions = {t.reference: html.index(t.reference) for t in tips if t.reference in html}
    return sorted(positions, key=positions.get)


def _previews(tip):
    return TipAuditEntry.objects.filter(action="tips.preview_decrypt", object_id=str(tip.pk))


@pytest.fixture
def small_pages(monkeypatch):
    # The viewset gives the view its page size (list_per_page): the view's answer wins.
    monkeypatch.setattr(TipIndexView, "get_paginate_by", lambda self, queryset: 2)


@pytest.fixture
def opened(monkeypatch):
    """The ids of the tips decrypted (with a desk key), in the order they were."""
    calls = []
    real = sealing.open_tip_document

    def spy(tip, desk_keys):
        calls.append(tip.pk)
        return real(tip, desk_keys)

    monkeypatch.setattr(sealing, "open_tip_document", spy)
    return calls


@pytest.fixture
def incident(world):
    """Desk A's tips by arrival: the earliest capture time arrives last; two without one.
    Desk B's tip, taken before all of them, is on a desk inv_a cannot see."""
    tips = {
        "none_1": _tip(world.desk_a, "no time shared 1"),
        "late": _tip(world.desk_a, "late", T3),
        "none_2": _tip(world.desk_a, "no time shared 2"),
        "middle": _tip(world.desk_a, "middle", T2),
        "early": _tip(world.desk_a, "early", T1),
    }
    tips["other_desk"] = _tip(world.desk_b, "other desk", T4)
    return tips


def test_the_earliest_capture_time_comes_first_over_every_page(
    client, world, incident, small_pages, opened
):
    t = incident
    verified_login(client, world.inv_a)
    unlock(client)
    pages = [client.get(INDEX + f"?captured=earliest&p={n}").content.decode() for n in (1, 2, 3)]
    everything = list(t.values())
    assert _refs(pages[0], everything) == [t["early"].reference, t["middle"].reference]
    assert _refs(pages[1], everything) == [t["late"].reference, t["none_1"].reference]
    assert _refs(pages[2], everything) == [t["none_2"].reference]  # no time: arrival order
    note = _t(
        "Ordered by when the photos and videos were taken, as the citizens shared it: "
        "earliest first over every page, then the tips without one, in the order they came."
    )
    assert note in pages[0]
    assert f'aria-current="true">{_t("Capture time")}<' in pages[0]

    # Page 1 opened every listed tip once for the index and none again for its rows; the
    # next pages reopened only their own rows (the preview). The other desk's tip: never.
    mine = [t[k] for k in ("none_1", "late", "none_2", "middle", "early")]
    first = opened[: len(mine)]
    assert sorted(first) == sorted(tip.pk for tip in mine)
    assert opened[len(mine) :] == [t[k].pk for k in ("late", "none_1", "none_2")]
    assert t["other_desk"].pk not in opened
    assert not _previews(t["other_desk"]).exists()
    # The audit stays true: one preview entry per opening.
    assert [_previews(t[k]).count() for k in ("early", "middle", "late", "none_1", "none_2")] == [
        1, 1, 2, 2, 2,
    ]  # fmt: skip


def test_a_later_visit_opens_only_the_new_tips(client, world, incident, small_pages, opened):
    t = incident
    verified_login(client, world.inv_a)
    unlock(client)
    client.get(INDEX + "?captured=earliest")
    opened.clear()
    newest = _tip(world.desk_a, "newest, taken first", "2026:11:28 20:59:07")
    html = client.get(INDEX + "?captured=earliest").content.decode()
    assert _refs(html, [newest, *t.values()]) == [newest.reference, t["early"].reference]
    # The new tip for the index (its row reuses it), the other row for its preview.
    assert opened == [newest.pk, t["early"].pk]


def test_the_index_is_sealed_under_the_vault_cookie_and_dies_with_the_vault(
    client, world, incident
):
    verified_login(client, world.inv_a)
    unlock(client)
    client.get(INDEX + "?captured=earliest")
    session_id, key_text = client.cookies["vault"].value.split(".")
    stored = cache.get(f"tips:vault:{session_id}:{capture_index.NAME}")
    assert stored  # the index is there ...
    # ... but no capture time, no id list in clear anywhere in the cache backend.
    for canary in (T1, T2, T3, "2026-11-28 21:02:07", "2026-11-28 21:14:07", '"t":{'):
        for where, blob in _cache_blobs():
            assert canary.encode() not in blob, (canary, where)
    # Without the cookie's key it does not open.
    with pytest.raises(crypto.DecryptionError):
        crypto.secret_open(crypto.new_secret_key(), stored)

    client.post(reverse("tips_admin:vault_lock"))
    assert cache.get(f"tips:vault:{session_id}:{capture_index.NAME}") is None


def _cache_blobs():
    """Every stored value of the cache backend (locmem: pickled; Redis: raw strings)."""
    backend = getattr(cache, "_cache", None)
    if isinstance(backend, dict):
        for key, value in backend.items():
            yield key, key.encode() + b"\x1f" + bytes(value)
        return
    import os

    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for key in client.scan_iter(count=1000):
        if client.type(key) == b"string":
            yield key, key + b"\x1f" + (client.get(key) or b"")
        else:
            yield key, key + b"\x1f" + pickle.dumps(client.dump(key))


def test_above_the_limit_a_filter_is_asked_for_and_the_page_is_ordered(
    client, world, incident, settings, opened
):
    settings.TIP_CAPTURE_ORDER_MAX = 4  # desk A lists five tips
    t = incident
    verified_login(client, world.inv_a)
    unlock(client)
    html = client.get(INDEX + "?captured=earliest").content.decode()
    assert (
        _t(
            "More than %(limit)s tips match: filter on the appeal first to order them all by "
            "when the photos and videos were taken. Only this page is ordered.",
            limit=4,
        )
        in html
    )
    # Only the page's rows were opened (all five fit on it), once each, and ordered.
    assert sorted(opened) == sorted(tip.pk for k, tip in t.items() if k != "other_desk")
    assert _refs(html, list(t.values()))[:3] == [
        t["early"].reference,
        t["middle"].reference,
        t["late"].reference,
    ]
    session_id = client.cookies["vault"].value.split(".")[0]
    assert cache.get(f"tips:vault:{session_id}:{capture_index.NAME}") is None


def test_locked_the_order_is_not_offered_and_nothing_opens(client, world, incident, opened):
    verified_login(client, world.inv_a)
    html = client.get(INDEX + "?captured=earliest").content.decode()
    assert _t("Unlock the vault to order by capture time: it is sealed in the tips.") in html
    assert _t("Capture time") + "<" not in html
    assert opened == []  # the locked queue opens nothing


def test_the_index_is_read_only_while_its_vault_is_alive_and_by_its_user(client, world, incident):
    from tips import vault

    verified_login(client, world.inv_a)
    unlock(client)
    client.get(INDEX + "?captured=earliest")
    value = client.cookies["vault"].value
    session = vault._SESSION
    assert session.get_extra(value, capture_index.NAME, owner=world.inv_a.pk)
    assert session.get_extra(value, capture_index.NAME, owner=world.inv_b.pk) is None
    with pytest.raises(ValueError):
        session.get_extra(value, "anything-else", owner=world.inv_a.pk)
    cache.delete("tips:vault:" + value.split(".")[0])  # what the vault's idle expiry does
    assert session.get_extra(value, capture_index.NAME, owner=world.inv_a.pk) is None
    assert not session.set_extra(value, capture_index.NAME, b"{}", owner=world.inv_a.pk)


def test_a_supervisor_lists_every_desk_but_opens_no_tip_of_a_desk_they_are_not_on(
    client, world, incident, opened
):
    verified_login(client, world.supervisor)
    unlock(client)
    html = client.get(INDEX + "?captured=earliest").content.decode()
    assert set(_refs(html, list(incident.values()))) == {t.reference for t in incident.values()}
    assert opened == []
    assert not TipAuditEntry.objects.filter(action="tips.preview_decrypt").exists()

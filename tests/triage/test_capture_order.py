"""Issue 18: an incident's tips listed by when their photos and videos were taken, as the
citizens shared it. The times are sealed: the order is offered in the unlocked vault only (its
index over every page: test_capture_index.py)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tips import demo_incident, incident
from tips.admin import capture_order
from tips.keys import active_desk_key
from tips.services import tip_submit

from .conftest import unlock, verified_login


def _media_tip(desk, what, incoming, *, keep):
    """A tip whose file went through the real cleaning (sandbox) and sealing."""
    batch = incident.clean_all([incoming], keep_when_where=keep)
    assert not batch.errors, batch.errors
    return tip_submit(
        desk_key=active_desk_key(desk),
        fields={"what": what},
        attachments=batch.staged,
        language="en",
    ).tip


def _photo(captured, seed=0):
    data = demo_incident.make_photo(captured, seed=seed)
    return incident.Incoming(
        "photo", "jpg", lambda: demo_incident._Bytes(data), lambda: demo_incident._Bytes(data)
    )


def _video(captured):
    data = demo_incident.make_video(captured)
    return incident.Incoming(
        "video", "mp4", lambda: demo_incident._Bytes(data), lambda: demo_incident._Bytes(data)
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-28T21:14:05.000000Z", "2026-11-28 21:14:05"),
        ("2026:11:28 21:09:30", "2026-11-28 21:09:30"),
        ("2026-11-28 21:09:30+01:00", "2026-11-28 21:09:30"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_capture_times_of_videos_and_photos_compare_as_written(raw, expected):
    assert capture_order.normalise(raw) == expected


def test_a_tip_is_placed_by_its_earliest_file_and_tips_without_come_last():
    document = {
        "attachments": [
            {"kind": "video", "captured_at": "2026-11-28T21:14:05Z"},
            {"kind": "poster"},
            {"kind": "photo", "captured_at": "2026:11:28 21:02:00"},
        ]
    }
    assert capture_order.earliest_capture(document) == "2026-11-28 21:02:00"
    assert capture_order.earliest_capture({"attachments": [{"kind": "photo"}]}) is None

    class Row:
        def __init__(self, name, when):
            self.name, self._captured_at = name, when

    rows = [Row("a", None), Row("b", "2026-11-28 21:30:00"), Row("c", None),
            Row("d", "2026-11-28 21:02:00")]  # fmt: skip
    assert [r.name for r in capture_order.by_capture_time(rows)] == ["d", "b", "a", "c"]


def _t(text, **values):
    """The admin's text in its language (French by default), as the page escapes it."""
    with translation.override("fr"):
        return escape(translation.gettext(text) % values if values else translation.gettext(text))


def _refs_in_order(html, tips):
    positions = {t.reference: html.index(t.reference) for t in tips if t.reference in html}
    return sorted(positions, key=positions.get)


def test_queue_orders_an_incidents_tips_by_capture_time_in_the_unlocked_vault(client, world):
    # Received in this order; taken in another; the last one's citizen shared no time.
    late_photo = _media_tip(
        world.desk_a, "photo at 21:30", _photo("2026:11:28 21:30:00"), keep=True
    )
    video = _media_tip(world.desk_a, "video at 21:14", _video("2026-11-28T21:14:05Z"), keep=True)
    early_photo = _media_tip(
        world.desk_a, "photo at 21:09", _photo("2026:11:28 21:09:30", seed=1), keep=True
    )
    unshared = _media_tip(world.desk_a, "not shared", _photo("2026:11:28 21:00:00"), keep=False)
    tips = [late_photo, video, early_photo, unshared]

    verified_login(client, world.inv_a)
    index = reverse("tips_admin:index")
    locked = client.get(index + "?captured=earliest").content.decode()
    assert _t("Unlock the vault to order by capture time: it is sealed in the tips.") in locked
    assert f">{_t('Capture time')}</a>" not in locked  # not offered while sealed
    assert "tips-captured" not in locked

    unlock(client)
    newest = client.get(index + "?ordering=-received_at").content.decode()
    assert _refs_in_order(newest, tips) == [t.reference for t in reversed(tips)]
    assert _t("Capture time") in newest

    html = client.get(index + "?ordering=-received_at&captured=earliest").content.decode()
    assert _refs_in_order(html, tips) == [
        early_photo.reference,
        video.reference,
        late_photo.reference,
        unshared.reference,
    ]
    assert (
        _t(
            "Ordered by when the photos and videos were taken, as the citizens shared it: "
            "earliest first over every page, then the tips without one, in the order they came."
        )
        in html
    )
    shown = re.findall(r'class="tips-captured">([^<]+)<', html)
    assert shown == [
        _t("Taken %(when)s", when="2026-11-28 21:09:30"),
        _t("Taken %(when)s", when="2026-11-28 21:14:05"),
        _t("Taken %(when)s", when="2026-11-28 21:30:00"),
    ]
    # The sort link is the active one.
    assert f'aria-current="true">{_t("Capture time")}<' in html

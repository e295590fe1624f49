"""tip_submit / tip_open / recovery / attachments / notification."""

import io
import json
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError

from tips import crypto, keys, receipts, selectors, services
from tips.attachments import discard_staged, open_attachment, stage_attachment, tip_storage
from tips.keys import active_desk_key
from tips.models import Attachment, Tip, TipPriority

from .conftest import PASS

CANARY = "CANARY-d41c-he-left-towards-the-station"


def _unlock(user, passphrase=PASS):
    return keys.unwrap_desk_keys(user, keys.open_personal_key(user, passphrase))


IMAGE_BYTES = b"\x89PNG fake image bytes " + CANARY.encode() * 1000


def _stage(data=IMAGE_BYTES, name="photo.png"):
    return stage_attachment(io.BytesIO(data), name=f"{CANARY}-{name}", content_type="image/png")


def _submit(desk, **kw):
    kw.setdefault("fields", {"what": f"I saw him {CANARY}", "where": "Gare du Midi"})
    kw.setdefault("language", "fr")
    return services.tip_submit(desk_key=active_desk_key(desk), **kw)


def _raw_rows():
    """Every stored value of every tips table, as bytes, straight from the database."""
    from django.db import connection

    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            if not table.startswith("tips_"):
                continue
            cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            for row in cur.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        out.append(bytes(value))
                    elif value is not None:
                        out.append(str(value).encode())
    return b"\n".join(out)


def test_submit_stores_only_ciphertext_and_member_can_read(
    ready_desk, django_capture_on_commit_callbacks
):
    staged = _stage()
    with django_capture_on_commit_callbacks(execute=True):
        sub = _submit(ready_desk["desk"], attachments=[staged], contact={"phone": "0470"})
    tip = sub.tip
    assert str(tip) == sub.reference == tip.reference
    assert tip.reference.startswith("T-") and len(tip.reference) == 8
    assert tip.received_at.second == 0 and tip.received_at.microsecond == 0
    assert tip.attachment_count == 1 and tip.priority == TipPriority.NORMAL
    assert CANARY.encode() not in _raw_rows()
    stored = tip_storage().open(staged.storage_name, "rb").read()
    assert CANARY.encode() not in stored

    doc = services.tip_open(Tip.objects.get(pk=tip.pk), _unlock(ready_desk["alice"]))
    assert CANARY in doc["fields"]["what"]
    assert doc["contact"] == {"phone": "0470"}
    assert doc["language"] == "fr" and doc["schema"] == 1 and doc["reference"] == tip.reference
    entry = doc["attachments"][0]
    assert entry["name"].startswith(CANARY) and entry["content_type"] == "image/png"
    with open_attachment(tip.attachments.get(), doc) as fh:
        assert CANARY.encode() in fh.read()


def test_receipt_is_high_entropy_and_only_its_digest_is_stored(ready_desk):
    sub = _submit(ready_desk["desk"])
    digits = receipts.normalise_receipt(sub.receipt)
    assert len(digits) == 28  # 28 decimal digits = 93 bits
    assert digits.encode() not in _raw_rows()
    assert selectors.tip_for_receipt(sub.receipt) == sub.tip
    assert selectors.tip_for_receipt(sub.receipt.replace("-", " ")) == sub.tip
    assert selectors.tip_for_receipt("0" * 28) is None
    assert selectors.tip_for_receipt("not a receipt") is None
    # The receipt-derived key pair matches the stored public key (issue 6).
    pair = receipts.receipt_keypair(sub.receipt, bytes(sub.tip.receipt_salt))
    assert pair.public_key == bytes(sub.tip.receipt_public_key)


def test_recovery_key_alone_decrypts_a_tip(ready_desk):
    sub = _submit(ready_desk["desk"])
    _, rpriv = ready_desk["recovery"]
    doc = services.tip_open_with_recovery(Tip.objects.get(pk=sub.tip.pk), rpriv)
    assert CANARY in doc["fields"]["what"]


def test_member_without_wrap_cannot_read(ready_desk, make_investigator):
    desk = ready_desk["desk"]
    bob = make_investigator("bob", desks=[desk])
    keys.grant_desk_access(desk=desk, member=bob, granter_desk_keys=_unlock(ready_desk["alice"]))
    sub = _submit(desk)
    assert CANARY in services.tip_open(sub.tip, _unlock(bob))["fields"]["what"]
    keys.revoke_desk_access(desk=desk, member=bob)
    with pytest.raises(services.TipNotReadable):
        services.tip_open(sub.tip, _unlock(bob))
    # Even with bob's personal key, nothing of the desk remains for him.
    assert _unlock(bob) == {}


def test_rotation_keeps_old_tips_readable_and_new_tips_use_new_key(ready_desk):
    desk, alice = ready_desk["desk"], ready_desk["alice"]
    old_tip = _submit(desk).tip
    new_key = keys.rotate_desk_key(desk)
    new_tip = _submit(desk).tip
    assert old_tip.desk_key_id == ready_desk["desk_key"].pk
    assert new_tip.desk_key_id == new_key.pk
    unlocked = _unlock(alice)
    for tip in (old_tip, new_tip):
        assert CANARY in services.tip_open(tip, unlocked)["fields"]["what"]
    with pytest.raises(services.TipNotReadable):
        services.tip_open(new_tip, {ready_desk["desk_key"].pk: unlocked[ready_desk["desk_key"].pk]})


def test_tip_bound_to_its_row(ready_desk):
    a, b = _submit(ready_desk["desk"]).tip, _submit(ready_desk["desk"]).tip
    a.ciphertext = b.ciphertext  # a ciphertext moved to another row does not open
    with pytest.raises(crypto.DecryptionError):
        services.tip_open(a, _unlock(ready_desk["alice"]))


def test_not_ready_without_keys(desk, recovery):
    staged = _stage()
    with pytest.raises(services.TipLineNotReady):
        _submit(desk, attachments=[staged])
    assert not tip_storage().exists(staged.storage_name)
    with pytest.raises(services.TipLineNotReady):
        _submit(None)


def test_atomic_failure_leaves_no_row_and_no_file(ready_desk):
    staged = [_stage(name="a.png"), _stage(name="b.png")]
    assert all(tip_storage().exists(s.storage_name) for s in staged)
    with (
        mock.patch.object(Attachment.objects, "bulk_create", side_effect=DatabaseError("boom")),
        pytest.raises(DatabaseError),
    ):
        _submit(ready_desk["desk"], attachments=staged)
    assert Tip.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not any(tip_storage().exists(s.storage_name) for s in staged)


def test_discard_staged(db):
    s = _stage()
    discard_staged([s])
    assert not tip_storage().exists(s.storage_name)


def test_urgent_tip_is_marked_urgent(ready_desk):
    assert _submit(ready_desk["desk"], urgent=True).tip.priority == TipPriority.URGENT


def test_notification_has_no_content_and_is_sent_once(
    ready_desk, make_investigator, django_capture_on_commit_callbacks
):
    from tips.tasks import notify_desk_new_tip

    make_investigator("bob", desks=[ready_desk["desk"]])
    with django_capture_on_commit_callbacks(execute=True):
        sub = _submit(ready_desk["desk"], urgent=True, contact={"email": "me@example.org"})
    assert len(mail.outbox) == 2
    for m in mail.outbox:
        text = m.subject + m.body
        assert sub.reference in text
        assert f"http://testserver/admin/tips/{sub.tip.pk}/" in m.body
        assert CANARY not in text and "Gare du Midi" not in text and "me@example.org" not in text
    assert {m.to[0] for m in mail.outbox} == {"alice@police.example", "bob@police.example"}
    # Re-running the task (a retry, a duplicate enqueue) sends nothing.
    notify_desk_new_tip.call(sub.tip.pk)
    notify_desk_new_tip.enqueue(sub.tip.pk)
    assert len(mail.outbox) == 2
    sub.tip.refresh_from_db()
    assert sub.tip.notified_at is not None


def test_notification_task_payload_is_the_id_only(
    ready_desk, settings, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends

    # django-tasks resets its backends when TASKS changes (setting_changed).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sub = _submit(ready_desk["desk"], urgent=True)
    (result,) = [r for r in backend.results if r.task.name == "notify_desk_new_tip"]
    assert list(result.args) == [sub.tip.pk] and result.kwargs == {}
    assert CANARY not in repr(result)
    assert result.task.priority > 0  # urgent tips jump the queue


def test_desk_key_for_appeal_never_falls_back_to_another_desk(ready_desk, make_desk, settings):
    desk = ready_desk["desk"]
    assert selectors.desk_key_for_appeal(None).desk == desk  # the configured default desk
    other = make_desk("Other")
    settings.TIP_DEFAULT_DESK_ID = other.pk  # no key: general tips are refused, not moved
    assert selectors.desk_key_for_appeal(None) is None

    class FakeAppeal:
        status = "active"

    page = FakeAppeal()
    page.desk = other
    assert selectors.desk_key_for_appeal(page) is None  # its desk cannot read: no other desk
    page.desk = desk
    assert selectors.desk_key_for_appeal(page).desk == desk


def test_export_contains_only_ciphertext(ready_desk):
    import zipfile

    sub = _submit(ready_desk["desk"], attachments=[_stage()])
    blob = services.export_tip_for_recovery(sub.tip)
    assert CANARY.encode() not in blob
    zf = zipfile.ZipFile(io.BytesIO(blob))
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["reference"] == sub.reference and len(manifest["attachments"]) == 1

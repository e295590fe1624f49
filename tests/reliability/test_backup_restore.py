"""Backup and restore, and desk-key rotation, end to end (docs/backup-restore.md).

Back up: ``pg_dump -Fc`` of the database and a copy of the encrypted attachment store.
Restore into an empty database and a new store; then a tip (text and photo) is opened with
the offline recovery key and with an investigator's vault (passphrase -> personal key ->
desk keys). Rotation: after ``rotate_desk_key``, the old tip is still readable by the member,
the new tip is sealed to the new key, and the recovery key reads both.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import DB, PASSPHRASE
from .harness import VERIFY_CODE, base_env, run_django

pytestmark = pytest.mark.services

SUBMIT_CODE = r"""
import io
from PIL import Image
from appeals.models import Desk
from tips.attachments import stage_attachment
from tips.services import tip_submit
out = io.BytesIO()
Image.new("RGB", (40, 30), (10, 200, 30)).save(out, "JPEG")
out.seek(0)
staged = [stage_attachment(out, name="photo.jpg", content_type="image/jpeg")]
desk = Desk.objects.get(name="Reliability desk")
tip = tip_submit(desk=desk, fields={"what": sys.argv[1]}, attachments=staged,
                 language="fr").tip
print(json.dumps({"pk": tip.pk, "desk_key": tip.desk_key_id}))
"""

MEMBER_OPEN_CODE = r"""
from django.contrib.auth import get_user_model
from tips import attachments, keys, services
from tips.models import Tip
user = get_user_model().objects.get(username="investigator")
desk_keys = keys.unwrap_desk_keys(user, keys.open_personal_key(user, sys.argv[1]))
opened = {}
for pk in sys.argv[2:]:
    tip = Tip.objects.get(pk=int(pk))
    document = services.tip_open(tip, desk_keys)
    photo = b""
    for attachment in tip.attachments.all():
        with attachments.open_attachment(attachment, document) as reader:
            photo = reader.read()
    opened[pk] = {"what": document["fields"]["what"], "photo": photo[:3].hex(),
                  "desk_key": tip.desk_key_id}
print(json.dumps({"opened": opened, "desk_keys": sorted(desk_keys)}))
"""

ROTATE_CODE = r"""
from appeals.models import Desk
from django.core.management import call_command
desk = Desk.objects.get(name="Reliability desk")
call_command("rotate_desk_key", "--desk", str(desk.pk), verbosity=0)
from tips.keys import active_desk_key
print(json.dumps({"active": active_desk_key(desk).pk}))
"""


def _pg(stack, tool: str, *args: str):
    subprocess.run(
        [
            str(stack.pg.bin / tool),
            "-h",
            "127.0.0.1",
            "-p",
            str(stack.pg.port),
            "-U",
            "postgres",
            *args,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def test_backup_restore_then_rotate(stack, tmp_path):
    env = stack.env(redis=False)
    old = run_django(SUBMIT_CODE, env, "BACKUP-CANARY before the backup")

    # --- back up: the database dump and the encrypted store
    dump = tmp_path / "mostwanted.dump"
    _pg(stack, "pg_dump", "-Fc", "-f", str(dump), DB)
    store_copy = tmp_path / "tipstore-backup"
    shutil.copytree(stack.storage, store_copy)
    assert b"BACKUP-CANARY" not in dump.read_bytes(), "plaintext in the database dump"
    for path in store_copy.rglob("*"):
        if path.is_file():
            assert b"BACKUP-CANARY" not in path.read_bytes()

    # --- restore into an empty database and a new store
    stack.pg.psql("DROP DATABASE IF EXISTS mostwanted_restore")
    stack.pg.psql("CREATE DATABASE mostwanted_restore")
    _pg(stack, "pg_restore", "--no-owner", "-d", "mostwanted_restore", str(dump))
    restored_store = tmp_path / "tipstore-restored"
    shutil.copytree(store_copy, restored_store)
    restored = base_env(stack.pg.url("mostwanted_restore"), restored_store)

    state = run_django(VERIFY_CODE, restored, stack.recovery)  # the offline recovery key
    whats = {t["what"] for t in state["tips"]}
    assert "BACKUP-CANARY before the backup" in whats
    assert not state["problems"] and not state["orphans"] and not state["missing"], state
    member = run_django(MEMBER_OPEN_CODE, restored, PASSPHRASE, str(old["pk"]))
    opened = member["opened"][str(old["pk"])]
    assert opened["what"] == "BACKUP-CANARY before the backup"
    assert opened["photo"] == "ffd8ff", "the restored photo does not decrypt to a JPEG"

    # --- key rotation on the restored installation
    rotated = run_django(ROTATE_CODE, restored)
    assert rotated["active"] != old["desk_key"]
    new = run_django(SUBMIT_CODE, restored, "ROTATION-CANARY after the rotation")
    assert new["desk_key"] == rotated["active"], "a new tip still uses the old key"
    member = run_django(MEMBER_OPEN_CODE, restored, PASSPHRASE, str(old["pk"]), str(new["pk"]))
    assert member["opened"][str(old["pk"])]["what"] == "BACKUP-CANARY before the backup"
    assert member["opened"][str(new["pk"])]["what"] == "ROTATION-CANARY after the rotation"
    assert {old["desk_key"], rotated["active"]} <= set(member["desk_keys"])
    state = run_django(VERIFY_CODE, restored, stack.recovery)
    assert {"BACKUP-CANARY before the backup", "ROTATION-CANARY after the rotation"} <= {
        t["what"] for t in state["tips"]
    }
    assert not state["problems"], state["problems"]
    stack.pg.psql("DROP DATABASE mostwanted_restore")
    print(
        f"\nbackup/restore: {len(state['tips'])} tips restored and opened with the recovery key,"
        " one with the investigator's vault; rotation: old and new tips readable, lost 0",
        file=sys.stderr,
    )

"""Backup and restore, and desk-key rotation, end to end (docs/backup-restore.md).

Back up: ``pg_dump -Fc`` of the database and a copy of the encrypted attachment store.
Restore into an empty database and a new store; then a tip (text and photo) is opened with
the offline recovery key and with an investigator's vault (passphrase -> personal key ->
desk keys). Rotation: after ``rotate_desk_key``, the old tip is still readable by the member,
the new tip is sealed to the new key, and the recovery key reads both.

"Checking a restore" is run from the document itself: its shell block is parsed and each
command run as written (``python`` is this interpreter, the key path the test's key file),
on the restored PostgreSQL installation, and in-process on the test database.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DB, PASSPHRASE
from .harness import ROOT, VERIFY_CODE, base_env, run_django

DOC = ROOT / "docs" / "backup-restore.md"
#: The document's placeholder for the recovery key file on the offline USB key.
DOC_KEY_PATH = "/media/offline-usb/recovery/recovery-private.json"  # the shares: test_recovery_tool


def documented_commands(section: str) -> list[list[str]]:
    """The commands of the ``sh`` blocks under ``## <section>``, as argument lists
    (continuation lines joined, comments dropped)."""
    text = DOC.read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", body, re.S):
        script = re.sub(r"\\\n\s*", " ", block)
        for line in script.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(shlex.split(line))
    return commands


def _recovery_key_file(env: dict, recovery_hex: str, path: Path) -> None:
    code = (
        "from tips import keys\nfrom tips.models import RecoveryKey\n"
        "rk = RecoveryKey.objects.filter(active=True).first()\n"
        "text = keys.recovery_key_file_text(rk, bytes.fromhex(sys.argv[1]))\n"
        "open(sys.argv[2], 'w').write(text)\n"
        "print('{}')"
    )
    run_django(code, env, recovery_hex, str(path))


def _documented_argv(command: list[str], key_file: Path) -> list[str]:
    """``python manage.py …`` of the document with this interpreter and the test's key file."""
    argv = [sys.executable, str(ROOT / "manage.py"), *command[2:]]
    return [str(key_file) if a == DOC_KEY_PATH else a for a in argv]


def check_commands() -> list[list[str]]:
    commands = documented_commands("Checking a restore")
    assert [c[:3] for c in commands] == [
        ["python", "manage.py", "export_sealed_tips"],
        ["python", "manage.py", "decrypt_export"],
    ], commands
    return commands


def assert_opened(workdir: Path, canary: str, *, photo_magic: bytes) -> None:
    """What the document promises: ``./opened/<REFERENCE>/tip.json`` and the photos; and the
    sealed files carried to the offline machine hold no plaintext."""
    opened_dirs = list((workdir / "opened").iterdir())
    documents = [json.loads((d / "tip.json").read_text()) for d in opened_dirs]
    assert canary in {d["fields"]["what"] for d in documents}
    photos = [p for d in opened_dirs for p in d.iterdir() if p.name.startswith("attachment-")]
    assert photos and all(p.read_bytes().startswith(photo_magic) for p in photos)
    for sealed in (workdir / "sealed").iterdir():
        assert canary.encode() not in sealed.read_bytes(), "the sealed export holds plaintext"


SUBMIT_CODE = r"""
import io
from PIL import Image
from appeals.models import Desk
from tips.attachments import stage_attachment
from tips.keys import active_desk_key
from tips.services import tip_submit
out = io.BytesIO()
Image.new("RGB", (40, 30), (10, 200, 30)).save(out, "JPEG")
out.seek(0)
staged = [stage_attachment(out, name="photo.jpg", content_type="image/jpeg")]
desk = Desk.objects.get(name="Reliability desk")
tip = tip_submit(desk_key=active_desk_key(desk), fields={"what": sys.argv[1]}, attachments=staged,
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


@pytest.mark.services
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
    # The trust anchor is deployed with the code, not restored from the backup: the same file.
    restored = base_env(
        stack.pg.url("mostwanted_restore"),
        restored_store,
        TIP_RECOVERY_KEY_FINGERPRINT_FILE=f"{stack.storage}-trust-fingerprints",
    )

    state = run_django(VERIFY_CODE, restored, stack.recovery)  # the offline recovery key
    whats = {t["what"] for t in state["tips"]}
    assert "BACKUP-CANARY before the backup" in whats
    assert not state["problems"] and not state["orphans"] and not state["missing"], state
    member = run_django(MEMBER_OPEN_CODE, restored, PASSPHRASE, str(old["pk"]))
    opened = member["opened"][str(old["pk"])]
    assert opened["what"] == "BACKUP-CANARY before the backup"
    assert opened["photo"] == "ffd8ff", "the restored photo does not decrypt to a JPEG"

    # --- "Checking a restore", step 2, as the document says: sealed export on the restored
    # server, then decrypt_export with the offline recovery key file, with no database.
    key_file = tmp_path / "recovery-key.txt"
    _recovery_key_file(restored, stack.recovery, key_file)
    offline = {**restored, "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-dir' / 'db'}"}
    workdir = tmp_path / "check"
    workdir.mkdir()
    export, decrypt = check_commands()
    for env_, command in ((restored, export), (offline, decrypt)):
        result = subprocess.run(  # noqa: S603 - the document's own commands
            _documented_argv(command, key_file),
            cwd=workdir,
            env=env_,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    assert_opened(workdir, "BACKUP-CANARY before the backup", photo_magic=b"\xff\xd8\xff")

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


@pytest.mark.django_db
def test_documented_recovery_check_runs_as_written(tmp_path, monkeypatch, settings):
    """Without services: the same document block, each command run in-process on the test
    database (SQLite), from a working directory like the operator's."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from PIL import Image

    from tips import keys
    from tips.attachments import stage_attachment
    from tips.keys import active_desk_key
    from tips.models import DeskMembership, Tip
    from tips.services import tip_submit

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from wagtail.models import Locale

    from appeals.models import Desk

    desk = Desk.objects.create(name="Doc desk", locale=Locale.get_default())
    recovery, private = keys.create_recovery_key()
    member = get_user_model().objects.create_user("doc-member", password="doc-member-pw-0123")
    keys.setup_vault(member, "doc member vault passphrase")
    DeskMembership.objects.create(desk=desk, user=member)
    keys.create_desk_key(desk)  # wrapped to the member and the recovery key
    key_file = tmp_path / "recovery-key.txt"
    key_file.write_text(keys.recovery_key_file_text(recovery, private))
    png = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(png, "PNG")
    png.seek(0)
    photo = stage_attachment(png, name="p.png", content_type="image/png")
    canary = "DOC-CANARY opened offline"
    tip_submit(
        desk_key=active_desk_key(desk), fields={"what": canary}, attachments=[photo], language="fr"
    )
    assert Tip.objects.count() == 1

    workdir = tmp_path / "operator"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    for command in check_commands():
        argv = _documented_argv(command, key_file)[2:]
        call_command(argv[0], *argv[1:], stdout=io.StringIO())
    assert_opened(workdir, canary, photo_magic=b"\x89PNG")

"""Management commands end to end: recovery key, desk key, submit, export, offline decrypt."""

import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command

from tips import services
from tips.attachments import stage_attachment
from tips.keys import active_desk_key
from tips.models import DeskKey, RecoveryKey

CANARY = "CANARY-91aa-commands-end-to-end"
PHOTO = b"\x89PNG\r\n\x1a\n" + CANARY.encode() * 5000


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_recovery_desk_submit_export_and_offline_decrypt(
    desk, make_investigator, tmp_path, django_assert_num_queries
):
    key_file = tmp_path / "recovery.json"
    _run("create_recovery_key", "--out", str(key_file))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    rk = RecoveryKey.objects.get(active=True)
    assert json.loads(key_file.read_text())["key_id"] == rk.key_id
    with pytest.raises(CommandError):
        _run("create_recovery_key", "--out", str(key_file))  # never overwrites
    assert RecoveryKey.objects.count() == 1

    make_investigator("member", desks=[desk])  # the ceremony: members first, then the key
    assert "v1" in _run("create_desk_key", "--desk", desk.name)
    with pytest.raises(CommandError):
        _run("create_desk_key", "--desk", str(desk.pk))
    assert "v2" in _run("rotate_desk_key", "--desk", str(desk.pk))
    assert DeskKey.objects.get(desk=desk, active=True).version == 2

    staged = stage_attachment(
        io.BytesIO(PHOTO), name="../../etc/evil.png", content_type="image/png"
    )
    sub = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": CANARY}, attachments=[staged], language="nl"
    )
    export = tmp_path / "export.zip"
    export.write_bytes(services.export_tip_for_recovery(sub.tip))
    assert CANARY.encode() not in export.read_bytes()

    out_dir = tmp_path / "out"
    with django_assert_num_queries(0):  # offline: no database needed
        _run("decrypt_export", "--key", str(key_file), "--in", str(export), "--out", str(out_dir))
    target = out_dir / sub.reference
    document = json.loads((target / "tip.json").read_text())
    assert document["fields"]["what"] == CANARY and document["language"] == "nl"
    assert (target / "attachment-1.png").read_bytes() == PHOTO
    assert stat.S_IMODE((target / "tip.json").stat().st_mode) == 0o600
    assert not (tmp_path / "etc").exists()

    # Without --out the document is printed.
    assert CANARY in _run("decrypt_export", "--key", str(key_file), "--in", str(export))


def test_decrypt_export_with_the_wrong_key_or_damaged_attachment(desk, make_investigator, tmp_path):
    import zipfile

    key_file, other = tmp_path / "k.json", tmp_path / "other.json"
    _run("create_recovery_key", "--out", str(other))
    _run("create_recovery_key", "--out", str(key_file))  # the active one
    make_investigator("member", desks=[desk])
    _run("create_desk_key", "--desk", str(desk.pk))
    staged = stage_attachment(io.BytesIO(PHOTO), name="p.png", content_type="image/png")
    sub = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": CANARY}, attachments=[staged], language="fr"
    )
    export = tmp_path / "export.zip"
    export.write_bytes(services.export_tip_for_recovery(sub.tip))
    with pytest.raises(CommandError):
        _run("decrypt_export", "--key", str(other), "--in", str(export))

    # Truncate the encrypted attachment inside the export.
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(export) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(
                info.filename, data[:-100] if info.filename.startswith("attachments/") else data
            )
    with pytest.raises(CommandError, match="damaged"):
        _run(
            "decrypt_export",
            "--key",
            str(key_file),
            "--in",
            str(damaged),
            "--out",
            str(tmp_path / "o"),
        )


def test_desk_key_commands_need_a_recovery_key_and_a_desk(desk):
    with pytest.raises(CommandError, match="recovery"):
        _run("create_desk_key", "--desk", str(desk.pk))
    with pytest.raises(CommandError, match="No desk"):
        _run("rotate_desk_key", "--desk", "no such desk")

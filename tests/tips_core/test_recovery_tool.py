"""The offline recovery tool (issue 14): no Django, no database; split key opens a tip."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tips import recovery_tool, services, trust
from tips.keys import active_desk_key
from tips.models import RecoveryKey

ROOT = Path(__file__).resolve().parents[2]
CANARY = "CANARY-recovery-tool-5521"


def _offline_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _tool(*args):
    """Run the tool as an operator would on an offline machine: a fresh Python with no
    Django settings, failing if anything imports Django."""
    code = (
        "import sys; from tips.recovery_tool import main; rc = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'the offline tool imported Django'; sys.exit(rc)"
    )
    return subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_split_key_made_offline_imported_and_opening_a_tip(tmp_path, desk, make_investigator):
    keydir = tmp_path / "ceremony"
    result = _tool("create", "--out", str(keydir), "--split", "2-of-3")
    assert result.returncode == 0, result.stderr
    private_file = keydir / "recovery-private.json"
    shares = sorted(keydir.glob("share-*.txt"))
    assert len(shares) == 3
    private_text = private_file.read_text()
    assert "private_key" not in json.loads(private_text)  # only the encrypted form
    assert oct(private_file.stat().st_mode & 0o777) == "0o600"

    # The server gets only the public half; a private file is refused.
    with pytest.raises(CommandError):
        _run("import_recovery_key", str(private_file))
    out = _run("import_recovery_key", str(keydir / "recovery-public.json"))
    rk = RecoveryKey.objects.get(active=True)
    assert f"TIP_RECOVERY_KEY_FINGERPRINT={rk.key_id}" in out
    assert rk.key_id in trust.trusted_recovery_fingerprints()

    make_investigator("member", desks=[desk])
    _run("create_desk_key", "--desk", str(desk.pk))
    sub = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": CANARY}, language="en"
    )
    export = tmp_path / "export.zip"
    export.write_bytes(services.export_tip_for_recovery(sub.tip))

    # One share is not enough; two of them (any two) open the tip.
    with pytest.raises(CommandError):
        _run(
            "decrypt_export",
            "--key",
            str(private_file),
            "--share",
            str(shares[0]),
            "--in",
            str(export),
        )
    printed = _run(
        "decrypt_export",
        "--key",
        str(private_file),
        "--share",
        str(shares[2]),
        "--share",
        str(shares[0]),
        "--in",
        str(export),
    )
    assert CANARY in printed
    check = _tool(
        "check", "--key", str(private_file), "--share", str(shares[1]), "--share", str(shares[2])
    )
    assert check.returncode == 0 and rk.key_id in check.stdout


def test_passphrase_key_offline_round_trip(tmp_path):
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse battery staple, twice over\n")
    keydir = tmp_path / "k"
    result = _tool(
        "create", "--out", str(keydir), "--passphrase-file", str(secret), "--kdf-memory-kib", "1024"
    )
    assert result.returncode == 0, result.stderr
    suite, private = recovery_tool.load_private_key(
        keydir / "recovery-private.json", passphrase="correct horse battery staple, twice over"
    )
    _suite, public, key_id = recovery_tool.load_public_key(keydir / "recovery-public.json")
    assert key_id in result.stdout
    with pytest.raises(recovery_tool.RecoveryToolError):
        recovery_tool.load_private_key(keydir / "recovery-private.json", passphrase="wrong")
    # Never overwrites an existing ceremony directory.
    again = _tool("create", "--out", str(keydir), "--split", "2-of-3")
    assert again.returncode != 0


def test_create_recovery_key_on_the_server_is_refused_in_production(settings, tmp_path, db):
    settings.TIP_RECOVERY_KEY_AUTO_TRUST = False
    with pytest.raises(CommandError, match="never made on the server"):
        _run("create_recovery_key", "--out", str(tmp_path / "k.json"))
    assert not RecoveryKey.objects.exists()


def test_imported_key_without_the_fingerprint_setting_refuses_tips(
    tmp_path, settings, desk, make_investigator
):
    settings.TIP_RECOVERY_KEY_AUTO_TRUST = False  # production: the operator sets the anchor
    settings.TIP_RECOVERY_KEY_FINGERPRINT_FILE = str(tmp_path / "none")
    assert _tool("create", "--out", str(tmp_path / "k"), "--split", "2-of-3").returncode == 0
    _run("import_recovery_key", str(tmp_path / "k" / "recovery-public.json"))
    with pytest.raises(CommandError):
        _run("create_desk_key", "--desk", str(desk.pk))
    settings.TIP_RECOVERY_KEY_FINGERPRINT = RecoveryKey.objects.get().key_id
    make_investigator("member", desks=[desk])
    _run("create_desk_key", "--desk", str(desk.pk))
    assert services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "x"}, language="en"
    ).tip.pk

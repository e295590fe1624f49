import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_manage(*args, env_overrides):
    env = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run_manage(
        "check", env_overrides={"DJANGO_SETTINGS_MODULE": "mostwanted.settings.production"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_with_production_settings_reports_no_warning():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "mostwanted.settings.production",
            "SECRET_KEY": "a-long-random-test-secret-" + "x7Qp2Lm9Zr4Tv8Wy3Bn6" * 3,
            "ALLOWED_HOSTS": "example.org",
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (security" not in output


@pytest.mark.parametrize("settings_module", ["dev", "test", "production"])
def test_every_settings_module_imports(settings_module):
    result = _run_manage(
        "check",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": f"mostwanted.settings.{settings_module}",
            "SECRET_KEY": "another-long-random-test-secret-" + "k" * 40,
        },
    )
    assert result.returncode == 0, result.stderr


def test_project_is_importable_under_its_own_name_not_site():
    import mostwanted

    assert Path(mostwanted.__file__).resolve().parent == ROOT / "site"

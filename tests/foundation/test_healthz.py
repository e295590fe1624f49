import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_ok_when_services_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"  # tip-line warnings, if any, keep it 200
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "max-age=0" in response.headers["Cache-Control"]
    )


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    # A separate process so the broken DATABASE_URL is read at start-up like in production.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mostwanted.settings.test",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["status"] == "unavailable"
    assert "database unavailable" in answer["body"]["reasons"]


def test_healthz_is_503_when_the_configured_cache_is_unreachable():
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mostwanted.settings.test",
        REDIS_URL="redis://127.0.0.1:1/0",
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:///:memory:"),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert "cache unavailable" in answer["body"]["reasons"]

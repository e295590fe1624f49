"""Wrong receipts reveal nothing: identical pages, the same Argon2id work, rate limits."""

import os
import re
import secrets
import subprocess
import sys
import textwrap

from django.test import Client
from django.urls import reverse

from tips import receipts
from tips.followup import services
from tips.keys import active_desk_key
from tips.models import TipStatus

from .conftest import open_conversation, send_tip_through_form

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _body(response) -> bytes:
    return _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', response.content)


def _purged_receipt(world):
    from tips.retention import purge_tip
    from tips.services import tip_submit

    submitted = tip_submit(
        desk_key=active_desk_key(world.desk_a), fields={"what": "gone"}, language="fr"
    )
    purge_tip(submitted.tip)
    return submitted.receipt


def test_wrong_receipts_get_identical_pages(world):
    wrong = [
        receipts.new_receipt(),  # well-formed, unknown
        receipts.new_receipt().replace("-", " "),
        "1234",  # malformed
        "not a receipt at all",
        "",
        _purged_receipt(world),  # was valid, tip purged
    ]
    bodies = set()
    for receipt in wrong:
        client = Client()
        response = open_conversation(client, receipt)
        assert response.status_code == 200
        assert "followup" not in response.cookies
        bodies.add(_body(response))
    assert len(bodies) == 1
    assert b"could not open a conversation" in bodies.pop()


def test_wrong_receipt_runs_the_same_key_derivations(world, monkeypatch):
    """Right, unknown and malformed receipts each cost exactly two Argon2id runs (lookup
    digest and key derivation), with the same parameters."""
    from tips import crypto
    from tips.services import tip_submit

    runs = []
    real = crypto.kdf._argon2

    def counting(secret, salt, length, params):
        runs.append((length, tuple(sorted((params or {}).items()))))
        return real(secret, salt, length, params)

    right = tip_submit(
        desk_key=active_desk_key(world.desk_a), fields={"what": "x"}, language="fr"
    ).receipt
    monkeypatch.setattr(crypto.kdf, "_argon2", counting)
    seen = []
    for receipt in (right, receipts.new_receipt(), "garbage", ""):
        runs.clear()
        opened = services.conversation_open(receipt=receipt)
        assert (opened is not None) == (receipt == right)
        seen.append(list(runs))
    assert len(seen[0]) == 2
    assert all(s == seen[0] for s in seen), seen


def test_closed_tip_says_the_conversation_has_ended(world):
    from tips.models import Tip

    client = Client()
    receipt = send_tip_through_form(client)
    Tip.objects.update(status=TipStatus.CLOSED_NO_ACTION)
    response = open_conversation(Client(), receipt)
    assert b"This conversation has ended" in response.content
    assert "followup" not in response.cookies


def test_every_page_is_no_store(world):
    client = Client()
    assert "no-store" in client.get(reverse("tips:followup"))["Cache-Control"]
    receipt = send_tip_through_form(client)
    response = open_conversation(client, receipt)
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get(reverse("tips:followup"))["Cache-Control"]
    proof = client.post(reverse("tips:followup_proof"), {"format": "pdf"})
    assert proof["Content-Type"] == "application/pdf" and "no-store" in proof["Cache-Control"]
    assert proof.content.startswith(b"%PDF")
    assert "no-store" in client.post(reverse("tips:followup_leave"))["Cache-Control"]


def test_rate_limit_per_source(world, settings):
    settings.TIP_FOLLOWUP_RATE_PER_SOURCE = "3/h"
    client = Client()
    codes = [open_conversation(client, receipts.new_receipt()).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert open_conversation(other, receipts.new_receipt()).status_code == 200


def test_rate_limit_global(world, settings):
    settings.TIP_FOLLOWUP_RATE_GLOBAL = "2/h"  # an hour window: no boundary inside the test
    responses = [open_conversation(Client(REMOTE_ADDR=f"198.51.100.{i}"), "x") for i in range(4)]
    # The site-wide figure sheds load (503 with Retry-After), it is not a lock-out (429).
    assert [r.status_code for r in responses] == [200, 200, 503, 503]
    assert 0 < int(responses[-1]["Retry-After"]) <= 3600


_WORKER = textwrap.dedent(
    """
    import os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "mostwanted.settings.test"
    django.setup()
    from django.conf import settings
    settings.TIP_FOLLOWUP_RATE_PER_SOURCE = "5/h"
    from django.test import RequestFactory
    from tips.followup import ratelimit
    request = RequestFactory().post("/tip/follow-up/", REMOTE_ADDR=sys.argv[1])
    print(sum(ratelimit.admit_attempt(request, "x").refused is not None for _ in range(4)))
    """
)


def test_rate_limit_holds_across_two_processes_sharing_redis(redis_url, tmp_path):
    """Two processes, one Redis: 4 + 4 attempts from one source against 5/h -> 3 refused."""
    address = f"203.0.113.{secrets.randbelow(250) + 1}"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "mostwanted.settings.test",
        # Separate processes share a limit only with the day's secret in Redis.
        "TIP_RATELIMIT_SECRET_STORE": "cache",
    }
    env.pop("DATABASE_URL", None)
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    procs = [
        subprocess.Popen(  # noqa: S603 - fixed command line
            [sys.executable, str(script), address], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    refused = 0
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        refused += int(out.strip().splitlines()[-1])
    assert refused == 3

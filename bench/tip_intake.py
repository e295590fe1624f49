"""The tip form under load: throughput against the plain form, the task queue, CPU per tip."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.parse

from . import services
from .common import (
    TARGETS,
    Unavailable,
)
from .runner import Context, record

_TIP_TEXT = (
    "I saw the man from the photo at the bus stop near the station this morning around "
    "eight. He wore a dark blue jacket with a grey hood and carried a black backpack. "
    "He got on bus 71 towards the university with a woman in her thirties, long brown "
    "hair, green coat. He looked thinner than on the photo and had a short beard. "
) * 3


def _form_fields(html: str) -> dict:
    fields = {}
    for name in ("csrfmiddlewaretoken", "form_token"):
        m = re.search(rf'name="{name}"\s+value="([^"]*)"', html) or re.search(
            rf'value="([^"]*)"\s+name="{name}"', html
        )
        if m:
            fields[name] = m.group(1)
    return fields


class _Session:
    """One keep-alive connection with its cookies, like one browser."""

    def __init__(self, port: int, source: str | None = None):
        # ``source``: a loopback address of its own (127.0.0.2, ...), seen by nginx as a
        # distinct client, subject to the per-source limits (127.0.0.1 is exempt).
        self.source = (source, 0) if source else None
        self.conn = self._connect(port)
        self.cookies: dict[str, str] = {}

    def _connect(self, port: int):
        return http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=self.source)

    def _headers(self, extra=None):
        headers = {"Host": f"127.0.0.1:{self.conn.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def request(self, method, path, body=None, headers=None):
        try:
            self.conn.request(method, path, body=body, headers=self._headers(headers))
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = self._connect(self.conn.port)
            self.conn.request(method, path, body=body, headers=self._headers(headers))
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data


def _one_tip(session: _Session, path: str, extra: dict) -> bool:
    status, body = session.request("GET", path)
    if status != 200:
        return False
    data = _tip_data({**extra, **_form_fields(body.decode("utf-8", "replace"))})
    body = urllib.parse.urlencode(data).encode()
    status, _resp = session.request(
        "POST",
        path,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status == 200


def _tip_throughput(ctx: Context, path: str, extra: dict, duration: float, clients: int):
    """``clients`` threads, each a browser sending tips back to back for ``duration`` s."""
    done = []
    failures = []
    stop_at = time.monotonic() + duration

    def loop():
        session = _Session(ctx.ports["proxy"])
        ok = bad = 0
        while time.monotonic() < stop_at:
            if _one_tip(session, path, extra):
                ok += 1
            else:
                bad += 1
        done.append(ok)
        failures.append(bad)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - t0
    return elapsed, sum(done), sum(failures)


def _queued_tasks() -> int:
    """Tasks waiting for the worker (the desk notifications of the tips just sent)."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(status="READY").count()
    finally:
        connections.close_all()


def _drain_tasks(ctx: Context, timeout: float = 120.0) -> tuple[int, float]:
    """Wait until the worker has run every queued task: (backlog found, seconds it took)."""
    t0 = time.monotonic()
    backlog = _queued_tasks()
    while _queued_tasks() and time.monotonic() - t0 < timeout:
        if ctx.worker.popen.poll() is not None:
            raise RuntimeError(f"the task worker exited; see {ctx.worker.log}")
        time.sleep(0.2)
    return backlog, time.monotonic() - t0


def _row_padding(ctx: Context) -> int:
    """Bytes to add to a plain row so it is as large as a real tip row of the same text."""
    from tips import selectors
    from tips import services as tip_services

    fields = {
        "what": _TIP_TEXT,
        "when_date": "2025-05-31",
        "when_time": "08:10",
        "place": "Bus stop Gare Centrale, Brussels",
        "how_known": "I saw him myself",
    }
    tip = tip_services.tip_submit(
        desk_key=selectors.desk_key_for_appeal(None), fields=fields, language="fr"
    ).tip
    real = (
        len(bytes(tip.ciphertext))
        + len(bytes(tip.receipt_digest))
        + len(bytes(tip.receipt_salt))
        + len(bytes(tip.receipt_public_key))
        + len(tip.suite)
        + len(tip.receipt_suite)
    )
    plain = sum(len(v.encode()) for v in fields.values())
    return max(0, real - plain)


def _tip_data(fields: dict) -> dict:
    return {
        "what": _TIP_TEXT,
        "when_date": "2025-05-31",
        "when_time": "08:10",
        "place": "Bus stop Gare Centrale, Brussels",
        "how_known": "I saw him myself",
        "contact": "",
        **fields,
    }


def _cpu_per_tip(paths: dict, tips: int) -> dict:
    """CPU milliseconds (this process, median) for one tip (GET + POST) through the Django test
    client on each path, alternating: the same middleware, views, database and cache as the
    gunicorn workers, but no network, no proxy and no other process. Less sensitive than
    tips/s to the load other programs put on the machine (it counts no waiting)."""
    from django.test import Client

    samples = {name: [] for name in paths}
    clients = {name: Client(enforce_csrf_checks=True) for name in paths}
    for i in range(tips + 3):
        for name, path in paths.items():
            client = clients[name]
            t0 = time.process_time()
            page = client.get(path)
            data = _tip_data(_form_fields(page.content.decode("utf-8", "replace")))
            answer = client.post(path, data)
            spent = time.process_time() - t0
            if page.status_code != 200 or answer.status_code != 200:
                raise RuntimeError(f"{path} answered {page.status_code}/{answer.status_code}")
            if i >= 3:  # the first tips warm caches and connections
                samples[name].append(spent * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def tips(ctx: Context) -> dict:
    """The real form against the plain one, in alternating rounds on the same processes.

    Rounds alternate (plain then real, real then plain, ...) so that the load other programs
    put on the machine weighs on both forms alike. After each round of real tips the task
    worker is left to finish the desk notifications those tips queued (the worker runs all
    along, on the same cores and the same database, so its work during the round is counted);
    the backlog it still had, and how long it took, are reported.
    """
    try:
        from django.urls import reverse

        from bench.urls import PLAIN_PATH
        from tips import services as tip_services  # noqa: F401

        real_path = reverse("tips:submit")
    except Exception as exc:
        raise Unavailable(f"tip form not importable ({type(exc).__name__})") from exc
    services.warm(ctx.url("gunicorn", real_path), 2 * ctx.web_workers)
    services.warm(ctx.url("gunicorn", PLAIN_PATH), 2 * ctx.web_workers)
    clients = 4 if ctx.quick else 8
    rounds = 1 if ctx.quick else 4
    duration = ctx.duration(8, 3)
    ok_probe = _one_tip(_Session(ctx.ports["proxy"]), real_path, {})
    if not ok_probe:
        raise RuntimeError("the real tip form did not accept a valid tip")
    if not _one_tip(_Session(ctx.ports["proxy"]), PLAIN_PATH, {}):
        raise RuntimeError("the plain reference form did not accept a tip")
    _drain_tasks(ctx)
    totals = {"real": [0.0, 0, 0], "plain": [0.0, 0, 0]}
    round_ratios = []
    backlogs = []
    drains = []
    for n in range(rounds):
        order = ("plain", "real") if n % 2 == 0 else ("real", "plain")
        rates = {}
        for form in order:
            path = real_path if form == "real" else PLAIN_PATH
            elapsed, sent, failed = _tip_throughput(ctx, path, {}, duration, clients)
            totals[form][0] += elapsed
            totals[form][1] += sent
            totals[form][2] += failed
            rates[form] = sent / elapsed
            if form == "real":
                backlog, drain_s = _drain_tasks(ctx)
                backlogs.append(backlog)
                drains.append(drain_s)
        round_ratios.append(rates["real"] / rates["plain"] if rates["plain"] else 0.0)
    real_rate = totals["real"][1] / totals["real"][0]
    plain_rate = totals["plain"][1] / totals["plain"][0]
    ratio = real_rate / plain_rate if plain_rate else None
    cpu = _cpu_per_tip({"real": real_path, "plain": PLAIN_PATH}, 10 if ctx.quick else 40)
    _drain_tasks(ctx)
    return record(
        "tips",
        round(real_rate, 1),
        "tips/s",
        reference="plain form",
        ratio=ratio,
        target=TARGETS["tips"],
        met=None if ratio is None else ratio >= 0.7,
        plain_tips_s=round(plain_rate, 1),
        real_sent=totals["real"][1],
        real_failed=totals["real"][2],
        plain_sent=totals["plain"][1],
        plain_failed=totals["plain"][2],
        clients=clients,
        rounds=rounds,
        round_s=duration,
        round_ratios="/".join(f"{r:.2f}" for r in round_ratios),
        cpu_ms_per_tip_real=round(cpu["real"], 1),
        cpu_ms_per_tip_plain=round(cpu["plain"], 1),
        cpu_ratio=round(cpu["plain"] / cpu["real"], 2),
        notify_backlog_max=max(backlogs),
        notify_drain_s_max=round(max(drains), 2),
        row_padding_bytes=int(ctx.env.get("BENCH_PLAIN_ROW_PADDING", 0)),
        note="each tip = GET form + POST, through nginx, both under /tip/",
    )

"""The benchmark scenarios (see bench/README.md). Each returns one record."""

from __future__ import annotations

import http.client
import importlib
import io
import os
import re
import statistics
import threading
import time
import urllib.parse
from pathlib import Path

from . import services, wrk
from .runner import Context, record

TARGETS = {
    "static": "reference",
    "proxy": "≥ 0.5× static",
    "origin-cached": "≥ 5× origin-uncached",
    "origin-uncached": "≤ 15 queries per page",
    "publish-visible": "< 1 s",
    "tips": "≥ 0.7× plain form",
    "upload": "≤ 80 MB growth; sanitise 12 MP < 0.5 s",
    "queue": "median < 60 ms, constant queries",
    "spike": "0 errors",
    "store": "reported (S3 ÷ local)",
    "sandbox": "< 2 s CPU and < 256 MB per file",
    "flood": "all genuine tips accepted",
    "slow-clients": "all genuine tips accepted",
    "tus-upload": "≥ 0.5× nginx to disk; worker growth ≤ 64 MB",
    "tus-resume": "< one chunk",
    "video-remux": "reported",
}


_IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


class Unavailable(Exception):
    """The scenario cannot run here (a feature or tool is missing): reported, not faked."""


# --------------------------------------------------------------------------- setup


def _django():
    import django

    django.setup()


def setup(ctx: Context) -> None:
    """Database, static files, demo content, keys; then gunicorn, the worker and nginx."""
    _django()
    from django.core.management import call_command
    from django.test import override_settings

    t0 = time.monotonic()
    # Set-up work runs its tasks (search index, references) inline, so that the worker
    # starts with an empty queue and the scenarios measure only their own tasks.
    with override_settings(TASKS={"default": {"BACKEND": _IMMEDIATE}}):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        with open(os.devnull, "w") as devnull:
            try:
                call_command("load_demo_content", stdout=devnull)
            except Exception as exc:  # noqa: BLE001 - reported by the scenarios that need it
                print(f"bench: demo content unavailable ({type(exc).__name__})")
        _site_and_urls(ctx)
        _tip_line_keys(ctx)
        try:  # the plain reference form pads its rows to the size of a real tip row
            ctx.env["BENCH_PLAIN_ROW_PADDING"] = str(_row_padding(ctx))
        except Exception as exc:  # noqa: BLE001 - the tips scenario reports it
            print(f"bench: could not seal a reference tip ({type(exc).__name__})")
    print(f"bench: set up in {time.monotonic() - t0:.0f}s; appeal page {ctx.appeal_url}")

    from django.db import connections

    connections.close_all()
    ctx.static_site = ctx.dir / "static-site"
    ctx.static_site.mkdir()
    ctx.nginx_root = ctx.dir / "nginx"
    ctx.nginx_root.mkdir()
    from django.conf import settings

    conf = services.nginx_config(
        ctx.nginx_root,
        upstream_port=ctx.ports["gunicorn"],
        proxy_port=ctx.ports["proxy"],
        static_port=ctx.ports["static"],
        refresh_port=ctx.ports["refresh"],
        static_site=ctx.static_site,
        static_root=Path(settings.STATIC_ROOT),
        media_root=Path(settings.MEDIA_ROOT),
        workers=ctx.cpus,
    )
    ctx.nginx = ctx.start(services.nginx(conf, ctx.nginx_root))
    ctx.gunicorn = ctx.start(
        services.gunicorn(
            ctx.env, ctx.ports["gunicorn"], ctx.web_workers, ctx.logs / "gunicorn.log"
        )
    )
    ctx.worker = ctx.start(services.task_worker(ctx.env, ctx.logs / "worker.log"))
    services.wait_http(ctx.url("proxy", "/healthz"), proc=ctx.nginx)
    _wait_for_worker(ctx)
    if ctx.appeal_url:
        services.warm(ctx.url("gunicorn", ctx.appeal_url), 2 * ctx.web_workers)


def _wait_for_worker(ctx: Context, timeout: float = 90.0) -> None:
    """Enqueue a no-op task (an empty frontend-cache purge) and wait until the worker ran it."""
    from django_tasks import TaskResultStatus
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    result = purge_urls_from_cache_task.enqueue(["http://127.0.0.1/"], {}, None)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result.refresh()
        if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            return
        if ctx.worker.popen.poll() is not None:
            raise RuntimeError(f"the task worker exited; see {ctx.worker.log}")
        time.sleep(0.2)
    raise RuntimeError("the task worker did not run a task in time")


def _site_and_urls(ctx: Context) -> None:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        # Full URLs (and so refresh requests) use the proxy's host and port, like production.
        site.hostname = "127.0.0.1"
        site.port = ctx.ports["proxy"]
        site.save()
    try:
        from appeals.models import AppealIndexPage, AppealPage
    except ImportError:
        return
    appeals = (
        AppealPage.objects.live().filter(locale__language_code="fr", status="active").order_by("pk")
    )
    best = None
    best_photos = -1
    for appeal in appeals:
        count = appeal.photos.count() if hasattr(appeal, "photos") else 0
        if count > best_photos:
            best, best_photos = appeal, count
    index = AppealIndexPage.objects.live().filter(locale__language_code="fr").first()
    if best is not None:
        ctx.appeal = best
        ctx.appeal_url = best.url
        ctx.appeal_photos = best_photos
    if index is not None:
        ctx.index_url = index.url


def _tip_line_keys(ctx: Context) -> None:
    """A recovery key and a key for every desk, as an operator would create them."""
    try:
        from wagtail.models import Locale

        from appeals.models import Desk
        from tips import keys
    except ImportError:
        return
    if keys.active_recovery_key() is None:
        keys.create_recovery_key()  # the private half is simply dropped: a throw-away key
    locale = Locale.get_default()
    desks = list(Desk.objects.filter(locale=locale))
    if not desks:
        desks = [Desk.objects.create(name="Benchmark desk", locale=locale)]
    for desk in desks:
        if keys.active_desk_key(desk) is None:
            keys.create_desk_key(desk)
    ctx.desk = desks[0]


def _need_appeal(ctx: Context) -> None:
    if not ctx.appeal_url:
        raise Unavailable("no published appeal page (appeals app or demo content missing)")


def _fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {}
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _warm(url: str, header: str | None = None, value: str | None = None, tries: int = 20) -> None:
    for _ in range(tries):
        status, headers, _body = _fetch(url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        if header is None or headers.get(header, "").upper() == (value or "").upper():
            return
        time.sleep(0.05)


# --------------------------------------------------------------------------- scenarios


def static(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    status, _headers, body = _fetch(ctx.url("gunicorn", ctx.appeal_url))
    if status != 200:
        raise RuntimeError(f"appeal page answered {status}")
    (ctx.static_site / "appeal.html").write_bytes(body)
    res = wrk.run(ctx.url("static", "/appeal.html"), connections=50, duration=ctx.duration(10))
    ctx.static_rps = res["req_s"]
    return record(
        "static",
        res["req_s"],
        "req/s",
        target=TARGETS["static"],
        p50_ms=res["p50_ms"],
        p99_ms=res["p99_ms"],
        errors=res["errors"],
        page_bytes=len(body),
    )


def proxy(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    url = ctx.url("proxy", ctx.appeal_url)
    _warm(url, "X-Cache", "HIT")
    res = wrk.run(url, connections=50, duration=ctx.duration(10))
    ratio = res["req_s"] / ctx.static_rps if getattr(ctx, "static_rps", 0) else None
    return record(
        "proxy",
        res["req_s"],
        "req/s",
        reference="static",
        ratio=ratio,
        target=TARGETS["proxy"],
        met=None if ratio is None else ratio >= 0.5,
        p50_ms=res["p50_ms"],
        p99_ms=res["p99_ms"],
        errors=res["errors"],
    )


def _queries(path: str) -> tuple[int, int]:
    """(status, number of SQL queries) rendering ``path`` in-process, page cache off."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(PAGE_CACHE_ENABLED=False):
        client = Client(SERVER_NAME="127.0.0.1")
        client.get(path)  # warm per-process caches (site root paths, translations)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    return response.status_code, len(captured.captured_queries)


def origin_uncached(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    from appeals.models import AppealPage

    # Query counts, in-process: the chosen appeal (most photos), the one with fewest photos,
    # the index, and the index's second page.
    details = {}
    appeals = list(AppealPage.objects.live().filter(locale__language_code="fr").order_by("pk"))
    counts = sorted((a.photos.count(), a.url) for a in appeals)
    _status, details["queries_appeal_most_photos"] = _queries(ctx.appeal_url)
    details["photos_most"] = ctx.appeal_photos
    _status, details["queries_appeal_fewest_photos"] = _queries(counts[0][1])
    details["photos_fewest"] = counts[0][0]
    if ctx.index_url:
        _status, details["queries_index"] = _queries(ctx.index_url)
        _status, details["queries_index_page2"] = _queries(ctx.index_url + "?page=2")
    queries = [v for k, v in details.items() if k.startswith("queries_")]
    from django.db import connections

    connections.close_all()

    # Throughput: a gunicorn with the app-level page cache off, nothing else running on it.
    proc = ctx.start(
        services.gunicorn(
            ctx.env,
            ctx.ports["uncached"],
            ctx.web_workers,
            ctx.logs / "gunicorn-uncached.log",
            extra_env={"PAGE_CACHE_ENABLED": "0"},
        )
    )
    try:
        for path in (ctx.appeal_url, ctx.index_url):
            if path:
                services.warm(ctx.url("uncached", path), ctx.web_workers * (1 if ctx.quick else 3))
        appeal = wrk.run(
            ctx.url("uncached", ctx.appeal_url), connections=16, duration=ctx.duration(10, 4)
        )
        index = (
            wrk.run(
                ctx.url("uncached", ctx.index_url), connections=16, duration=ctx.duration(10, 4)
            )
            if ctx.index_url
            else None
        )
    finally:
        ctx.stop(proc)
    ctx.uncached_rps = appeal["req_s"]
    details.update(
        p50_ms=appeal["p50_ms"],
        p99_ms=appeal["p99_ms"],
        errors=appeal["errors"],
    )
    if index:
        details.update(
            index_req_s=index["req_s"], index_p50_ms=index["p50_ms"], index_p99_ms=index["p99_ms"]
        )
    return record(
        "origin-uncached",
        appeal["req_s"],
        "req/s",
        target=TARGETS["origin-uncached"],
        met=max(queries) <= 15,
        **details,
    )


def origin_cached(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    url = ctx.url("gunicorn", ctx.appeal_url)
    _warm(url, "X-Page-Cache", "hit")
    res = wrk.run(url, connections=16, duration=ctx.duration(10))
    ctx.cached_rps = res["req_s"]
    return record(
        "origin-cached",
        res["req_s"],
        "req/s",
        reference="origin-uncached",
        target=TARGETS["origin-cached"],
        p50_ms=res["p50_ms"],
        p99_ms=res["p99_ms"],
        errors=res["errors"],
    )


def publish_visible(ctx: Context) -> dict:
    _need_appeal(ctx)
    from django.db import connections

    from appeals.models import AppealPage

    url = ctx.url("proxy", ctx.appeal_url)
    rounds = 2 if ctx.quick else 5
    timings = []
    for i in range(rounds):
        _warm(url, "X-Cache", "HIT")
        page = AppealPage.objects.get(pk=ctx.appeal.pk)
        marker = f"Bench{int(time.time() * 1000)}r{i}"
        # A field the appeal page renders as is (the reward text; the title is not shown).
        field = "reward" if hasattr(page, "reward") else "title"
        setattr(page, field, f"Reward change {marker}")
        revision = page.save_revision()
        connections.close_all()
        t0 = time.monotonic()
        revision.publish()
        seen = None
        while time.monotonic() - t0 < 15:
            _status, _headers, body = _fetch(url)
            if marker.encode() in body:
                seen = time.monotonic() - t0
                break
            time.sleep(0.01)
        if seen is None:
            raise RuntimeError("the change never became visible through the proxy")
        timings.append(seen)
    median = statistics.median(timings)
    return record(
        "publish-visible",
        round(median, 3),
        "s",
        target=TARGETS["publish-visible"],
        met=max(timings) < 1.0,
        rounds=rounds,
        max_s=round(max(timings), 3),
        path="publish -> on_commit -> refresh thread (page) -> nginx refresh",
    )


# --------------------------------------------------------------------------- tips

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
        desk=selectors.desk_for_appeal(None), fields=fields, language="fr"
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


# --------------------------------------------------------------------------- upload


def _noise_jpeg(width: int, height: int, quality: int) -> bytes:
    from PIL import Image

    noise = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=quality, subsampling=0)
    return out.getvalue()


def _photo_jpeg(width: int, height: int) -> bytes:
    """A camera-like 12 MP JPEG: gradients plus grain, with EXIF (GPS) to strip."""
    from PIL import Image

    small = Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3))
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.frombytes("L", (width, height), os.urandom(width * height)).convert("RGB")
    image = Image.blend(image, grain, 0.08)
    exif = Image.Exif()
    exif[0x010E] = "benchmark photo"  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def _memory_kib(pid: int) -> dict:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def _multipart(fields: dict, files: list[tuple[str, str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----mostwantedbench" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        )
    for name, filename, ctype, data in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(ctx: Context) -> dict:
    try:
        from django.urls import reverse

        from tips.sanitize import sanitize_image

        path = reverse("tips:submit")
    except Exception as exc:
        raise Unavailable(f"tip form or sanitiser missing ({type(exc).__name__})") from exc
    from django.conf import settings

    # 1. Sanitising a 12-megapixel JPEG, in-process (the same function the view calls).
    photo = _photo_jpeg(4000, 3000)
    max_pixels = int(getattr(settings, "TIP_MAX_IMAGE_PIXELS", 50_000_000))
    timings = []
    for _ in range(2 if ctx.quick else 5):
        t0 = time.perf_counter()
        sanitize_image(io.BytesIO(photo), max_pixels=max_pixels)
        timings.append(time.perf_counter() - t0)
    sanitise_s = statistics.median(timings)

    # 2. A 25 MB photo tip, to a one-worker gunicorn whose memory we watch.
    limit = int(getattr(settings, "TIP_MAX_FILE_BYTES", 25 * 1024 * 1024))
    # Noise does not compress: about 4 bytes per pixel at quality 100, so ~6 MP is ~25 MB.
    width, height = 2900, 2175
    big = _noise_jpeg(width, height, 100)
    while len(big) > limit - 100_000:
        width, height = int(width * 0.98), int(height * 0.98)
        big = _noise_jpeg(width, height, 100)
    proc = ctx.start(
        services.gunicorn(ctx.env, ctx.ports["upload"], 1, ctx.logs / "gunicorn-upload.log")
    )
    try:
        workers = services.gunicorn_worker_pids(proc.pid)
        if not workers:
            raise RuntimeError("no gunicorn worker process found")
        worker = workers[0]
        session = _Session(ctx.ports["upload"])
        _one_tip(session, path, {})  # warm the worker (imports, templates, connections)
        status, body = session.request("GET", path)
        fields = _form_fields(body.decode("utf-8", "replace"))
        try:
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the peak (VmHWM)
            reset = True
        except OSError:
            reset = False
        before = _memory_kib(worker)
        form = {
            "what": _TIP_TEXT,
            "place": "Brussels",
            "how_known": "my own photo",
            "contact": "",
            **fields,
        }
        payload, ctype = _multipart(form, [("photos", "IMG_0001.JPG", "image/jpeg", big)])
        t0 = time.monotonic()
        status, resp = session.request("POST", path, body=payload, headers={"Content-Type": ctype})
        elapsed = time.monotonic() - t0
        after = _memory_kib(worker)
    finally:
        ctx.stop(proc)
    if status != 200:
        raise RuntimeError(f"the photo tip was refused (HTTP {status})")
    growth_mb = (after["VmHWM"] - before["VmRSS"]) / 1024
    return record(
        "upload",
        round(growth_mb, 1),
        "MB peak growth",
        target=TARGETS["upload"],
        met=growth_mb <= 80 and sanitise_s < 0.5,
        upload_mb=round(len(big) / 1e6, 1),
        upload_s=round(elapsed, 2),
        sanitise_12mp_s=round(sanitise_s, 3),
        baseline_rss_mb=round(before["VmRSS"] / 1024, 1),
        peak_reset=reset,
    )


# --------------------------------------------------------------------------- queue


def _generate_tips(ctx: Context, total: int) -> None:
    """Bulk-create tips with ciphertexts of realistic sizes (not decryptable: metadata only)."""
    import datetime as dt
    import random
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from tips import keys
    from tips.models import Tip, TipPriority, TipStatus

    rng = random.Random(7)  # noqa: S311 (not security: spreading test data)
    desk = ctx.desk
    desk_key = keys.active_desk_key(desk)
    recovery = keys.active_recovery_key()
    statuses = list(TipStatus.values)
    priorities = list(TipPriority.values)
    now = timezone.now()
    existing = Tip.objects.count()
    batch = []
    for i in range(existing, total):
        size = rng.choice((1400, 1800, 2600, 4200, 9000))
        batch.append(
            Tip(
                reference=secrets.token_hex(8)[:16],
                desk=desk,
                desk_key=desk_key,
                recovery_key=recovery,
                suite=desk_key.suite,
                ciphertext=os.urandom(size),
                received_at=now - dt.timedelta(minutes=i * 7 + rng.randint(0, 6)),
                status=rng.choice(statuses),
                priority=rng.choice(priorities),
                unread=rng.random() < 0.2,
                language=rng.choice(("fr", "nl", "de", "en")),
                document_size=size,
                receipt_digest=os.urandom(32),
                receipt_salt=os.urandom(16),
                receipt_public_key=os.urandom(32),
                receipt_suite=desk_key.suite,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Tip.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            Tip.objects.bulk_create(batch)
    _drop_cached_tip_counts()


def _drop_cached_tip_counts() -> None:
    """bulk_create sends no signal: drop the cached queue counts as a new tip would."""
    try:
        from tips.admin import counts
    except ImportError:
        return
    counts.invalidate()


def _queue_client(ctx: Context):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tips import keys
    from tips.models import DeskMembership

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-investigator").first()
    if user is None:
        user = user_model.objects.create_user(
            username="bench-investigator", password=os.urandom(16).hex()
        )
        group = Group.objects.filter(name="Investigators").first()
        if group is not None:
            user.groups.add(group)
        DeskMembership.objects.create(desk=ctx.desk, user=user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    del keys
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _measure_listing(client, url: str, rounds: int, cold=False) -> tuple[float, int, int]:
    """Median time and queries of the listing; ``cold``: the cached counts are dropped
    before each request (as after every new tip or status change)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"tip listing answered {response.status_code}")
    times = []
    queries = 0
    for _ in range(rounds):
        if cold:
            _drop_cached_tip_counts()
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        queries = len(captured.captured_queries)
    return statistics.median(times) * 1000, queries, response.status_code


def queue(ctx: Context) -> dict:
    try:
        from django.urls import reverse

        url = reverse("tips_admin:index")
        from tips.models import Tip  # noqa: F401
    except Exception as exc:
        raise Unavailable(f"triage listing not available ({type(exc).__name__})") from exc
    total = 2_000 if ctx.quick else 100_000
    client = _queue_client(ctx)
    _generate_tips(ctx, 1_000)
    small_ms, small_q, _ = _measure_listing(client, url, 3 if ctx.quick else 10)
    t0 = time.monotonic()
    _generate_tips(ctx, total)
    generated_s = time.monotonic() - t0
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tips_tip")
    rounds = 5 if ctx.quick else 30
    median_ms, queries, _ = _measure_listing(client, url, rounds)
    filtered_ms, filtered_q, _ = _measure_listing(
        client, url + "?status=new&priority=urgent", rounds
    )
    cold_ms, cold_q, _ = _measure_listing(client, url, rounds, cold=True)
    from tips.models import Tip

    return record(
        "queue",
        round(median_ms, 1),
        "ms median",
        target=TARGETS["queue"],
        met=median_ms < 60 and queries == small_q,
        tips=Tip.objects.count(),
        queries=queries,
        queries_at_1000=small_q,
        median_at_1000_ms=round(small_ms, 1),
        filtered_median_ms=round(filtered_ms, 1),
        filtered_queries=filtered_q,
        counts_uncached_median_ms=round(cold_ms, 1),
        counts_uncached_queries=cold_q,
        generate_s=round(generated_s, 1),
        view="locked listing (metadata), in-process",
    )


# --------------------------------------------------------------------------- spike


def spike(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    url = ctx.url("proxy", ctx.appeal_url)
    _warm(url, "X-Cache", "HIT")
    res = wrk.run(url, connections=500, duration=ctx.duration(20, 3), threads=2, timeout=10)
    return record(
        "spike",
        res["errors"],
        "errors",
        target=TARGETS["spike"],
        met=res["errors"] == 0,
        p99_ms=res["p99_ms"],
        p50_ms=res["p50_ms"],
        req_s=res["req_s"],
        requests=res["requests"],
        connections=500,
    )


def _store_scenario(ctx: Context) -> dict:
    from .store import store

    return store(ctx)


def _flood_scenario(ctx: Context) -> dict:
    from .flood import flood

    return flood(ctx)


def _slow_clients_scenario(ctx: Context) -> dict:
    from .flood import slow_clients

    return slow_clients(ctx)


def _lazy(module, name):
    def run(ctx: Context) -> dict:
        return getattr(importlib.import_module(f"bench.{module}"), name)(ctx)

    return run


SCENARIOS = {
    "static": static,
    "proxy": proxy,
    "origin-cached": origin_cached,
    "origin-uncached": origin_uncached,
    "publish-visible": publish_visible,
    "tips": tips,
    "upload": upload,
    "queue": queue,
    "spike": spike,
    "store": _store_scenario,
    "sandbox": _lazy("hostile", "sandbox"),
    "flood": _flood_scenario,
    "slow-clients": _slow_clients_scenario,
    "tus-upload": _lazy("incident", "tus_upload"),
    "tus-upload-s3": _lazy("incident_load", "tus_upload_s3"),
    "tus-concurrent": _lazy("incident_load", "tus_concurrent"),
    "tus-resume": _lazy("incident", "tus_resume"),
    "video-remux": _lazy("incident_video", "video_remux"),
}

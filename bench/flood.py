"""Scenario "flood": one source (127.0.0.2) posts the tip form at full speed with only a
CSRF pair, while 8 genuine clients (127.0.0.3, ...), each a browser at a human pace, load the
form and send tips through the shipped nginx configuration. Figures only: how many genuine
tips were accepted, their p99 (GET form + POST), and what the flood got."""

from __future__ import annotations

import threading
import time
import urllib.parse

from .runner import record

TARGET = "all genuine tips accepted"


def _p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def flood(ctx) -> dict:
    from django.urls import reverse

    from .scenarios import _form_fields, _one_tip, _Session

    path = reverse("tips:submit")
    port = ctx.ports["proxy"]
    genuine_clients, tips_each = 8, (2 if ctx.quick else 6)
    stop = threading.Event()
    flood_statuses: dict[int, int] = {}

    def flooder():
        session = _Session(port, source="127.0.0.2")
        _status, body = session.request("GET", path)
        fields = _form_fields(body.decode("utf-8", "replace"))
        junk = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", "")}
        ).encode()
        while not stop.is_set():
            status, _ = session.request(
                "POST",
                path,
                body=junk,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            flood_statuses[status] = flood_statuses.get(status, 0) + 1

    latencies: list[float] = []
    accepted = []

    def genuine(n: int):
        session = _Session(port, source=f"127.0.0.{3 + n}")
        for i in range(tips_each):
            t0 = time.monotonic()
            ok = _one_tip(session, path, {"what": f"Genuine tip {n}.{i}: seen at the station"})
            latencies.append(time.monotonic() - t0)
            accepted.append(ok)
            time.sleep(1.0)  # a person, not a script

    attacker = threading.Thread(target=flooder)
    attacker.start()
    time.sleep(1.0)  # the flood is on before the first genuine tip
    threads = [threading.Thread(target=genuine, args=(n,)) for n in range(genuine_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    attacker.join()
    total = genuine_clients * tips_each
    return record(
        "flood",
        sum(accepted),
        f"of {total} genuine tips accepted",
        target=TARGET,
        met=sum(accepted) == total,
        p99_ms=round(_p99(latencies) * 1000, 1),
        flood_requests=sum(flood_statuses.values()),
        flood_statuses=dict(sorted(flood_statuses.items())),
    )


def slow_clients(ctx) -> dict:
    """Scenario "slow-clients": 20 clients (127.0.0.20, ...) each upload a tip at 1 KB/s
    while 8 genuine clients load the form and send tips. Figures only: genuine success rate
    and p99, and how many slow uploads were still open at the end."""
    import socket

    from django.urls import reverse

    from .scenarios import _one_tip, _Session

    path = reverse("tips:submit")
    port = ctx.ports["proxy"]
    stop = threading.Event()
    open_at_end = []

    def slow(n: int):
        sock = socket.socket()
        sock.settimeout(5)
        try:
            sock.bind((f"127.0.0.{20 + n}", 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(
                (
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    "Content-Type: multipart/form-data; boundary=b\r\n"
                    "Content-Length: 10000000\r\n\r\n--b\r\n"
                ).encode()
            )
            while not stop.is_set():
                sock.sendall(b"x" * 1024)
                time.sleep(1.0)
            open_at_end.append(n)
        except OSError:
            pass  # cut by nginx or the app (minimum upload rate, deadline)
        finally:
            sock.close()

    latencies: list[float] = []
    results = []
    tips_each = 2 if ctx.quick else 6

    def genuine(n: int):
        session = _Session(port, source=f"127.0.0.{60 + n}")
        for i in range(tips_each):
            t0 = time.monotonic()
            ok = _one_tip(session, path, {"what": f"Genuine tip {n}.{i}: seen at the market"})
            latencies.append(time.monotonic() - t0)
            results.append(ok)
            time.sleep(1.0)

    slow_threads = [threading.Thread(target=slow, args=(n,)) for n in range(20)]
    for thread in slow_threads:
        thread.start()
    time.sleep(2.0)  # the slow uploads hold their connections first
    threads = [threading.Thread(target=genuine, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    for thread in slow_threads:
        thread.join()
    total = len(results)
    return record(
        "slow-clients",
        round(100 * sum(results) / total, 1) if total else 0.0,
        "% genuine tips accepted",
        target="all genuine tips accepted",
        met=sum(results) == total,
        genuine_tips=total,
        p99_ms=round(_p99(latencies) * 1000, 1),
        slow_uploads=20,
        slow_still_open=len(open_at_end),
    )

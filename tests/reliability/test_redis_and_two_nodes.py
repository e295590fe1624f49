"""Two web processes on different ports sharing PostgreSQL and Redis; then Redis stopped.

Across both processes: the tip rate limit is one limit, an investigator's vault unlocked on
one process reads tips on the other, and an edit published by a third process purges the
page cache of both. With Redis stopped: public pages and the tip form keep working (a tip is
accepted under the fallback limiter), /healthz says the cache is down, the vault says it is
unavailable (never a 500); when Redis returns, everything resumes.
"""

from __future__ import annotations

import re
import sys

import pytest
from django.urls import reverse

from .conftest import PASSPHRASE, PASSWORD
from .harness import (
    RECEIPT_RE,
    Browser,
    WebServer,
    hidden_fields,
    pass_second_factor,
    run_django,
    submit_tip,
)

pytestmark = pytest.mark.services

PAGES_CODE = r"""
from wagtail.models import Locale, Page, Site
from appeals.models import AppealIndexPage, AppealPage, HomePage
root = Page.get_first_root_node()
home = root.add_child(instance=HomePage(title="Accueil", slug="accueil-rel",
                                        locale=Locale.get_default()))
Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost",
                              "root_page": home, "site_name": "Most Wanted"})
index = home.add_child(instance=AppealIndexPage(title="Avis", slug="avis-rel"))
appeal = index.add_child(instance=AppealPage(title="Jean Premier", slug="jean-rel",
                                             full_name="Jean Premier"))
print(json.dumps({"url": appeal.url, "pk": appeal.pk}))
"""

PUBLISH_CODE = r"""
from appeals.models import AppealPage
page = AppealPage.objects.get(pk=int(sys.argv[1])).specific
page.title = sys.argv[2]
page.full_name = sys.argv[2]
page.save_revision().publish()
print(json.dumps({"ok": True}))
"""


def _says_unavailable(body: bytes) -> bool:
    return b"unavailable" in body.lower() or b"indisponible" in body.lower()  # en / fr admin


def _login(browser: Browser, base: str, totp_key: str):
    status, _h, page = browser.get(f"{base}/admin/login/")
    assert status == 200
    fields = {**hidden_fields(page), "username": "investigator", "password": PASSWORD}
    status, _h, body = browser.post(f"{base}/admin/login/", fields)
    assert status == 200 and b"investigator" in body.lower() or status == 200, status
    pass_second_factor(browser, f"{base}{reverse('tips_admin:2fa_verify')}", totp_key)


def _unlock(browser: Browser, base: str):
    url = f"{base}{reverse('tips_admin:vault_unlock')}"
    status, _h, page = browser.get(url)
    assert status == 200, status
    return browser.post(url, {**hidden_fields(page), "passphrase": PASSPHRASE})


def test_two_nodes_then_redis_outage(stack, tmp_path):
    env = stack.env(
        TIP_RATE_PER_SOURCE="6/h", PAGE_CACHE_ENABLED="1", TIP_RATELIMIT_SECRET_STORE="cache"
    )
    pages = run_django(PAGES_CODE, env)
    a = WebServer(env, tmp_path / "a.log")
    b = WebServer(env, tmp_path / "b.log")
    scenarios = []
    try:
        a.start()
        b.start()
        nodes = [a.base, b.base]

        # --- rate limit: one limit across both processes
        citizen = Browser()
        statuses = []
        for i in range(8):
            status, body = submit_tip(citizen, nodes[i % 2], f"TWO-NODES-{i} seen at the port")
            statuses.append(status if status != 200 or RECEIPT_RE.search(body) else -1)
        assert statuses == [200] * 6 + [429, 429], statuses
        scenarios.append("rate limit shared across two processes")

        # --- vault: unlocked on A, tips read on B
        investigator = Browser()
        _login(investigator, a.base, stack.totp_key)
        status, _h, body = _unlock(investigator, a.base)
        assert status == 200 and not _says_unavailable(body), status
        status, _h, listing = investigator.get(f"{b.base}{reverse('tips_admin:index')}")
        assert status == 200, status
        detail_path = reverse("tips_admin:detail", args=[0]).replace("/0/", r"/(\d+)/")
        tip_ids = sorted({int(m) for m in re.findall(detail_path.encode(), listing)})
        assert tip_ids, "no tip in the listing"
        status, _h, detail = investigator.get(
            f"{b.base}{reverse('tips_admin:detail', args=[tip_ids[-1]])}"
        )
        (tmp_path / "detail.html").write_bytes(detail)
        assert status == 200 and b"TWO-NODES-" in detail, status
        scenarios.append("vault unlocked on one process, read on the other")

        # --- cache purge: a third process publishes, both nodes show the new version
        url = pages["url"]
        for node in nodes:
            for _ in range(2):  # the second answer comes from the shared page cache
                status, _h, page = Browser().get(f"{node}{url}")
                assert status == 200 and b"Jean Premier" in page
        run_django(PUBLISH_CODE, env, str(pages["pk"]), "Jean Second")
        for node in nodes:
            status, _h, page = Browser().get(f"{node}{url}")
            assert status == 200 and b"Jean Second" in page, f"stale page on {node}"
        scenarios.append("page-cache purge seen by both processes")

        # --- Redis stopped
        stack.redis.stop()
        for node in nodes:
            for path in ("/en/tip/", "/en/tip/how-your-tip-is-protected/"):
                status, _h, page = Browser().get(f"{node}{path}")
                assert status == 200, (node, path, status)
        status, body = submit_tip(Browser(), a.base, "REDIS-DOWN tip still accepted")
        assert status == 200 and RECEIPT_RE.search(body), status
        status, _h, health = Browser().get(f"{a.base}/healthz")
        assert status == 503 and b"cache" in health, (status, health)
        detail_url = reverse("tips_admin:detail", args=[tip_ids[-1]])
        status, _h, detail = investigator.get(f"{b.base}{detail_url}")
        assert status != 500 and _says_unavailable(detail), status
        assert b"TWO-NODES-" not in detail  # nothing decrypted without the vault
        status, _h, body = _unlock(investigator, a.base)
        assert status == 503 and _says_unavailable(body), status
        wagtail_pages = {}
        for node in nodes:
            for path in ("/", "/en/", url):
                wagtail_pages[f"{node[-5:]}{path}"] = Browser().get(f"{node}{path}")[0]
        scenarios.append("redis stopped: tip form, tip accepted, healthz, vault unavailable")

        # --- Redis back (empty): everything resumes
        stack.redis.start()
        status, _h, health = Browser().get(f"{b.base}/healthz")
        assert status == 200, health
        status, _h, body = _unlock(investigator, b.base)
        assert status == 200 and not _says_unavailable(body), status
        status, _h, detail = investigator.get(
            f"{a.base}{reverse('tips_admin:detail', args=[tip_ids[-1]])}"
        )
        assert status == 200 and b"TWO-NODES-" in detail
        status, body = submit_tip(Browser(), b.base, "REDIS-BACK tip accepted")
        assert status == 200 and RECEIPT_RE.search(body), status
        scenarios.append("redis back: vault, limits and health resume")
        for server in (a, b):
            assert server.proc.poll() is None
    finally:
        a.stop()
        b.stop()
        if stack.redis.proc is None or stack.redis.proc.poll() is not None:
            stack.redis.start()
    print(f"\ntwo nodes + redis outage: {len(scenarios)} checks: {scenarios}", file=sys.stderr)
    broken = {page: status for page, status in wagtail_pages.items() if status != 200}
    # Wagtail reads the default cache on every page (Site.get_site_root_paths): the soft
    # default cache (mostwanted.cache.FailSoftRedisCache) turns an outage into misses.
    assert not broken, f"public Wagtail pages fail while Redis is down: {broken}"

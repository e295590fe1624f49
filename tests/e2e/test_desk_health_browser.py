"""Real browser, from the state `make run` leaves (demo content), plus one desk that cannot
read its tips: the supervisor sees it on the dashboard and in Tips → Desk health (with the
documented demo TOTP secret); an editor who tries to publish an appeal for that desk is
sent back to the editor with the reason, and the appeal stays off the public site."""

import base64
import json
import os
import re
from pathlib import Path

import pytest

from appeals.management.commands.load_demo_content import EDITOR_TOTP_SECRET
from tests.e2e.conftest import (
    _manage,
    _prepare_database,
    _server_env,
    assert_clean_console,
    pass_totp,
    running_server,
)

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("E2E_SCREENSHOT_DIR", "/tmp/shots/firstrun"))
SETUP = """
import json
from wagtail.models import Locale
from appeals.models import AppealIndexPage, AppealPage, Desk
desk = Desk.objects.create(name="Cellule sans clé", locale=Locale.get_default())
index = AppealIndexPage.objects.filter(locale=Locale.get_default()).first()
live = index.add_child(instance=AppealPage(
    title="Avis publié avant la panne", slug="avis-panne", kind="wanted", status="active",
    desk=desk, locale=index.locale))
draft = index.add_child(instance=AppealPage(
    title="Avis à publier", slug="avis-a-publier", kind="wanted", status="active",
    desk=desk, locale=index.locale, live=False))
draft.save_revision()
print(json.dumps({"draft": draft.pk, "draft_url": draft.url}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e-desk-health")
    (root / "media").mkdir()
    env = _server_env(root)
    _prepare_database(root, env)
    info = json.loads(_manage(env, "shell", "-c", SETUP).stdout.decode().strip().splitlines()[-1])
    with running_server(root, env, start_timeout=60) as url:
        yield url, info


def _login(page, url, username, password):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    # Privileged accounts meet the second factor before any admin page (issue 14).
    page.wait_for_url(re.compile(r"/admin/(tips/2fa/[a-z]+/.*)?$"))


def test_supervisor_sees_the_unreadable_desk(server, browser_page):
    from tips import demo

    url, _info = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    account = next(a for a in demo.ACCOUNTS if a.username == "supervisor")
    page = browser_page(viewport={"width": 1280, "height": 900})
    _login(page, url, account.username, account.password)
    page.goto(url + "/admin/tips/desks/health/")
    page.wait_for_url(re.compile(r"/admin/tips/2fa/verify/"))
    pass_totp(page, base64.b32decode(account.totp_secret))
    page.wait_for_url(re.compile(r"/admin/tips/desks/health/$"))
    table = page.locator("table.tips-desk-health")
    row = table.locator("tr:not(.tips-health-problem)", has_text="Cellule sans clé")
    assert "Ne peut pas lire ses signalements" in row.inner_text()
    reason = table.locator("tr.tips-health-problem", has_text="Cellule sans clé")
    assert "n'a pas de clé active" in reason.inner_text()
    ready = table.locator("tr", has_text="Cellule de recherche des fugitifs")
    assert "investigator-fugitives" in ready.inner_text() and "1" in ready.inner_text()
    assert page.locator("[role=alert]").count() >= 1
    page.screenshot(path=str(SHOTS / "desk-health.png"), full_page=True)
    page.goto(url + "/admin/")
    panel = page.locator("section.tips-health")
    assert "ne peut pas les lire" in panel.inner_text()
    panel.screenshot(path=str(SHOTS / "dashboard-health-panel.png"))
    assert_clean_console(page)


def test_editor_cannot_publish_an_appeal_whose_desk_cannot_read(server, browser_page):
    url, info = server
    page = browser_page(viewport={"width": 1280, "height": 900})
    _login(page, url, "editor", "demo-editor-password")
    pass_totp(page, base64.b32decode(EDITOR_TOTP_SECRET))  # editors pass it too (issue 14)
    page.goto(url + f"/admin/pages/{info['draft']}/edit/")
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target=toggle]").first.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{info['draft']}/edit/$"))
    message = page.locator(".messages .error, .messages [class*=error]").first
    text = message.inner_text()
    assert "n'a pas été publié" in text and "Cellule sans clé" in text
    page.screenshot(path=str(SHOTS / "publish-refused.png"), full_page=False)
    response = page.request.get(url + info["draft_url"])
    assert response.status == 404  # not on the public site
    assert_clean_console(page)

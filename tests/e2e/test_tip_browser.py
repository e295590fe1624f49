"""Real browser (Playwright + system Chromium): from an appeal page, send a tip with a photo,
with JavaScript disabled and enabled, and get a receipt. Screenshots go to
``var/e2e-screens/`` (or ``$E2E_SCREENSHOT_DIR``) for a human look.

Reuses the shared helpers of ``tests/e2e/conftest.py`` but runs its own server, because
the tip line needs keys (a recovery key and desk keys) that the demo content does not make.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.tips_intake import images

from .conftest import REPO, _manage, _prepare_database, _server_env, running_server

pytestmark = pytest.mark.e2e

SCREENS = Path(os.environ.get("E2E_SCREENSHOT_DIR", REPO / "var" / "e2e-screens"))
RECEIPT = re.compile(r"^\d{4}(-\d{4}){6}$")
SETUP_KEYS = """
import json
from appeals.models import AppealPage, Desk
from tips import keys
keys.create_recovery_key()
for desk in Desk.objects.all():
    desk = desk.canonical()
    if keys.active_desk_key(desk) is None:
        keys.create_desk_key(desk)
page = AppealPage.objects.live().filter(locale__language_code="en").first()
print(json.dumps({"appeal_url": page.url, "appeal_id": page.pk, "name": page.display_name}))
"""


@pytest.fixture(scope="module")
def tip_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e-tips")
    (root / "media").mkdir()
    env = _server_env(root)
    env["TIP_FORM_MIN_SECONDS"] = "1"
    _prepare_database(root, env)
    info = json.loads(
        _manage(env, "shell", "-c", SETUP_KEYS).stdout.decode().strip().splitlines()[-1]
    )
    with running_server(root, env, start_timeout=60) as url:
        yield url, info


def photo_file():
    return {
        "name": "IMG_2041.jpg",
        "mimeType": "image/jpeg",
        "buffer": images.jpeg_with_metadata("E2E-CANARY", size=(1200, 900)),
    }


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_tip_with_photo_from_appeal_page(tip_server, browser_page, javascript):
    url, info = tip_server
    SCREENS.mkdir(parents=True, exist_ok=True)
    suffix = "js" if javascript else "nojs"
    page = browser_page(javascript_enabled=javascript, viewport={"width": 1000, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(url + info["appeal_url"])
    tip_link = page.locator(f'a[href$="/tip/appeal/{info["appeal_id"]}/"]').first
    tip_link.click()
    page.wait_for_url(re.compile(rf"/tip/appeal/{info['appeal_id']}/$"))
    assert info["name"] in page.locator(".tip-appeal-name").inner_text()
    assert "112" in page.locator(".tip-emergency").inner_text()
    assert (
        not page.locator(".hp-field").is_visible()
        or page.locator(".hp-field").bounding_box()["x"] < 0
    )
    page.screenshot(path=str(SCREENS / f"tip-form-{suffix}.png"), full_page=True)

    page.fill("#id_what", "I saw this man buying a train ticket, red jacket, grey backpack.")
    page.fill("#id_place", "Gent-Sint-Pieters")
    page.check("#id_seeing_now")
    page.set_input_files("#id_photos", [photo_file()])
    if javascript:
        assert page.locator(".tip-counter").first.inner_text().startswith("64")
    time.sleep(1.2)  # the form's minimum fill time
    page.click("button[type=submit]")
    try:
        page.wait_for_selector("#receipt-code", timeout=30_000)
    except Exception:
        page.screenshot(path=str(SCREENS / f"tip-failure-{suffix}.png"), full_page=True)
        errors_box = page.locator("#tip-errors")
        detail = errors_box.inner_text() if errors_box.count() else page.content()[:3000]
        raise AssertionError(f"no receipt: {detail}") from None
    code = page.locator("#receipt-code").inner_text().replace(" ", "-").strip()
    assert RECEIPT.match(code), code
    assert "urgent" in page.content()
    print_button = page.locator("#tip-print")
    assert print_button.is_visible() == javascript
    page.screenshot(path=str(SCREENS / f"tip-receipt-{suffix}.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("button[name=format][value=txt]")
    text = Path(download_info.value.path()).read_text()
    assert code in text
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

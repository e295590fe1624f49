"""Real browser, the whole follow-up exchange: a citizen (JavaScript disabled) sends a tip
through the public form and keeps the receipt; an investigator (TOTP, unlocked vault) asks a
question; the citizen comes back with the receipt, reads it and answers with a photo; the
investigator reads the answer, its photo and the read marker. Screenshots go to
var/screenshots/followup-*.png. No CSP violation on any page.
"""

import io
import re
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from tests.triage.conftest import PASSPHRASE, world  # noqa: F401 - fixture

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _jpeg(tmp_path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 140, 60)).save(out, "JPEG")
    path = tmp_path / "car.jpg"
    path.write_bytes(out.getvalue())
    return path


def _csp_watch(page, sink):
    page.on(
        "console", lambda m: sink.append(m.text) if "Content Security Policy" in m.text else None
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_followup_exchange_in_browser(live_server, browser_page, world, settings, tmp_path):  # noqa: F811
    from tips.models import Message, Tip

    settings.TIP_DEFAULT_DESK_ID = world.desk_a.pk
    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    violations = []

    # 1. The citizen, JavaScript disabled, sends a tip and notes the receipt.
    citizen = browser_page(javascript_enabled=False)
    _csp_watch(citizen, violations)
    citizen.goto(base + "/en/tip/")
    citizen.fill("textarea[name=what]", "A man in a red coat got into a grey van.")
    citizen.click("form#tip-form button[type=submit]")
    code = citizen.inner_text("#receipt-code")
    receipt = re.sub(r"\s+", "-", code.strip())
    assert re.fullmatch(r"\d{4}(-\d{4}){6}", receipt), receipt
    tip = Tip.objects.get()

    # 2. The investigator asks a question.
    device = TOTPDevice.objects.create(user=world.inv_a, name="tips", confirmed=True)
    desk = browser_page()
    _csp_watch(desk, violations)
    desk.goto(base + "/admin/login/")
    desk.fill("input[name=username]", "inv_a")
    desk.fill("input[name=password]", "login-inv_a-pw-0123")
    desk.click("button[type=submit]")
    desk.goto(base + "/admin/tips/")
    desk.fill(
        "input[name=token]", f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    )
    desk.click("main button[type=submit]")
    desk.goto(base + "/admin/tips/vault/unlock/")
    desk.fill("input[name=passphrase]", PASSPHRASE)
    desk.click("main button[type=submit]")
    desk.goto(base + f"/admin/tips/{tip.pk}/")
    desk.fill("#id_followup_question", "Which way did the van go? Did you see the plate?")
    desk.click("#followup button[type=submit]")
    desk.wait_for_selector("#followup >> text=Which way did the van go?")
    question = Message.objects.get(direction="to_tipster")
    assert question.author_id == world.inv_a.pk and question.read_by_tipster_at is None

    # 3. The citizen comes back (fresh browser, JavaScript disabled) with the receipt.
    citizen = browser_page(javascript_enabled=False)
    _csp_watch(citizen, violations)
    citizen.goto(base + "/en/tip/")
    citizen.click("footer a[href='/en/tip/follow-up/']")
    citizen.screenshot(path=str(SHOTS / "followup-start.png"), full_page=True)
    citizen.fill("input[name=receipt]", receipt.replace("-", " "))
    citizen.click("form.followup-receipt-form button[type=submit]")
    content = citizen.content()
    assert "Which way did the van go?" in content
    assert "Your receipt, once more" in content and receipt.split("-")[3] in content
    assert "Received" in citizen.inner_text(".followup-status")
    citizen.screenshot(path=str(SHOTS / "followup-conversation.png"), full_page=True)
    citizen.fill("textarea[name=text]", "North towards the ring road. Plate started with 1-ABC.")
    citizen.set_input_files("input[name=photos]", str(_jpeg(tmp_path)))
    citizen.click(".followup-answer button[type=submit]")
    citizen.wait_for_selector("text=Your answer has been sent")
    assert "Your receipt, once more" not in citizen.content()
    citizen.screenshot(path=str(SHOTS / "followup-answered.png"), full_page=True)
    citizen.click(".followup-end form >> text=Leave")
    assert citizen.locator("input[name=receipt]").count() == 1
    citizen.goto(base + "/en/tip/follow-up/")
    assert "Which way did the van go?" not in citizen.content()
    citizen.goto(base + "/tip/follow-up/")
    citizen.screenshot(path=str(SHOTS / "followup-start-fr.png"), full_page=True)

    # 4. The investigator reads the answer, its photo and the read marker.
    desk.goto(base + f"/admin/tips/{tip.pk}/")
    desk.wait_for_selector("#followup >> text=North towards the ring road")
    question.refresh_from_db()
    assert question.read_by_tipster_at is not None
    assert "lue par l’informateur le" in desk.inner_text("#followup")  # admin in French
    desk.wait_for_selector("#followup img.tips-photo")
    width = desk.eval_on_selector("#followup img.tips-photo", "i => i.complete && i.naturalWidth")
    assert width == 320
    desk.locator("#followup").screenshot(path=str(SHOTS / "followup-admin.png"))
    answer = Message.objects.get(direction="from_tipster")
    assert answer.read_by_desk
    assert violations == [], "\n".join(sorted(set(v[:160] for v in violations)))

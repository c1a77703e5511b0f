"""The LINE simulator page in a real browser, against the real service started as `tambon serve`.

A resident follows, reads the welcome and the PDPA notice, consents, picks a village from the quick
replies, uses the menu, then a second resident gets a chat of their own. Needs Playwright (the Python
package only) and Debian's Chromium at /usr/bin/chromium — `make test` installs both; deselect with
`-m "not browser"`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

from playwright import sync_api  # noqa: E402

expect = sync_api.expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
# Without a LINE channel the service runs in simulator mode, with the fake LINE API in-process.
LINE_ENV = (
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
    "DATABASE_URL",
    "LINE_API_BASE_URL",
    "LINE_DATA_API_BASE_URL",
    "LINE_BOT_USER_ID",
)
WAIT_MS = 15_000

if not os.path.exists(CHROMIUM):  # a missing browser must not pass silently
    pytest.fail(f"{CHROMIUM} not installed (apt-get install chromium, or `make test`)", pytrace=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[str]:
    """`python -m bot.cli serve` in tmp_path (its SQLite file lands there); the base URL once healthy."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in LINE_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    log_path = tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90  # a loaded machine imports the SDK slowly
            while True:
                if process.poll() is not None:
                    pytest.fail(f"service exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"service not healthy after 90 s:\n{log_path.read_text(errors='replace')}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def page(service: str) -> Iterator[sync_api.Page]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 414, "height": 860}, locale="th-TH", timezone_id="Asia/Bangkok"
            )
            context.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{service}/simulator")
            yield page
            assert not errors, f"JavaScript errors on the page: {errors}"
        finally:
            browser.close()


def _bot_count(page: sync_api.Page) -> int:
    return page.get_by_test_id("bot-message").count()


def _last_user_bubble(page: sync_api.Page) -> sync_api.Locator:
    return page.get_by_test_id("user-message").last.locator(".content")


def _wait_for_more_bot_messages(page: sync_api.Page, than: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=bot-message]').length > n", arg=than, timeout=WAIT_MS
    )


def test_a_resident_onboards_and_a_second_resident_has_a_chat_of_their_own(
    page: sync_api.Page, service: str, tmp_path: Path
) -> None:
    expect(page.get_by_test_id("simulator-banner")).to_contain_text("ไม่ใช่ LINE จริง")
    first_tab = page.get_by_test_id("user-tab")
    expect(first_tab).to_have_count(1)
    expect(first_tab).to_have_text("ผู้ใช้ทดลอง 1")
    bot = page.get_by_test_id("bot-message")
    quick = page.get_by_test_id("quick-reply")

    # follow: the welcome, the PDPA notice and the consent question
    page.get_by_test_id("follow").click()
    expect(bot.filter(has_text="สวัสดี")).to_have_count(1)
    expect(bot.filter(has_text="PDPA")).to_have_count(1)
    expect(bot.last.get_by_test_id("via")).to_have_text("reply")

    # consent with the confirm template's button; the postback's displayText is the resident's bubble
    page.get_by_test_id("template-action").filter(has_text=re.compile("^ยินยอม$")).click()
    expect(_last_user_bubble(page)).to_have_text("ยินยอม")
    village = quick.filter(has_text="หมู่ 3 บ้านหนองผือ")
    expect(village).to_have_count(1)
    village.click()
    expect(bot.filter(has_text="บันทึกแล้ว")).to_have_count(1)
    expect(village).to_have_count(0)  # quick replies belong to the latest message only
    expect(_last_user_bubble(page)).to_have_text("หมู่ 3 บ้านหนองผือ")

    # typing: "เมนู" + Enter answers with the menu's quick replies
    before = _bot_count(page)
    box = page.get_by_test_id("message-input")
    box.fill("เมนู")
    box.press("Enter")
    expect(box).to_have_value("")
    _wait_for_more_bot_messages(page, before)
    expect(_last_user_bubble(page)).to_have_text("เมนู")
    expect(quick.filter(has_text=re.compile("^ช่วยเหลือ$"))).to_have_count(1)

    # "ร้องเรียน" starts a complaint: the categories; the quick replies of the previous message are gone
    before = _bot_count(page)
    box.fill("ร้องเรียน")
    page.get_by_test_id("send").click()
    _wait_for_more_bot_messages(page, before)
    expect(bot.last).to_contain_text("อยู่ในหมวดใด")
    expect(quick.filter(has_text="ไฟส่องสว่าง")).to_have_count(1)
    first_count = _bot_count(page)
    assert first_count >= 6
    page.screenshot(path=str(tmp_path / "first-resident.png"), full_page=True)

    # a second resident: own tab, own (empty) transcript
    page.get_by_test_id("add-user").click()
    page.get_by_test_id("dialog-input").fill("ผู้ใช้ทดลอง 2")
    page.get_by_test_id("dialog-ok").click()
    tabs = page.get_by_test_id("user-tab")
    expect(tabs).to_have_count(2)
    tabs.filter(has_text="ผู้ใช้ทดลอง 2").click()
    expect(tabs.filter(has_text="ผู้ใช้ทดลอง 2")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("current-user")).to_contain_text("ผู้ใช้ทดลอง 2")
    expect(bot).to_have_count(0)
    expect(page.get_by_test_id("user-message")).to_have_count(0)
    expect(quick).to_have_count(0)
    expect(page.get_by_test_id("chat-log")).not_to_contain_text("บันทึกแล้ว")

    # the second resident follows and gets a welcome of their own; the first one's chat is untouched
    page.get_by_test_id("follow").click()
    expect(bot.filter(has_text="สวัสดี")).to_have_count(1)
    expect(page.get_by_test_id("chat-log")).not_to_contain_text("อยู่ในหมวดใด")
    users = httpx.get(f"{service}/simulator/api/users", timeout=5).json()
    assert [u["name"] for u in users] == ["ผู้ใช้ทดลอง 1", "ผู้ใช้ทดลอง 2"]
    tabs.filter(has_text="ผู้ใช้ทดลอง 1").click()
    expect(bot).to_have_count(first_count)
    expect(bot.last).to_contain_text("อยู่ในหมวดใด")

    shot = tmp_path / "simulator.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0


def test_after_a_reload_nothing_is_unread_the_friend_stays_added_and_the_menu_is_there(
    page: sync_api.Page, service: str
) -> None:
    expect(page.get_by_test_id("richmenu-toggle")).to_have_count(1)  # deployed at start: no command needed
    follow = page.get_by_test_id("follow")
    follow.click()
    expect(page.get_by_test_id("bot-message").filter(has_text="PDPA")).to_have_count(1)
    expect(follow).to_be_disabled()  # added: เพิ่มเพื่อน is done, บล็อก is what remains
    expect(page.get_by_test_id("unfollow")).to_be_enabled()
    page.get_by_test_id("add-user").click()
    page.get_by_test_id("dialog-input").fill("ผู้ใช้ทดลอง 2")
    page.get_by_test_id("dialog-ok").click()
    expect(page.get_by_test_id("current-user")).to_contain_text("ผู้ใช้ทดลอง 2")
    expect(follow).to_be_enabled()  # the second resident has not added the bot yet
    page.reload()  # the second resident stays selected; the first one's messages were read before
    expect(page.get_by_test_id("current-user")).to_contain_text("ผู้ใช้ทดลอง 2")
    first = page.get_by_test_id("user-tab").filter(has_text="ผู้ใช้ทดลอง 1")
    expect(first).to_have_count(1)
    page.wait_for_timeout(2500)  # a few polls: the history of every resident has been fetched
    expect(page.get_by_test_id("unread")).to_have_count(0)
    first.click()
    expect(page.get_by_test_id("bot-message").filter(has_text="PDPA")).to_have_count(1)
    expect(follow).to_be_disabled()  # still a friend after the reload

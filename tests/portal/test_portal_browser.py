"""The public portal in a real browser (Debian's Chromium through Playwright) against `tambon serve`:
the front door, then a resident without LINE files a complaint whose description holds a script tag,
gets a code and a PIN, and tracks it. `TAMBON_SCREENSHOTS=1` also refreshes docs/screenshots/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.line.test_simulator_page import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, service  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

from playwright import sync_api  # noqa: E402

expect = sync_api.expect
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def browser_page(service: str) -> Iterator[sync_api.Page]:  # noqa: F811 (the imported fixture)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="th-TH", timezone_id="Asia/Bangkok", base_url=service
            )
            context.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            page = context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("dialog", lambda dialog: problems.append(f"a dialog opened: {dialog.message}"))
            yield page
            assert not problems, problems
        finally:
            browser.close()


def _shot(page: sync_api.Page, name: str) -> None:
    if os.environ.get("TAMBON_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_front_door_and_a_web_complaint(browser_page: sync_api.Page, tmp_path: Path) -> None:
    page = browser_page
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("บริการประชาชนออนไลน์")
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", qr.element_handle()) > 0  # the QR code really loaded
    for title in (
        "วิธีร้องทุกข์/ร้องเรียน",
        "สถิติเรื่องร้องทุกข์/ร้องเรียน",
        "รายงานผลการสำรวจความพึงพอใจ",
        "ประกาศการคุ้มครองข้อมูลส่วนบุคคล (PDPA)",
    ):
        expect(page.get_by_role("link", name=title)).to_be_visible()
    _shot(page, "portal-home.png")

    page.goto("/")
    page.get_by_role("link", name="แจ้งเรื่องร้องเรียนออนไลน์").click()
    photo = tmp_path / "road.png"
    Image.new("RGB", (64, 48), (90, 90, 90)).save(photo)
    page.get_by_label("รายละเอียดเรื่องที่ร้องเรียน").fill("ถนนเป็นหลุมใหญ่ <script>alert(1)</script>")
    page.get_by_label("ประเภทเรื่อง").select_option("roads")
    page.get_by_label("หมู่บ้าน").select_option("3")
    page.get_by_label("เบอร์โทรศัพท์ติดต่อกลับ").fill("0812345678")
    page.get_by_label("ภาพประกอบ").set_input_files(str(photo))
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    expect(page.locator("h1")).to_have_text("รับเรื่องร้องเรียนแล้ว")
    code = page.locator("#code").inner_text()
    pin = page.locator("#pin").inner_text()
    assert re.fullmatch(r"C25\d\d-\d{5}", code) and re.fullmatch(r"\d{4}-\d{4}", pin)
    _shot(page, "portal-complaint-filed.png")

    page.get_by_role("link", name="ติดตามเรื่อง").last.click()
    page.get_by_label("รหัสติดตาม (PIN)").fill(pin)
    page.get_by_role("button", name="ดูสถานะ").click()
    expect(page.get_by_text("สถานะ: ")).to_contain_text("รับเรื่องแล้ว")
    expect(page.get_by_text("กำหนดแล้วเสร็จ")).to_be_visible()

    page.get_by_role("link", name="สถิติ", exact=True).click()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.locator(".card b").first).to_have_text("1")
    _shot(page, "portal-complaint-statistics.png")

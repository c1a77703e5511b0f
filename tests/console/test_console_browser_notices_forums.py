"""Notices and forums in Chromium against `tambon serve` (simulator mode): a notice to selected villages reaches
only them; a forum created from the console is announced to its villages and a resident's RSVP shows on its
page; an officer keys in a paper questionnaire. Every wait is on an element or on the resident's transcript,
never a fixed sleep.

(These routes used to be `async def` and called the LINE quota check, in simulator mode an HTTP call to this
very server, from inside the event loop: the server could not answer itself until the call timed out. The
console's form routes are plain `def`s now, run in the thread pool.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright import sync_api

from bot.thai import BANGKOK
from tests.console.browser import (
    Resident,
    add_staff,
    cli,
    new_page,
    reload_until,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
expect = sync_api.expect


def test_a_notice_to_selected_villages_reaches_only_them(
    browser: sync_api.Browser, service: str, tmp_path: Path
) -> None:
    add_staff(tmp_path, "สมศรี ใจดี", "officer", "somsri")
    first, second, third = Resident(service, "หมู่ 1"), Resident(service, "หมู่ 2"), Resident(service, "หมู่ 3")
    first.onboard(village=1)
    second.onboard(village=2)
    third.onboard(village=3)
    page = new_page(browser)
    sign_in(page, service, "somsri")
    page.get_by_test_id("menu").get_by_role("link", name="ประกาศ").click()
    page.get_by_label("หัวข้อ").fill("ตัดน้ำประปาหมู่ 2 และหมู่ 3")
    page.get_by_label("เนื้อหา").fill("วันเสาร์นี้ 9.00–12.00 น. <ขออภัยในความไม่สะดวก>")
    page.get_by_label("เฉพาะหมู่บ้านที่เลือก").check()
    villages = page.get_by_test_id("villages")
    villages.get_by_label("หมู่ 2").check()
    villages.get_by_label("หมู่ 3").check()
    expect(page.get_by_test_id("recipient-count")).to_have_text("ผู้รับ 2 คน")
    expect(page.get_by_test_id("preview")).to_contain_text("<ขออภัยในความไม่สะดวก>")  # shown as text
    page.get_by_test_id("save-notice").click()
    expect(page.get_by_test_id("recipients")).to_have_text("2 คน")
    expect(page.get_by_test_id("cost-note")).to_contain_text("2 ข้อความ")
    page.get_by_test_id("send-notice").click()  # the "are you sure?" is answered yes
    expect(page.get_by_test_id("done")).to_have_text("ส่งประกาศแล้ว")
    for resident in (second, third):
        assert "<ขออภัยในความไม่สะดวก>" in resident.wait_for_text("ตัดน้ำประปาหมู่ 2")
    reload_until(page, lambda: page.get_by_test_id("delivery"), "2 จาก 2 คน")
    assert not any("ตัดน้ำประปา" in text for text in first.texts())
    shot(page, tmp_path, "console-notice-sent")
    assert not page.errors  # type: ignore[attr-defined]


def test_a_forum_from_the_console_to_the_residents_rsvp(
    browser: sync_api.Browser, service: str, tmp_path: Path
) -> None:
    add_staff(tmp_path, "สมศรี ใจดี", "officer", "somsri")
    invited, elsewhere = Resident(service, "หมู่ 1"), Resident(service, "หมู่ 4")
    invited.onboard(village=1)
    elsewhere.onboard(village=4)
    starts = (datetime.now(BANGKOK) + timedelta(days=5)).replace(hour=9, minute=30)
    page = new_page(browser)
    sign_in(page, service, "somsri")
    page.get_by_test_id("menu").get_by_role("link", name="เวทีประชาคม").click()
    expect(page).to_have_url(f"{service}/console/forums")
    form = page.get_by_test_id("create-forum")
    form.get_by_label("หัวข้อ").fill("แผนพัฒนาท้องถิ่น 2571")
    form.get_by_label("วาระ").fill("1. น้ำประปา\n2. ถนนเข้าหมู่บ้าน")
    form.get_by_label("วันเวลาเริ่ม").fill("2020-01-01T09:00")
    form.get_by_label("สถานที่").fill("ศาลาประชาคมบ้านพนา")
    form.get_by_test_id("villages").get_by_label("หมู่ 1").check()
    page.get_by_test_id("save-forum").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("เวลาในอนาคต")  # and what was typed is kept
    expect(form.get_by_label("สถานที่")).to_have_value("ศาลาประชาคมบ้านพนา")
    form.get_by_label("วันเวลาเริ่ม").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    expect(form.get_by_test_id("be-date")).to_contain_text(f"{starts.year + 543} เวลา 09.30 น.")  # B.E. beside it
    page.get_by_test_id("save-forum").click()
    expect(page.get_by_test_id("done")).to_contain_text("สร้างเวทีแล้ว")
    expect(page.get_by_test_id("attendance-later")).to_be_visible()  # no ticking before the day
    page.get_by_test_id("announce").click()
    expect(page.get_by_test_id("done")).to_have_text("ส่งประกาศเชิญแล้ว")
    invited.wait_for_text("แผนพัฒนาท้องถิ่น 2571")
    forum_id = int(page.url.split("/console/forums/")[1].split("?")[0])
    answer = invited.send("postback", data=f"rsvp:{forum_id}:going", display_text="ไป")
    assert "ไป" in str(answer)
    reload_until(page, lambda: page.get_by_test_id("registrations"), "ไป")
    expect(page.get_by_test_id("summary")).to_contain_text("1")
    assert not any("แผนพัฒนาท้องถิ่น" in text for text in elsewhere.texts())
    shot(page, tmp_path, "console-forum")
    phone = new_page(browser, phone=True)
    sign_in(phone, service, "somsri")
    phone.goto(f"{service}/console/forums/{forum_id}")
    expect(phone.get_by_test_id("registrations")).to_contain_text("ไป")
    shot(phone, tmp_path, "console-forum-phone")
    page.goto(f"{service}/console/forums")
    expect(page.get_by_test_id("forum-row")).to_have_count(1)
    shot(page, tmp_path, "console-forums")
    assert not page.errors and not phone.errors  # type: ignore[attr-defined]


def test_an_officer_keys_in_a_paper_questionnaire(browser: sync_api.Browser, service: str, tmp_path: Path) -> None:
    output = cli(tmp_path, "staff", "add", "--name", "ปลัดสมหมาย", "--role", "manager", "--username", "boss")
    api = {"Authorization": f"Bearer {output.strip().splitlines()[-1]}"}
    assert httpx.post(f"{service}/api/v1/surveys/install-shipped", headers=api, timeout=30).status_code == 200
    assert httpx.post(f"{service}/api/v1/surveys/public_disclosure/open", headers=api, timeout=30).status_code == 200
    before = httpx.get(f"{service}/api/v1/surveys/public_disclosure/summary", headers=api, timeout=30).json()["n"]
    add_staff(tmp_path, "สมศรี ใจดี", "officer", "somsri")
    page = new_page(browser, phone=True)
    sign_in(page, service, "somsri")
    page.goto(f"{service}/console/surveys/paper")
    page.get_by_role("link", name="บันทึกแบบกระดาษ").first.click()
    form = page.get_by_test_id("paper-form")
    form.get_by_label("หมู่บ้านของผู้ตอบ").select_option("2")
    form.get_by_test_id("question-channels_used").get_by_label("บอร์ดประชาสัมพันธ์").check()
    for key in ("channel_access", "channel_variety", "content_complete", "content_current", "content_clear"):
        form.get_by_test_id(f"question-{key}").get_by_label("4 มาก").check()
    page.get_by_test_id("save-paper").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("ข้อ 7: ต้องตอบ")  # "overall" left blank
    page.get_by_test_id("question-overall").get_by_label("5 มากที่สุด").check()
    shot(page, tmp_path, "console-paper-survey-phone")
    page.get_by_test_id("save-paper").click()
    expect(page.get_by_test_id("done")).to_contain_text("บันทึกแบบสอบถามแล้ว")
    summary = httpx.get(f"{service}/api/v1/surveys/public_disclosure/summary", headers=api, timeout=30).json()
    assert summary["n"] == before + 1
    assert not page.errors  # type: ignore[attr-defined]

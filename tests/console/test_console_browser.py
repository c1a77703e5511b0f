"""The console in a real browser (Chromium via Playwright) against `tambon serve` in simulator mode:
staff made with the CLI sign in, work a complaint a resident filed in the simulator, and the resident
receives each public note. Deselect with `-m "not browser"`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright import sync_api

from tests.console.browser import Resident, add_staff, new_page, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
expect = sync_api.expect
XSS = "<script>alert(1)</script> ป้ายถูกพ่นสี"


def test_an_officer_works_a_complaint_from_received_to_resolved(
    browser: sync_api.Browser, service: str, tmp_path: Path
) -> None:
    add_staff(tmp_path, "สมศรี ใจดี", "officer", "somsri", unit="engineering")
    resident = Resident(service, "ชาวบ้านหมู่ 1")
    resident.onboard(village=1)
    code = resident.complain("ไฟทางหน้าวัดดับมา 3 คืนแล้ว")
    other = Resident(service, "ชาวบ้านหมู่ 2")
    other.onboard(village=2)
    xss_code = other.complain(XSS)

    page = new_page(browser)
    page.goto(f"{service}/console")
    expect(page).to_have_url(f"{service}/console/login")
    page.get_by_label("ชื่อผู้ใช้").fill("somsri")
    page.get_by_label("รหัสผ่าน").fill("not the password")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_test_id("login-error")).to_have_text("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    shot(page, tmp_path, "console-login")
    sign_in(page, service, "somsri")
    expect(page.get_by_test_id("count-new")).to_contain_text("2")
    expect(page.get_by_test_id("menu")).not_to_contain_text("เบาะแส")  # tips: no menu entry for officers
    shot(page, tmp_path, "console-home")

    page.get_by_test_id("menu").get_by_role("link", name="เรื่องร้องเรียน").click()
    rows = page.get_by_test_id("queue-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=xss_code)).to_contain_text("<script>alert(1)</script>")  # shown as text
    shot(page, tmp_path, "console-complaints")

    page.get_by_role("link", name=code).click()
    expect(page.get_by_test_id("case-status")).to_have_text("รับเรื่องแล้ว")
    options = page.locator("select[name=status] option").all_inner_texts()
    assert "ปิดเรื่องแล้ว" not in options and "กำลังดำเนินการ" in options  # only allowed transitions
    steps = [("in_progress", "ช่างจะเข้าพื้นที่พรุ่งนี้ 9 โมง"), ("resolved", "เปลี่ยนหลอดไฟใหม่แล้ว")]
    for status, note in steps:
        page.locator("select[name=status]").select_option(status)
        page.get_by_label("ข้อความแจ้งผู้ร้องเรียน").fill(note)
        page.get_by_label("บันทึกภายใน").fill(f"ลับเฉพาะ {status}")
        expect(page.get_by_test_id("preview")).to_contain_text(note)
        expect(page.get_by_test_id("preview")).not_to_contain_text("ลับเฉพาะ")
        if status == "resolved":
            shot(page, tmp_path, "console-case")
        before = len(resident.bot_messages())
        page.get_by_test_id("send-transition").click()
        expect(page.get_by_test_id("done")).to_be_visible()
        resident.wait_for_more(before)
        assert any(note in text and code in text for text in resident.texts()), resident.texts()
    expect(page.get_by_test_id("case-status")).to_have_text("ดำเนินการแก้ไขแล้ว รอท่านยืนยัน")
    expect(page.get_by_test_id("timeline")).to_contain_text("ลับเฉพาะ in_progress")
    assert not any("ลับเฉพาะ" in text for text in resident.texts())  # internal notes stay inside

    # A POST without the CSRF token, with the signed-in cookies: refused, nothing changed.
    refused = page.request.post(
        f"{service}/console/complaints/{xss_code}", form={"status": "rejected", "public_note": "x"}
    )
    assert refused.status == 403
    page.goto(f"{service}/console/complaints/{xss_code}")
    expect(page.get_by_test_id("case-status")).to_have_text("รับเรื่องแล้ว")
    expect(page.get_by_test_id("description")).to_have_text(XSS)

    # On a phone the case page still reads and the form still works.
    phone = new_page(browser, phone=True)
    sign_in(phone, service, "somsri")
    phone.goto(f"{service}/console/complaints/{code}")
    expect(phone.get_by_test_id("timeline")).to_be_visible()
    shot(phone, tmp_path, "console-case-phone")

    # Tips do not exist for an officer.
    assert page.goto(f"{service}/console/tips").status == 404

    page.goto(f"{service}/console")
    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(f"{service}/console/login")
    assert page.goto(f"{service}/console/complaints").url.endswith("/console/login")
    assert not page.errors and not phone.errors  # type: ignore[attr-defined]
    assert httpx.get(f"{service}/console/static/console.css", timeout=5).status_code == 200

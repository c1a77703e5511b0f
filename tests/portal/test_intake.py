"""The channel for residents without LINE: web complaint and tip forms, code + PIN tracking, the staff slip,
and the abuse guard (rate limit, honeypot)."""

from __future__ import annotations

import io
import logging
import re

import pytest
from PIL import Image
from sqlmodel import Session, func, select

from bot.complaints.models import Complaint, ComplaintPhoto
from bot.media import MediaFile
from bot.pins.models import TrackingPin
from bot.tips.models import Tip, TipEvidence
from bot.tips.texts import status_name
from tests.harness import Harness
from tests.tips.test_tips import dump_database

CODE = re.compile(r'id="code">([CT]25\d\d-\d{5})<')
PIN = re.compile(r'id="pin">(\d{4}-\d{4})<')
SCRIPT = "<script>alert(1)</script>"
CANARY_NAME = "สมปองแคนารี่เว็บ"
CANARY_PHONE = "0897654321"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _filed(page: str) -> tuple[str, str]:
    code, pin = CODE.search(page), PIN.search(page)
    assert code and pin, page[-2000:]
    return code.group(1), pin.group(1)


def _count(harness: Harness, model: type) -> int:
    with Session(harness.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_a_web_complaint_is_tracked_by_code_and_pin_and_not_by_code_alone(harness: Harness) -> None:
    assert harness.client.get("/public/complain").status_code == 200
    form = {
        "description": f"ไฟถนนดับหน้าวัด {SCRIPT}",
        "category": "lighting",
        "village": "2",
        "name": "นางทดสอบ เว็บ",
        "phone": "081-234-5678",
    }
    response = harness.client.post("/public/complain", data=form, files={"photo": ("p.png", _photo(), "image/png")})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    code, pin = _filed(response.text)
    assert code.startswith("C")
    with Session(harness.engine) as session:
        case = session.exec(select(Complaint).where(Complaint.code == code)).one()
        assert (case.source_channel, case.category, case.village_no, case.phone) == ("web", "lighting", 2, "0812345678")
        attached = session.exec(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == case.id)).one()
        photo = session.get(MediaFile, attached.media_id)
        assert photo is not None and photo.status == "stored" and photo.content_type == "image/jpeg" and photo.data
        stored = session.exec(select(TrackingPin).where(TrackingPin.code == code)).one()
        assert pin.replace("-", "") not in stored.pin_hash and stored.pin_hash.startswith("scrypt$")

    officer = harness.staff_token("officer")
    moved = harness.client.post(
        f"/api/v1/complaints/{code}/transitions",
        headers=officer,
        json={"status": "in_progress", "public_note": "ช่างจะเข้าซ่อมพรุ่งนี้", "internal_note": "ลับเฉพาะ ใช้หลอดสำรอง"},
    )
    assert moved.status_code == 200, moved.text

    tracked = harness.client.get("/public/track", params={"code": code.lower(), "pin": pin.replace("-", "")})
    assert tracked.status_code == 200
    assert "ช่างจะเข้าซ่อมพรุ่งนี้" in tracked.text and "กำหนดแล้วเสร็จ" in tracked.text
    assert "ลับเฉพาะ" not in tracked.text and "นางทดสอบ" not in tracked.text
    for params in (
        {"code": code},
        {"code": code, "pin": "0000-0000"},
        {"code": "C2570-99999", "pin": pin},
        {"pin": pin},
    ):
        refused = harness.client.get("/public/track", params=params)
        assert refused.status_code == 404, params
        assert "ช่างจะเข้าซ่อม" not in refused.text and "สถานะ:" not in refused.text


def test_html_in_a_description_is_shown_as_text(harness: Harness) -> None:
    form = {"description": SCRIPT, "phone": "12"}  # a bad phone: the form comes back with what was typed
    page = harness.client.post("/public/complain", data=form)
    assert page.status_code == 422 and "เบอร์โทรศัพท์ต้องเป็นตัวเลข" in page.text
    assert SCRIPT not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert _count(harness, Complaint) == 0


def test_bad_input_gets_the_form_back_in_thai_and_keeps_nothing(harness: Harness) -> None:
    cases = [
        ({"description": "  "}, None, "กรุณาเล่ารายละเอียด"),
        ({"description": "x", "category": "nope"}, None, "ประเภทเรื่อง"),
        ({"description": "x", "village": "99"}, None, "หมู่บ้าน"),
        ({"description": "x"}, ("a.png", b"not an image", "image/png"), "รับภาพไม่ได้"),
    ]
    for form, upload, message in cases:
        files = {"photo": upload} if upload else None
        page = harness.client.post("/public/complain", data=form, files=files)
        assert page.status_code == 422 and message in page.text, form
    assert _count(harness, Complaint) == 0 and _count(harness, TrackingPin) == 0


def test_a_village_that_is_no_number_int_can_read_is_the_forms_422_not_a_crash(harness: Harness) -> None:
    for village in ("²", "9" * 5000, "๙๙"):  # a digit int() refuses; past int()'s 4,300 digits; no such village
        page = harness.client.post("/public/complain", data={"description": "x", "village": village})
        assert page.status_code == 422 and "หมู่บ้าน" in page.text, village
    assert _count(harness, Complaint) == 0


def test_a_web_tip_is_sealed_as_in_line(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert harness.client.get("/public/report-corruption").status_code == 200
    form = {
        "description": "ปลัดเรียกรับเงินค่าอนุญาตก่อสร้าง",
        "when": "มีนาคม 2569",
        "where": "ที่ทำการ",
        "who": "ปลัด",
        "name": CANARY_NAME,
        "phone": CANARY_PHONE,
    }
    page = harness.client.post(
        "/public/report-corruption", data=form, files={"evidence": ("e.png", _photo(), "image/png")}
    )
    assert page.status_code == 200
    code, pin = _filed(page.text)
    assert code.startswith("T") and CANARY_NAME not in page.text
    dump = dump_database(harness)
    assert CANARY_NAME not in dump and CANARY_PHONE not in dump and "เรียกรับเงิน" in dump
    assert CANARY_NAME not in caplog.text and CANARY_PHONE not in caplog.text
    with Session(harness.engine) as session:
        tip = session.exec(select(Tip).where(Tip.code == code)).one()
        assert not tip.anonymous and tip.what == form["description"]
        evidence = session.exec(select(TipEvidence).where(TipEvidence.tip_id == tip.id)).one()
        assert getattr(session.get(MediaFile, evidence.media_id), "status", None) == "stored"
    integrity = harness.staff_token("integrity_officer")
    detail = harness.client.get(f"/api/v1/tips/{code}", params={"reveal_reporter": True}, headers=integrity).json()
    assert detail["reporter"]["name"] == CANARY_NAME and detail["reporter"]["phone"] == CANARY_PHONE
    assert detail["reporter"]["reachable_in_line"] is False

    harness.client.post(
        f"/api/v1/tips/{code}/transitions",
        headers=integrity,
        json={"status": "referred", "public_note": "ส่งสำนักงาน ป.ป.ช. แล้ว"},
    )
    tracked = harness.client.get("/public/track", params={"code": code, "pin": pin})
    assert tracked.status_code == 200 and f"<strong>{status_name('referred')}</strong>" in tracked.text
    assert "ป.ป.ช." not in tracked.text  # for tips, only the status: not even the public note
    assert "เรียกรับเงิน" not in tracked.text and "ปลัด" not in tracked.text.split("<main")[1].split("</main>")[0]
    assert harness.client.get("/public/track", params={"code": code}).status_code == 404


def test_an_anonymous_web_tip_keeps_no_identity(harness: Harness) -> None:
    page = harness.client.post("/public/report-corruption", data={"description": "ฮั้วประมูลถนน"})
    code, _ = _filed(page.text)
    assert "ไม่เปิดเผยชื่อ" in page.text
    integrity = harness.staff_token("integrity_officer")
    detail = harness.client.get(f"/api/v1/tips/{code}", params={"reveal_reporter": True}, headers=integrity).json()
    assert detail["anonymous"] is True and detail["reporter"] is None


def test_the_honeypot_and_the_rate_limit(harness: Harness) -> None:
    trap = harness.client.post("/public/complain", data={"description": "สแปม", "homepage": "http://spam.example"})
    assert trap.status_code == 400 and _count(harness, Complaint) == 0
    trap = harness.client.post("/public/report-corruption", data={"description": "สแปม", "homepage": "x"})
    assert trap.status_code == 400 and _count(harness, Tip) == 0
    for i in range(5):
        assert harness.client.post("/public/complain", data={"description": f"เรื่อง {i}"}).status_code == 200
    refused = harness.client.post("/public/complain", data={"description": "เรื่องที่หก"})
    assert refused.status_code == 429 and "ถี่เกินไป" in refused.text and "retry-after" in refused.headers
    assert harness.client.post("/public/report-corruption", data={"description": "x"}).status_code == 429
    assert _count(harness, Complaint) == 5 and _count(harness, Tip) == 0
    for _ in range(20):
        harness.client.get("/public/track", params={"code": "C2570-00001", "pin": "1234-5678"})
    guessing = harness.client.get("/public/track", params={"code": "C2570-00001", "pin": "1234-5679"})
    assert guessing.status_code == 429


def test_staff_recorded_case_gets_a_printable_slip(harness: Harness) -> None:
    officer = harness.staff_token("officer")
    recorded = harness.client.post(
        "/api/v1/complaints",
        headers=officer,
        json={"source_channel": "phone", "category": "water", "description": "น้ำประปาไม่ไหล", "contact_name": "ลุงมี"},
    )
    assert recorded.status_code in (200, 201), recorded.text
    code = recorded.json()["code"]
    assert harness.client.post(f"/api/v1/complaints/{code}/slip").status_code == 401
    assert harness.client.post("/api/v1/complaints/C2570-99999/slip", headers=officer).status_code == 404
    slip = harness.client.post(f"/api/v1/complaints/{code}/slip", headers=officer)
    assert slip.status_code == 200 and 'media="print"' in slip.text and "กำหนดแล้วเสร็จ" in slip.text
    first_code, first_pin = _filed(slip.text)
    assert first_code == code
    assert harness.client.get("/public/track", params={"code": code, "pin": first_pin}).status_code == 200
    _, second_pin = _filed(harness.client.post(f"/api/v1/complaints/{code}/slip", headers=officer).text)
    assert harness.client.get("/public/track", params={"code": code, "pin": second_pin}).status_code == 200
    if second_pin != first_pin:
        assert harness.client.get("/public/track", params={"code": code, "pin": first_pin}).status_code == 404
    audit = harness.client.get("/api/v1/audit", headers=harness.staff_token("admin")).json()
    assert any(row["action"] == "complaint.slip" and row["record_id"] == code for row in audit)

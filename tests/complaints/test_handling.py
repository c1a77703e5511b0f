"""Staff handle complaints: transitions (and the 409s), every change pushed, confirmation, rating."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.complaints.models import Complaint, ComplaintUpdate
from surveys.models import SurveyResponse
from tests.complaints.test_filing import file_text_only
from tests.harness import Harness


def filed(harness: Harness) -> tuple[str, str]:
    user = harness.new_user()
    harness.onboard(user)
    code, _ = file_text_only(harness, user)
    return user, code


def move(harness: Harness, headers: dict[str, str], code: str, **body: object):  # type: ignore[no-untyped-def]
    return harness.client.post(f"/api/v1/complaints/{code}/transitions", json=body, headers=headers)


def test_the_whole_life_of_a_case_is_pushed_to_the_complainant(harness: Harness) -> None:
    user, code = filed(harness)
    officer = harness.staff_token("officer")
    assert (
        move(harness, officer, code, status="assigned", unit="engineering", internal_note="ส่งช่างไฟ").status_code == 200
    )
    assert move(harness, officer, code, status="in_progress", public_note="ช่างจะเข้าพื้นที่พรุ่งนี้").status_code == 200
    harness.deliver()
    texts = harness.line.state.texts_to(user)
    assert any(code in t and "ส่งให้หน่วยงานรับผิดชอบแล้ว" in t for t in texts)
    assert any("ช่างจะเข้าพื้นที่พรุ่งนี้" in t for t in texts)
    assert not any("ส่งช่างไฟ" in t for t in texts)  # internal notes never reach the resident
    assert move(harness, officer, code, status="resolved", public_note="เปลี่ยนหลอดไฟแล้ว").status_code == 200
    harness.deliver()
    confirm = harness.last_message(user)
    assert confirm["template"]["type"] == "confirm"
    harness.tap(user, confirm["template"]["actions"][0]["data"])  # แก้ไขแล้ว
    rating = harness.quick_replies(user)
    assert [a["label"][0] for a in rating] == ["5", "4", "3", "2", "1"]
    assert "ขอบคุณสำหรับคะแนน" in harness.tap(user, rating[1]["data"])[0]
    assert "ให้คะแนนเรื่องนี้แล้ว" in harness.tap(user, rating[0]["data"])[0]
    with Session(harness.engine) as session:
        complaint = session.exec(select(Complaint)).one()
    assert (complaint.status, complaint.rating) == ("closed", 4)
    detail = harness.client.get(f"/api/v1/complaints/{code}", headers=officer).json()
    assert [u["status_to"] for u in detail["timeline"] if u["status_to"]] == [
        "received",
        "assigned",
        "in_progress",
        "resolved",
        "closed",
    ]
    assert any(u["internal_note"] == "ส่งช่างไฟ" for u in detail["timeline"])


def test_not_fixed_reopens_the_case_and_tells_the_unit(harness: Harness) -> None:
    user, code = filed(harness)
    officer = harness.staff_token("officer", unit="engineering")
    move(harness, officer, code, status="resolved", public_note="ซ่อมแล้ว")
    harness.deliver()
    no = harness.last_message(user)["template"]["actions"][1]["data"]
    assert "เปิดเรื่อง" in harness.tap(user, no)[0]
    assert "ไม่ได้รอการยืนยันแล้ว" in harness.tap(user, no)[0]  # the button again: nothing twice
    notes = harness.client.get("/api/v1/notifications", headers=officer).json()
    assert any(n["kind"] == "reopened" and n["record_code"] == code for n in notes)
    assert harness.client.get(f"/api/v1/complaints/{code}", headers=officer).json()["status"] == "reopened"


def test_invalid_transitions_are_409_and_missing_notes_422(harness: Harness) -> None:
    _, code = filed(harness)
    officer = harness.staff_token("officer")
    assert move(harness, officer, code, status="closed").status_code == 409
    response = move(harness, officer, code, status="rejected")
    assert response.status_code == 422 and "public_note" in response.json()["detail"]
    assert move(harness, officer, code, status="flying").status_code == 422
    assert move(harness, officer, code, status="assigned", unit="nasa").status_code == 422
    assert move(harness, officer, code, status="withdrawn", public_note="ผู้ร้องขอถอนเรื่อง").status_code == 200
    closed = move(harness, officer, code, status="in_progress")
    assert closed.status_code == 409 and "เปลี่ยนสถานะ" in closed.json()["detail"]
    assert move(harness, officer, "C2570-99999", status="assigned").status_code == 404
    with Session(harness.engine) as session:
        kinds = [u.status_to for u in session.exec(select(ComplaintUpdate)).all()]
    assert kinds == ["received", "withdrawn"]  # refused requests wrote nothing


def test_staff_record_phone_complaints_with_their_channel_and_filters_find_them(harness: Harness) -> None:
    officer = harness.staff_token("officer")
    body = {
        "source_channel": "phone",
        "category": "waste",
        "description": "ขยะล้นถังหน้าตลาด",
        "village_no": 2,
        "contact_name": "นางสมร",
        "phone": "0899999999",
    }
    created = harness.client.post("/api/v1/complaints", json=body, headers=officer)
    assert created.status_code == 201 and created.json()["source_channel"] == "phone"
    for bad in (
        {**body, "category": "ufo"},
        {**body, "village_no": 99},
        {**body, "description": ""},
        {**body, "source_channel": "pigeon"},
    ):
        assert harness.client.post("/api/v1/complaints", json=bad, headers=officer).status_code == 422
    filed(harness)  # a LINE complaint too, which the channel filter must leave out
    listing = harness.client.get("/api/v1/complaints", params={"source_channel": "phone"}, headers=officer).json()
    assert [c["code"] for c in listing["items"]] == [created.json()["code"]] and listing["total"] == 1
    found = harness.client.get("/api/v1/complaints", params={"q": "ตลาด"}, headers=officer).json()
    assert found["total"] == 1
    page = harness.client.get("/api/v1/complaints", params={"limit": 1, "offset": 1}, headers=officer).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    by_village = harness.client.get("/api/v1/complaints", params={"village": 2}, headers=officer).json()
    assert [c["code"] for c in by_village["items"]] == [created.json()["code"]]
    assert harness.client.get("/api/v1/complaints", params={"status": "nope"}, headers=officer).status_code == 422


def test_tracking_shows_only_ones_own_cases(harness: Harness) -> None:
    owner, code = filed(harness)
    stranger = harness.new_user("คนอื่น")
    harness.onboard(stranger)
    assert "ไม่พบเรื่องรหัสนี้ในรายการของท่าน" in harness.say(stranger, f"ติดตาม {code}")[0]
    assert "ไม่พบเรื่องรหัสนี้ในรายการของท่าน" in harness.say(stranger, "ติดตาม C2570-99999")[0]
    assert "ยังไม่มีเรื่อง" in harness.say(stranger, "ติดตาม")[0]
    listing = harness.say(owner, "ติดตาม")[0]
    assert code in listing
    timeline = harness.say(owner, f"ติดตาม {code.lower()}")[0]
    assert f"เรื่อง {code}" in timeline and "รับเรื่องแล้ว" in timeline


def test_the_handling_rating_feeds_the_complaint_handling_survey(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    assert harness.client.post("/api/v1/surveys/install-shipped", headers=manager).status_code == 200
    assert harness.client.post("/api/v1/surveys/complaint_handling/open", headers=manager).status_code == 200
    user, code = filed(harness)
    officer = harness.staff_token("officer")
    move(harness, officer, code, status="resolved", public_note="ซ่อมแล้ว")
    harness.deliver()
    harness.tap(user, harness.last_message(user)["template"]["actions"][0]["data"])
    harness.tap(user, harness.quick_replies(user)[0]["data"])  # 5 มากที่สุด
    with Session(harness.engine) as session:
        responses = session.exec(select(SurveyResponse)).all()
    assert len(responses) == 1 and code in str(responses[0].model_dump())


def test_a_forbidden_transition_lists_the_allowed_ones(harness: Harness) -> None:
    _, code = filed(harness)
    officer = harness.staff_token("officer")
    assert move(harness, officer, code, status="resolved", public_note="ซ่อมแล้ว").status_code == 200
    refused = move(harness, officer, code, status="in_progress", public_note="x")
    assert refused.status_code == 409
    body = refused.json()
    assert set(body) == {"detail", "code", "errors", "allowed"} and body["code"] == "conflict"
    assert body["allowed"] == ["reopened", "closed"] or sorted(body["allowed"]) == ["closed", "reopened"]
    assert "เปลี่ยนได้เป็น" in body["detail"]
    missing = harness.client.get("/api/v1/complaints/C2570-99999", headers=officer).json()
    assert set(missing) == {"detail", "code", "errors"}  # other errors keep their shape

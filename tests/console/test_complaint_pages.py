"""Complaint pages: the queue and its filters, the case page, the transition form and its preview."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.complaints import service
from bot.complaints.models import Complaint, SourceChannel
from bot.staff.models import Role
from tests.complaints.test_handling import filed
from tests.console.helpers import add_member, page_csrf, sign_in
from tests.harness import Harness

XSS = "<script>alert(1)</script> ไฟดับ"


def _file(harness: Harness, description: str, **fields: object) -> str:
    with Session(harness.engine) as session:
        complaint = service.file_complaint(
            session,
            org=harness.org,
            settings=harness.settings,
            category="lighting",
            description=description,
            now=harness.clock(),
            source=SourceChannel.PHONE,
            **fields,
        )
        session.commit()
        return complaint.code


def test_queue_filters_searches_pages_and_escapes(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    code = _file(harness, XSS, village_no=2)
    other = _file(harness, "ถนนเป็นหลุม", village_no=3)
    client = sign_in(harness, "somsri")
    page = client.get("/console/complaints")
    assert page.status_code == 200 and code in page.text and other in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    by_village = client.get("/console/complaints?village=3").text
    assert other in by_village and code not in by_village
    assert code in client.get("/console/complaints?q=ไฟดับ").text
    assert other not in client.get("/console/complaints?q=ไฟดับ").text
    assert "ไม่พบเรื่องตามเงื่อนไข" in client.get("/console/complaints?overdue=yes").text
    harness.clock.advance(days=16)
    assert client.get("/console/complaints", follow_redirects=False).status_code == 303  # idle session ended
    client = sign_in(harness, "somsri")
    late = client.get("/console/complaints?overdue=yes").text
    assert code in late and "เกินกำหนด" in late
    assert client.get("/console/complaints?fiscal_year=abc&village=x").status_code == 200  # bad filters ignored
    case = client.get(f"/console/complaints/{code}").text
    assert "&lt;script&gt;" in case and "<script>alert" not in case


def test_paging(harness: Harness) -> None:
    add_member(harness, Role.MANAGER, "boss")
    codes = [_file(harness, f"เรื่องที่ {i}") for i in range(55)]
    client = sign_in(harness, "boss")
    first, second = client.get("/console/complaints").text, client.get("/console/complaints?page=2").text
    assert codes[-1] in first and codes[0] not in first and codes[0] in second and "หน้า 2 / 2" in second


def test_working_a_case_from_the_form_tells_the_resident_exactly_the_preview(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    user, code = filed(harness)
    client = sign_in(harness, "somsri")
    case = client.get(f"/console/complaints/{code}")
    assert case.status_code == 200 and 'name="public_note"' in case.text and 'name="internal_note"' in case.text
    assert 'value="closed"' not in case.text  # received → closed is not allowed: not offered
    preview = client.get(
        f"/console/complaints/{code}/preview", params={"status": "in_progress", "public_note": "ช่างจะเข้าพื้นที่พรุ่งนี้"}
    ).text
    assert "ช่างจะเข้าพื้นที่พรุ่งนี้" in preview and code in preview
    moved = client.post(
        f"/console/complaints/{code}",
        data={
            "csrf_token": page_csrf(client, f"/console/complaints/{code}"),
            "status": "in_progress",
            "public_note": "ช่างจะเข้าพื้นที่พรุ่งนี้",
            "internal_note": "ส่งช่างไฟ",
            "unit": "engineering",
        },
    )
    assert moved.status_code == 200 and "บันทึกการเปลี่ยนสถานะแล้ว" in moved.text and "ส่งช่างไฟ" in moved.text
    harness.deliver()
    sent = harness.line.state.texts_to(user)[-1]
    assert "ช่างจะเข้าพื้นที่พรุ่งนี้" in sent and "ส่งช่างไฟ" not in sent
    assert sent.replace("\n", "") in preview.replace("\n", "")


def test_refused_transitions_show_the_form_again_and_change_nothing(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    code = _file(harness, "ไฟดับ")
    client = sign_in(harness, "somsri")
    token = page_csrf(client, f"/console/complaints/{code}")
    no_note = client.post(f"/console/complaints/{code}", data={"csrf_token": token, "status": "resolved"})
    assert no_note.status_code == 422 and "ต้องมีข้อความแจ้งผู้ร้องเรียน" in no_note.text
    closed = client.post(f"/console/complaints/{code}", data={"csrf_token": token, "status": "closed"})
    assert closed.status_code == 409 and "ไม่ได้" in closed.text
    bad_date = client.post(
        f"/console/complaints/{code}",
        data={"csrf_token": token, "status": "in_progress", "public_note": "x", "expected_date": "2020-13-01"},
    )
    assert bad_date.status_code == 422
    no_csrf = client.post(f"/console/complaints/{code}", data={"status": "in_progress"})
    assert no_csrf.status_code == 403
    with Session(harness.engine) as session:
        assert session.exec(select(Complaint)).one().status == "received"


def test_recording_a_phone_complaint(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    client = sign_in(harness, "somsri")
    token = page_csrf(client, "/console/complaints/new")
    empty = client.post(
        "/console/complaints/new",
        data={"csrf_token": token, "source_channel": "phone", "category": "lighting", "description": "  "},
    )
    assert empty.status_code == 422 and "รายละเอียด" in empty.text
    done = client.post(
        "/console/complaints/new",
        data={
            "csrf_token": token,
            "source_channel": "center_1567",
            "category": "lighting",
            "description": "ไฟดับทั้งซอย",
            "village_no": "2",
            "contact_name": "นางสมใจ",
            "phone": "0812345678",
        },
    )
    assert done.status_code == 200 and "บันทึกเรื่องแล้ว" in done.text and "0812345678" in done.text
    with Session(harness.engine) as session:
        complaint = session.exec(select(Complaint)).one()
    assert (complaint.source_channel, complaint.village_no) == ("center_1567", 2)


def test_integrity_officers_read_but_do_not_handle_complaints(harness: Harness) -> None:
    add_member(harness, Role.INTEGRITY_OFFICER, "integrity")
    code = _file(harness, "ไฟดับ")
    client = sign_in(harness, "integrity")
    page = client.get(f"/console/complaints/{code}")
    assert page.status_code == 200 and 'name="public_note"' not in page.text
    token = page_csrf(client)
    assert (
        client.post(f"/console/complaints/{code}", data={"csrf_token": token, "status": "in_progress"}).status_code
        == 404
    )
    assert client.get("/console/complaints/new").status_code == 404


def test_absurd_numbers_in_a_query_are_ignored_not_a_500(harness: Harness) -> None:
    add_member(harness, Role.ADMIN, "root")
    client = sign_in(harness, "root")
    for value in ("9" * 5000, "99999999999999999999", "²", "๓", "-1"):
        for path in ("/console/complaints", "/console/forums", "/console/surveys"):
            answer = client.get(path, params={"page": value, "village": value, "fiscal_year": value})
            assert answer.status_code == 200, (path, value[:20], answer.text[:300])

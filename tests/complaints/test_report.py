"""The complaint report of a fiscal year: printable page, PDF (opened back with pypdf, Thai totals found),
the 15-day record with reasons, repeat problems, six-monthly halves, and sending the link to executives."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader
from sqlmodel import Session, select

from bot.residents.models import Resident
from bot.staff.models import StaffContact, StaffMember
from tests.harness import Harness

START = datetime(2026, 10, 5, 3, 0, tzinfo=UTC)  # FY 2570, first half


def record(harness: Harness, officer: dict[str, str], category: str, village: int) -> str:
    response = harness.client.post(
        "/api/v1/complaints",
        headers=officer,
        json={"source_channel": "walk_in", "category": category, "description": "ปัญหา", "village_no": village},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def build_year(harness: Harness) -> None:
    """Five cases: three roads complaints in village 2 (a repeat problem), one late with a reason, one done."""
    harness.clock.now = START
    officer = harness.staff_token("officer")
    roads = [record(harness, officer, "roads", 2) for _ in range(3)]
    record(harness, officer, "water", 5)
    done = record(harness, officer, "lighting", 1)
    harness.clock.advance(days=2)
    assert (
        harness.client.post(
            f"/api/v1/complaints/{done}/transitions",
            headers=officer,
            json={"status": "resolved", "public_note": "เปลี่ยนหลอดไฟแล้ว"},
        ).status_code
        == 200
    )
    harness.clock.advance(days=10)
    late = harness.client.post(
        f"/api/v1/complaints/{roads[0]}/transitions",
        headers=officer,
        json={"status": "in_progress", "public_note": "รองบประมาณซ่อมถนน", "expected_date": str(date(2026, 11, 30))},
    )
    assert late.status_code == 200, late.text
    harness.clock.advance(days=10)  # 22 days after filing: every open case is past its 15 days


def test_the_report_page_and_its_pdf_carry_the_thai_totals(harness: Harness) -> None:
    build_year(harness)
    page = harness.client.get("/public/reports/complaints/2570")
    assert page.status_code == 200
    text = page.text
    assert "รายงานผลการดำเนินการเรื่องร้องเรียน ประจำปีงบประมาณ 2570" in text
    assert "รับเรื่องทั้งหมด 5 เรื่อง ดำเนินการแล้วเสร็จ 1 เรื่อง" in text and "อยู่ระหว่างดำเนินการ 4 เรื่อง" in text
    assert "รองบประมาณซ่อมถนน" in text and "ไม่ได้แจ้งเหตุผล" in text  # the 15-day record with its reasons
    assert "หมู่ 2 บ้านดอนตูม" in text  # the repeat problem's village
    first_half = harness.client.get("/public/reports/complaints/2570", params={"half": 1}).text
    assert "รอบ 6 เดือนแรก" in first_half and "รับเรื่องทั้งหมด 5 เรื่อง" in first_half
    assert "รับเรื่องทั้งหมด 0 เรื่อง" in harness.client.get("/public/reports/complaints/2570", params={"half": 2}).text
    assert harness.client.get("/public/reports/complaints/2570", params={"half": 3}).status_code == 422

    assert harness.client.get("/api/v1/reports/complaints/2570.pdf").status_code == 401
    officer = harness.staff_token("officer")
    pdf = harness.client.get("/api/v1/reports/complaints/2570.pdf", headers=officer)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    extracted = "".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    squeezed = extracted.replace(" ", "").replace("\u0e4d\u0e32", "\u0e33")  # SARA AM, spelled as drawn
    assert "รายงานผลการดำเนินการเรื่องร้องเรียนประจำปีงบประมาณ2570" in squeezed, extracted[:500]
    assert "รับเรื่องทั้งหมด5เรื่อง" in squeezed and "ดำเนินการแล้วเสร็จ1เรื่อง" in squeezed, extracted[:500]
    assert "อยู่ระหว่างดำเนินการ4เรื่อง" in squeezed  # tests/portal/test_pdf_text.py: the tlwg tone-mark swap


def test_send_to_executives_pushes_the_link_to_linked_managers(harness: Harness) -> None:
    officer, manager = harness.staff_token("officer"), harness.staff_token("manager", name="นายก")
    user = harness.new_user("นายก")
    harness.onboard(user)
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident).where(Resident.line_user_id == user)).one()
        member = session.exec(select(StaffMember).where(StaffMember.name == "นายก")).one()
        session.add(StaffContact(staff_member_id=member.id or 0, resident_id=resident.id, linked_at=harness.clock()))
        session.commit()
    assert harness.client.post("/api/v1/reports/complaints/2570/send", headers=officer).status_code == 403
    sent = harness.client.post("/api/v1/reports/complaints/2570/send", headers=manager)
    assert sent.status_code == 200 and sent.json()["recipients"] == 1
    harness.deliver()
    pushed = harness.line.state.texts_to(user)[-1]
    assert "รายงานผลการดำเนินการเรื่องร้องเรียน" in pushed and "/public/reports/complaints/2570" in pushed


def test_complaints_at_one_spot_are_a_repeat_problem_across_villages(harness: Harness) -> None:
    from bot.complaints.models import Complaint
    from bot.complaints.report import metres_apart

    harness.clock.now = START
    officer = harness.staff_token("officer")
    # Three potholes within 200 m of the first (two villages meet there), one 1 km away, one lamp at the spot.
    placed = {
        record(harness, officer, "roads", 2): (15.00000, 102.00000),
        record(harness, officer, "roads", 3): (15.00100, 102.00050),  # ~124 m
        record(harness, officer, "roads", 2): (14.99880, 101.99900),  # ~173 m
        record(harness, officer, "roads", 2): (15.00900, 102.00000),  # ~1 km
        record(harness, officer, "lighting", 2): (15.00000, 102.00000),
    }
    assert 120 < metres_apart(15.0, 102.0, 15.001, 102.0005) < 130
    with Session(harness.engine) as session:
        for case in session.exec(select(Complaint)).all():
            case.latitude, case.longitude = placed[case.code]
        session.commit()
    page = harness.client.get("/public/reports/complaints/2570").text
    assert "ปัญหาซ้ำที่จุดเดียวกัน" in page and "15.00000, 102.00000" in page
    rows = page.split("ปัญหาซ้ำที่จุดเดียวกัน")[1].split("</table>")[0]
    assert rows.count("<tr") == 2, rows  # the heading row and one spot: roads, 3 times (not the far one, not the lamp)
    assert '<td class="n">3</td>' in rows, rows

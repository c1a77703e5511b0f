"""The 15-day rule with a controlled clock: reminder, told why at the due date, escalation, auto-close."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot import thai
from bot.complaints.models import Complaint
from tests.complaints.test_handling import filed, move
from tests.harness import Harness


def due_of(harness: Harness, code: str) -> datetime:
    with Session(harness.engine) as session:
        return session.exec(select(Complaint.due_at).where(Complaint.code == code)).one()


def test_unit_is_reminded_before_the_due_date_once(harness: Harness) -> None:
    _, code = filed(harness)
    unit = harness.staff_token("officer", unit="engineering")
    remind_at = due_of(harness, code) - timedelta(days=harness.settings.complaint_reminder_days_before)
    harness.clock.now = remind_at - timedelta(minutes=1)
    assert harness.run_jobs()["complaints"]["reminded"] == 0
    harness.clock.advance(minutes=2)
    assert harness.run_jobs()["complaints"]["reminded"] == 1
    assert harness.run_jobs()["complaints"]["reminded"] == 0
    notes = harness.client.get("/api/v1/notifications", headers=unit).json()
    assert [n["kind"] for n in notes if n["record_code"] == code] == ["due_soon", "new_complaint"]


def test_late_case_without_a_reason_is_escalated_and_the_complainant_told(harness: Harness) -> None:
    user, code = filed(harness)
    manager = harness.staff_token("manager")
    harness.clock.now = due_of(harness, code) - timedelta(minutes=1)
    assert harness.run_jobs()["complaints"]["told_late"] == 0  # due at 23:59 Thai time on day 15
    harness.clock.advance(minutes=2)
    assert harness.run_jobs()["complaints"]["told_late"] == 1
    assert harness.run_jobs()["complaints"]["told_late"] == 0  # told once per due date
    assert "แจ้งผู้บริหารให้เร่งติดตามแล้ว" in harness.line.state.texts_to(user)[-1]
    notes = harness.client.get("/api/v1/notifications", headers=manager).json()
    assert any(n["kind"] == "escalated" and n["record_code"] == code for n in notes)
    listing = harness.client.get("/api/v1/complaints", params={"overdue": True}, headers=manager).json()
    assert [c["code"] for c in listing["items"]] == [code]


def test_a_recorded_reason_and_new_date_is_what_the_complainant_hears(harness: Harness) -> None:
    user, code = filed(harness)
    officer = harness.staff_token("officer")
    new_date = thai.local_date(harness.clock() + timedelta(days=25))
    response = move(
        harness, officer, code, status="in_progress", public_note="รออะไหล่จากผู้ขาย", expected_date=new_date.isoformat()
    )
    assert response.status_code == 200
    harness.deliver()
    assert "รออะไหล่จากผู้ขาย" in harness.line.state.texts_to(user)[-1]
    harness.clock.advance(days=16)
    assert harness.run_jobs()["complaints"]["told_late"] == 1
    told = harness.line.state.texts_to(user)[-1]
    assert "รออะไหล่จากผู้ขาย" in told and thai.format_date(new_date) in told
    harness.clock.advance(days=10)  # the promised date passes too, with no newer reason: escalate
    assert harness.run_jobs()["complaints"]["told_late"] == 1
    assert "แจ้งผู้บริหาร" in harness.line.state.texts_to(user)[-1]
    stats = harness.client.get(
        "/api/v1/complaints/stats",
        headers=officer,
        params={"fiscal_year": thai.fiscal_year(harness.clock() - timedelta(days=26))},
    ).json()
    assert stats["late_cases"] == 1 and stats["late_told_why"] == 1.0


def test_a_past_expected_date_or_one_without_reason_is_refused(harness: Harness) -> None:
    _, code = filed(harness)
    officer = harness.staff_token("officer")
    yesterday = thai.local_date(harness.clock() - timedelta(days=1)).isoformat()
    past = move(harness, officer, code, status="in_progress", public_note="x", expected_date=yesterday)
    assert past.status_code == 422
    later = thai.local_date(harness.clock() + timedelta(days=30)).isoformat()
    assert move(harness, officer, code, status="in_progress", expected_date=later).status_code == 422


def test_silence_after_resolution_closes_the_case_and_asks_for_a_rating(harness: Harness) -> None:
    user, code = filed(harness)
    officer = harness.staff_token("officer")
    move(harness, officer, code, status="resolved", public_note="ซ่อมเสร็จแล้ว")
    harness.clock.advance(days=harness.settings.complaint_auto_close_days - 1)
    assert harness.run_jobs()["complaints"]["auto_closed"] == 0
    harness.clock.advance(days=1, minutes=1)
    assert harness.run_jobs()["complaints"]["auto_closed"] == 1
    assert harness.client.get(f"/api/v1/complaints/{code}", headers=officer).json()["status"] == "closed"
    assert "พึงพอใจ" in harness.line.state.texts_to(user)[-1]


def test_resolved_in_time_cases_are_not_late(harness: Harness) -> None:
    _, code = filed(harness)
    officer = harness.staff_token("officer")
    harness.clock.advance(days=3)
    move(harness, officer, code, status="resolved", public_note="ซ่อมแล้ว")
    harness.clock.advance(days=20)
    assert harness.run_jobs()["complaints"]["told_late"] == 0

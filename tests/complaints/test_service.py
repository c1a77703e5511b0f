"""The complaint rules called directly (no webhook, worker or LINE): codes per fiscal year, the due date,
the status machine, the 15-day rule. Each test's rows are rolled back (the `db` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot import thai
from bot.complaints import scheduler
from bot.complaints import service as complaints
from bot.complaints.models import Complaint, ComplaintUpdate, SourceChannel, Status
from bot.config import Settings
from bot.outbox.models import OutboxMessage
from bot.residents.models import FollowStatus, Resident

SETTINGS = Settings(_env_file=None)
ORG = SETTINGS.organisation
CATEGORY = ORG.categories[0].key
# 30 Sep 2027 16:00 UTC = 23:00 Thai time, the last hour of fiscal year 2570.
LAST_HOUR_OF_FY = datetime(2027, 9, 30, 16, 0, tzinfo=UTC)


def file(db: Session, now: datetime, resident: Resident | None = None) -> Complaint:
    return complaints.file_complaint(
        db, org=ORG, settings=SETTINGS, category=CATEGORY, description="ไฟทางดับ", now=now, resident=resident
    )


def resident(db: Session, now: datetime) -> Resident:
    person = Resident(line_user_id="U" + "a" * 32, status=FollowStatus.FOLLOWING, created_at=now)
    db.add(person)
    db.flush()
    return person


def test_codes_count_up_within_a_fiscal_year_and_restart_on_1_october(db: Session) -> None:
    first, second = file(db, LAST_HOUR_OF_FY), file(db, LAST_HOUR_OF_FY + timedelta(minutes=30))
    next_year = file(db, LAST_HOUR_OF_FY + timedelta(hours=1))  # 00:00 on 1 Oct, Thai time
    assert (first.code, second.code, next_year.code) == ("C2570-00001", "C2570-00002", "C2571-00001")
    assert (first.fiscal_year, next_year.fiscal_year) == (2570, 2571)


def test_due_at_the_end_of_the_fifteenth_thai_day(db: Session) -> None:
    filed_at = datetime(2026, 11, 2, 18, 30, tzinfo=UTC)  # 01:30 on 3 Nov, Thai time
    complaint = file(db, filed_at)
    due_local = complaint.due_at.astimezone(thai.BANGKOK)
    assert (due_local.date().isoformat(), due_local.hour, due_local.minute) == ("2026-11-18", 23, 59)
    assert complaint.first_due_at == complaint.due_at


def test_unknown_category_and_empty_description_are_refused(db: Session) -> None:
    with pytest.raises(complaints.ComplaintError):
        complaints.file_complaint(db, org=ORG, settings=SETTINGS, category="nope", description="x", now=LAST_HOUR_OF_FY)
    with pytest.raises(complaints.ComplaintError):
        complaints.file_complaint(
            db, org=ORG, settings=SETTINGS, category=CATEGORY, description="   ", now=LAST_HOUR_OF_FY
        )


def test_every_status_reaches_only_what_the_machine_allows(db: Session) -> None:
    now = LAST_HOUR_OF_FY
    complaint = file(db, now)
    for source in Status:
        for target in Status:
            attempt = db.begin_nested()  # each pair starts from the same case
            complaint.status = source
            allowed = target in complaints.TRANSITIONS[source]
            try:
                complaints.transition(db, complaint, target, org=ORG, now=now, public_note="หมายเหตุ")
            except complaints.InvalidTransition:
                assert not allowed, (source, target)
            else:
                assert allowed, (source, target)
                assert complaint.status == target
            attempt.rollback()


def test_finished_states_are_final(db: Session) -> None:
    for final in (Status.CLOSED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN):
        assert complaints.TRANSITIONS[final] == frozenset()


def test_a_public_note_is_required_where_the_complainant_must_be_told(db: Session) -> None:
    complaint = file(db, LAST_HOUR_OF_FY)
    with pytest.raises(complaints.ComplaintError, match="public_note"):
        complaints.transition(db, complaint, Status.RESOLVED, org=ORG, now=LAST_HOUR_OF_FY)
    assert complaint.status == Status.RECEIVED


def test_resolving_pushes_the_confirm_question_to_the_complainant(db: Session) -> None:
    now = LAST_HOUR_OF_FY
    complaint = file(db, now, resident(db, now))
    complaints.transition(db, complaint, Status.RESOLVED, org=ORG, now=now, public_note="ซ่อมแล้ว")
    pushed = db.exec(select(OutboxMessage).where(OutboxMessage.resident_id == complaint.resident_id)).all()
    assert len(pushed) == 1 and "cfix:" in pushed[0].messages


def test_a_rating_is_taken_once_and_only_when_closed(db: Session) -> None:
    now = LAST_HOUR_OF_FY
    complaint = file(db, now)
    with pytest.raises(complaints.InvalidTransition):
        complaints.rate(db, complaint, 5, now=now)
    complaint.status = Status.CLOSED
    with pytest.raises(complaints.ComplaintError):
        complaints.rate(db, complaint, 6, now=now)
    assert complaints.rate(db, complaint, 4, now=now) is True
    assert complaints.rate(db, complaint, 5, now=now) is False
    assert complaint.rating == 4


def test_fifteen_day_rule_reminds_then_tells_the_complainant_and_escalates(db: Session) -> None:
    filed = LAST_HOUR_OF_FY - timedelta(days=30)
    complaint = file(db, filed, resident(db, filed))
    assert scheduler.run_due(db, complaint.due_at - timedelta(days=4), settings=SETTINGS, org=ORG)["reminded"] == 0
    assert scheduler.run_due(db, complaint.due_at - timedelta(days=2), settings=SETTINGS, org=ORG)["reminded"] == 1
    assert scheduler.run_due(db, complaint.due_at - timedelta(minutes=1), settings=SETTINGS, org=ORG)["told_late"] == 0
    late = complaint.due_at + timedelta(minutes=1)
    assert scheduler.run_due(db, late, settings=SETTINGS, org=ORG)["told_late"] == 1
    assert scheduler.run_due(db, late + timedelta(hours=1), settings=SETTINGS, org=ORG)["told_late"] == 0
    assert complaint.overdue_at == late and complaint.escalated_at == late and complaint.told_why_at == late
    kinds = db.exec(select(ComplaintUpdate.kind).where(ComplaintUpdate.complaint_id == complaint.id)).all()
    assert kinds.count("overdue") == 1 and kinds.count("reminder") == 1


def test_a_reason_with_a_new_date_is_what_the_complainant_hears_at_the_mark(db: Session) -> None:
    filed = LAST_HOUR_OF_FY - timedelta(days=30)
    complaint = file(db, filed)
    promised = thai.local_date(complaint.due_at) + timedelta(days=10)
    complaints.transition(
        db,
        complaint,
        Status.IN_PROGRESS,
        org=ORG,
        now=filed + timedelta(days=3),
        public_note="รออะไหล่",
        expected_date=promised,
    )
    assert thai.local_date(complaint.due_at) == promised
    assert (
        scheduler.run_due(db, complaint.first_due_at + timedelta(minutes=1), settings=SETTINGS, org=ORG)["told_late"]
        == 1
    )
    assert complaint.escalated_at is None  # a reason was given: managers are not alerted
    assert scheduler.run_due(db, complaint.due_at + timedelta(minutes=1), settings=SETTINGS, org=ORG)["told_late"] == 1


def test_a_resolved_case_nobody_answers_closes_itself(db: Session) -> None:
    now = LAST_HOUR_OF_FY - timedelta(days=20)
    complaint = file(db, now)
    complaints.transition(db, complaint, Status.RESOLVED, org=ORG, now=now, public_note="ซ่อมแล้ว")
    days = SETTINGS.complaint_auto_close_days
    assert scheduler.close_unanswered(db, now + timedelta(days=days, minutes=-1), SETTINGS, ORG) == 0
    assert scheduler.close_unanswered(db, now + timedelta(days=days, minutes=1), SETTINGS, ORG) == 1
    assert complaint.status == Status.CLOSED


@pytest.mark.parametrize(("source", "note"), [("line", "รับเรื่องทาง LINE"), ("center_1567", "รับเรื่องทางศูนย์ดำรงธรรม 1567")])
def test_the_first_timeline_line_is_stored_in_the_house_style(db: Session, source: str, note: str) -> None:
    """Staff and residents read the stored note as is: a space between Thai and Latin letters or digits."""
    complaint = complaints.file_complaint(
        db,
        org=ORG,
        settings=SETTINGS,
        category=CATEGORY,
        description="ไฟทางดับ",
        now=LAST_HOUR_OF_FY,
        source=SourceChannel(source),
    )
    first = db.exec(select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint.id)).first()
    assert first is not None and first.public_note == note

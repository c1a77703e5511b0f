"""The inquiry rules called directly (no webhook, worker or LINE): codes per fiscal year, the promised answer
date per kind (15 days for official information), received → answered once, the 1–5 rating that feeds the
information-centre survey, erasure. Rolled back per test (`db`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot import errors, thai
from bot.config import Settings
from bot.inquiries import service as inquiries
from bot.inquiries.models import Inquiry, InquiryChannel, InquiryKind, InquiryStatus
from bot.outbox.models import OutboxMessage
from bot.residents.models import FollowStatus, Resident
from bot.staff import service as staff
from bot.staff.models import Role, StaffMember, StaffNotification
from surveys import catalogue
from surveys.definition import shipped_definitions
from surveys.models import PendingRating, SurveyResponse

SETTINGS = Settings(_env_file=None)
ORG = SETTINGS.organisation
# 30 Sep 2027 16:00 UTC = 23:00 Thai time, the last hour of fiscal year 2570.
LAST_HOUR_OF_FY = datetime(2027, 9, 30, 16, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 2, 18, 30, tzinfo=UTC)  # 01:30 on 3 Nov 2026, Thai time (FY 2570)


def resident(db: Session, name: str = "a", status: FollowStatus = FollowStatus.FOLLOWING) -> Resident:
    person = Resident(line_user_id="U" + name * 32, status=status, created_at=NOW, village_no=1)
    db.add(person)
    db.flush()
    return person


def ask(
    db: Session,
    now: datetime = NOW,
    *,
    kind: InquiryKind = InquiryKind.INFORMATION_REQUEST,
    asker: Resident | None = None,
    **extra: Any,
) -> Inquiry:
    return inquiries.record(db, org=ORG, kind=kind, text="ขอสำเนางบประมาณปี 2569", now=now, resident=asker, **extra)


def officer(db: Session) -> StaffMember:
    return staff.create_staff(db, name="สมศรี", role=Role.OFFICER, now=NOW)[0]


def reply(db: Session, inquiry: Inquiry, now: datetime = NOW, text: str = "แนบสำเนาให้แล้ว") -> None:
    inquiries.answer(db, inquiry, org=ORG, text=text, now=now, actor=officer(db))


def test_codes_count_up_within_a_fiscal_year_and_restart_on_1_october(db: Session) -> None:
    first, second = ask(db, LAST_HOUR_OF_FY), ask(db, LAST_HOUR_OF_FY + timedelta(minutes=59))
    next_year = ask(db, LAST_HOUR_OF_FY + timedelta(hours=1))  # 00:00 on 1 Oct, Thai time
    assert (first.code, second.code, next_year.code) == ("Q2570-00001", "Q2570-00002", "Q2571-00001")
    assert (first.fiscal_year, next_year.fiscal_year) == (2570, 2571)


def test_an_information_request_is_due_at_the_end_of_the_fifteenth_thai_day(db: Session) -> None:
    due = ask(db).due_at.astimezone(thai.BANGKOK)
    assert ORG.inquiry_answer_days.information_request == 15
    assert (due.date().isoformat(), due.hour, due.minute) == ("2026-11-18", 23, 59)


@pytest.mark.parametrize("kind", list(InquiryKind))
def test_each_kind_is_due_after_its_own_promised_days(db: Session, kind: InquiryKind) -> None:
    inquiry = ask(db, kind=kind)
    days = getattr(ORG.inquiry_answer_days, kind.value)
    assert thai.local_date(inquiry.due_at) == thai.local_date(NOW) + timedelta(days=days)


def test_overdue_only_while_unanswered_after_the_due_moment(db: Session) -> None:
    inquiry = ask(db)
    assert not inquiries.is_overdue(inquiry, inquiry.due_at - timedelta(minutes=1))
    assert inquiries.is_overdue(inquiry, inquiry.due_at)
    assert inquiries.answered_on_time(inquiry) is None
    reply(db, inquiry, now=inquiry.due_at + timedelta(minutes=1))
    assert not inquiries.is_overdue(inquiry, inquiry.due_at + timedelta(days=1))
    assert inquiries.answered_on_time(inquiry) is False


def test_an_answer_on_the_last_minute_is_on_time(db: Session) -> None:
    inquiry = ask(db)
    reply(db, inquiry, now=inquiry.due_at)
    assert inquiries.answered_on_time(inquiry) is True


@pytest.mark.parametrize("text", ["", "   ", "ก" * (inquiries.MAX_TEXT + 1)], ids=["empty", "blank", "too long"])
def test_an_empty_or_overlong_inquiry_is_refused(db: Session, text: str) -> None:
    with pytest.raises(inquiries.InquiryError) as refused:
        inquiries.record(db, org=ORG, kind=InquiryKind.QUESTION, text=text, now=NOW)
    assert errors.kind(refused.value) == "invalid"


def test_recording_tells_the_information_centre_and_keeps_a_walk_ins_contact(db: Session) -> None:
    inquiry = ask(db, channel=InquiryChannel.WALK_IN, contact_name="  นายมานะ  ", phone=" ", actor=officer(db))
    assert (inquiry.channel, inquiry.contact_name, inquiry.phone, inquiry.status) == (
        "walk_in",
        "นายมานะ",
        None,
        InquiryStatus.RECEIVED,
    )
    note = db.exec(select(StaffNotification)).one()
    assert (note.kind, note.unit, note.record_code) == ("new_inquiry", inquiries.UNIT, inquiry.code)


def test_answering_is_once_with_a_text_and_pushes_the_rating_question(db: Session) -> None:
    asker = resident(db)
    inquiry = ask(db, asker=asker)
    with pytest.raises(inquiries.InquiryError) as empty:
        reply(db, inquiry, text="  ")
    assert errors.kind(empty.value) == "invalid" and inquiry.status == InquiryStatus.RECEIVED
    reply(db, inquiry, now=NOW + timedelta(days=2))
    assert (inquiry.status, inquiry.answered_at) == (InquiryStatus.ANSWERED, NOW + timedelta(days=2))
    with pytest.raises(inquiries.AlreadyDone) as again:
        reply(db, inquiry, text="คำตอบที่สอง")
    assert errors.kind(again.value) == "conflict" and inquiry.answer_text == "แนบสำเนาให้แล้ว"
    pushed = db.exec(select(OutboxMessage).where(OutboxMessage.resident_id == asker.id)).one()
    rates = [item["action"]["data"] for item in json.loads(pushed.messages)[-1]["quickReply"]["items"]]
    assert rates == [inquiries.RateAnswer(inquiry.code, score).pack() for score in (5, 4, 3, 2, 1)]


@pytest.mark.parametrize("asker", ["none", "blocked"])
def test_an_asker_out_of_line_reach_is_answered_without_a_push(db: Session, asker: str) -> None:
    person = resident(db, status=FollowStatus.BLOCKED) if asker == "blocked" else None
    reply(db, ask(db, asker=person))
    assert db.exec(select(OutboxMessage)).first() is None


def test_a_rating_is_1_to_5_after_the_answer_and_only_once(db: Session) -> None:
    inquiry = ask(db, asker=resident(db))
    with pytest.raises(inquiries.AlreadyDone):
        inquiries.rate(db, inquiry, 5, now=NOW)
    reply(db, inquiry)
    for bad in (0, 6):
        with pytest.raises(inquiries.InquiryError):
            inquiries.rate(db, inquiry, bad, now=NOW)
    assert inquiries.rate(db, inquiry, 4, now=NOW) is True
    assert inquiries.rate(db, inquiry, 1, now=NOW) is False
    assert inquiry.rating == 4


def test_a_rating_feeds_the_information_centre_survey_without_naming_the_inquiry(db: Session) -> None:
    definition = next(d for d in shipped_definitions(ORG.short_name) if d.key == inquiries.SURVEY_KEY)
    survey = catalogue.install(db, definition, NOW)
    catalogue.open_survey(survey, NOW)
    inquiry = ask(db, asker=resident(db))
    reply(db, inquiry)
    inquiries.rate(db, inquiry, 5, now=NOW)
    response = db.exec(select(SurveyResponse)).one()
    assert response.link_type == "inquiry" and response.resident_id is None  # the survey is anonymous
    assert response.link_id != inquiry.code and inquiry.code not in response.respondent_key


def test_a_rating_while_the_survey_is_missing_is_kept_aside(db: Session) -> None:
    inquiry = ask(db, asker=resident(db))
    reply(db, inquiry)
    inquiries.rate(db, inquiry, 3, now=NOW)
    pending = db.exec(select(PendingRating)).one()
    assert (pending.survey_key, pending.link_id, pending.score) == (inquiries.SURVEY_KEY, inquiry.code, 3)


def test_a_resident_sees_only_their_own_inquiries(db: Session) -> None:
    me, other = resident(db, "a"), resident(db, "b")
    mine, theirs = ask(db, asker=me), ask(db, asker=other)
    assert inquiries.owned_by(db, f" {mine.code.lower()} ", me) is mine
    assert inquiries.owned_by(db, theirs.code, me) is None
    rated = ask(db, asker=me)
    reply(db, rated)
    inquiries.rate(db, rated, 5, now=NOW)
    answered = ask(db, asker=me)
    reply(db, answered)
    assert inquiries.recent_of(db, me) == [answered, mine]  # unanswered, or answered and not rated yet


def test_erasure_keeps_the_record_but_not_the_words(db: Session) -> None:
    person = resident(db)
    inquiry = ask(db, asker=person, contact_name="นายมานะ", phone="0812345678")
    inquiries.erase_resident(db, person, NOW)
    assert (inquiry.text, inquiry.contact_name, inquiry.phone) == (inquiries.ERASED_TEXT, None, None)
    assert inquiry.code.startswith("Q2570-")

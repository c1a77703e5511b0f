"""The rules of an inquiry: recording it with its code and promised date, answering (pushed to the
asker), and the asker's 1–5 rating, which feeds the information-centre satisfaction survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot import sequences, thai
from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.errors import Conflict, Invalid
from bot.inquiries import texts
from bot.inquiries.models import Inquiry, InquiryChannel, InquiryKind, InquiryStatus
from bot.organisation import Organisation
from bot.outbox import service as outbox
from bot.residents.models import Resident
from bot.staff import service as staff_service
from bot.staff.models import StaffMember
from bot.surveys import service as surveys

MAX_TEXT = 5000
CODE_PREFIX = "Q"
SURVEY_KEY = "info_centre"  # measure 8: the information centre's satisfaction survey
ERASED_TEXT = "(ลบข้อมูลตามคำขอของเจ้าของข้อมูล)"
UNIT = "palad"  # the information centre sits in the office of the permanent secretary


class InquiryError(Invalid):
    """A request the rules refuse; the message is Thai, for staff (422)."""


class AlreadyDone(InquiryError, Conflict):
    """Answering an answered inquiry, or rating one twice or before its answer (409)."""


@dataclass(frozen=True)
class RateAnswer(CallbackData, prefix="qrate"):
    code: str
    score: int


def promised_days(org: Organisation, kind: InquiryKind) -> int:
    return int(getattr(org.inquiry_answer_days, kind.value))


def due_date(org: Organisation, kind: InquiryKind, now: datetime) -> datetime:
    """End of the Thai day `promised_days` after `now`: answered any time that day is on time."""
    day = thai.local_date(now + timedelta(days=promised_days(org, kind)))
    return datetime.combine(day, time(23, 59), tzinfo=thai.BANGKOK).astimezone(UTC)


def record(
    session: Session,
    *,
    org: Organisation,
    kind: InquiryKind,
    text: str,
    now: datetime,
    resident: Resident | None = None,
    channel: InquiryChannel = InquiryChannel.LINE,
    contact_name: str | None = None,
    phone: str | None = None,
    actor: StaffMember | None = None,
) -> Inquiry:
    """A new inquiry with its code `Q<B.E. fiscal year>-<5 digits>` and promised answer date."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InquiryError(f"ข้อความต้องมี 1–{MAX_TEXT:,} ตัวอักษร")
    fiscal_year = thai.fiscal_year(now)
    code, _ = sequences.next_code(session, CODE_PREFIX, fiscal_year)
    inquiry = Inquiry(
        code=code,
        fiscal_year=fiscal_year,
        kind=kind,
        channel=channel,
        resident_id=resident.id if resident else None,
        contact_name=(contact_name or "").strip() or None,
        phone=(phone or "").strip() or None,
        text=text,
        created_at=now,
        due_at=due_date(org, kind, now),
        recorded_by_staff_id=actor.id if actor else None,
    )
    session.add(inquiry)
    session.flush()
    staff_service.notify(
        session,
        kind="new_inquiry",
        record_type="inquiry",
        record_code=code,
        now=now,
        unit=UNIT,
        message=f"{texts.KIND_NAMES[kind]}ใหม่ {code}",
    )
    return inquiry


def get(session: Session, code: str) -> Inquiry | None:
    return session.exec(select(Inquiry).where(Inquiry.code == code.strip().upper())).first()


def owned_by(session: Session, code: str, resident: Resident) -> Inquiry | None:
    """The resident's own inquiry; someone else's code answers exactly like an unknown one."""
    inquiry = get(session, code)
    return inquiry if inquiry is not None and inquiry.resident_id == resident.id else None


def recent_of(session: Session, resident: Resident, limit: int = 10) -> list[Inquiry]:
    """The resident's unanswered inquiries and those answered but not yet rated, newest first."""
    query = (
        select(Inquiry)
        .where(
            Inquiry.resident_id == resident.id,
            (col(Inquiry.status) == InquiryStatus.RECEIVED) | col(Inquiry.rating).is_(None),
        )
        .order_by(col(Inquiry.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def is_overdue(inquiry: Inquiry, now: datetime) -> bool:
    return inquiry.status == InquiryStatus.RECEIVED and inquiry.due_at <= now


def answered_on_time(inquiry: Inquiry) -> bool | None:
    if inquiry.answered_at is None:
        return None
    return inquiry.answered_at <= inquiry.due_at


def answer(
    session: Session,
    inquiry: Inquiry,
    *,
    org: Organisation,
    text: str,
    now: datetime,
    actor: StaffMember,
    attachments_url: str | None = None,
) -> None:
    """Record staff's answer and push it to a LINE asker, with the rating question."""
    if inquiry.status == InquiryStatus.ANSWERED:
        raise AlreadyDone(f"เรื่อง {inquiry.code} ตอบไปแล้ว")
    text = text.strip()
    if not text:
        raise InquiryError("ต้องมีข้อความคำตอบ")
    inquiry.status, inquiry.answer_text, inquiry.answered_at = InquiryStatus.ANSWERED, text, now
    inquiry.answer_attachments_url, inquiry.answered_by_staff_id = attachments_url, actor.id
    labels = ("5 มากที่สุด", "4 มาก", "3 ปานกลาง", "2 น้อย", "1 น้อยที่สุด")
    quick = [m.postback(label, RateAnswer(inquiry.code, int(label[0])).pack(), label) for label in labels]
    _tell_asker(session, inquiry, texts.answered(org, inquiry, quick), now)


def rate(session: Session, inquiry: Inquiry, score: int, *, now: datetime) -> bool:
    """Keep the asker's 1–5 rating once (False when already given) and add it to the survey."""
    if not 1 <= score <= 5:
        raise InquiryError("คะแนนต้องอยู่ระหว่าง 1–5")
    if inquiry.status != InquiryStatus.ANSWERED:
        raise AlreadyDone("ให้คะแนนได้เมื่อได้รับคำตอบแล้ว")
    if inquiry.rating is not None:
        return False
    inquiry.rating, inquiry.rated_at = score, now
    if inquiry.resident_id is not None:  # feeds the ≥ 80 % information-centre target (measure 8)
        surveys.record_linked_rating(
            session,
            survey_key=SURVEY_KEY,
            resident_id=inquiry.resident_id,
            score=score,
            link=("inquiry", inquiry.code),
            now=now,
        )
    return True


def _tell_asker(session: Session, inquiry: Inquiry, messages: list[m.Message], now: datetime) -> None:
    if inquiry.resident_id is None:
        return
    resident = session.get(Resident, inquiry.resident_id)
    if resident is None or not resident.can_receive or resident.line_user_id is None:
        return
    outbox.enqueue_push(session, resident_id=resident.id, user_id=resident.line_user_id, messages=messages, now=now)


def erase_resident(session: Session, resident: Resident, now: datetime) -> None:
    """Erasure: the inquiry stays as an anonymous record of service (the report counts it); the
    words go, since they may say who the asker is."""
    resident_id = resident.id or 0
    for inquiry in session.exec(select(Inquiry).where(Inquiry.resident_id == resident_id)).all():
        inquiry.text, inquiry.contact_name, inquiry.phone = ERASED_TEXT, None, None

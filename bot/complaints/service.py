"""The rules of a complaint's life: filing, the status machine, residents' confirmation and rating.

Every status change the resident should know about is pushed to them (through the outbox, in the
caller's transaction) with the public note; internal notes never leave the staff side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot import cases, media, sequences, thai
from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.complaints import texts
from bot.complaints.models import (
    FINISHED,
    NEEDS_PUBLIC_NOTE,
    Complaint,
    ComplaintPhoto,
    ComplaintUpdate,
    SourceChannel,
    Status,
)
from bot.config import Settings
from bot.errors import Conflict, Invalid
from bot.organisation import Organisation
from bot.outbox import service as outbox
from bot.residents.models import Resident
from bot.runtime import Runtime
from bot.staff import service as staff_service
from bot.staff.models import Role, StaffMember
from bot.surveys import service as surveys

MAX_DESCRIPTION = 5000
RESIDENT = "ผู้ร้องเรียน"
SYSTEM = "ระบบ"

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset(
        {
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.RESOLVED,
            Status.FORWARDED,
            Status.REJECTED,
            Status.DUPLICATE,
            Status.WITHDRAWN,
        }
    ),
    Status.ASSIGNED: frozenset(
        {
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.RESOLVED,
            Status.FORWARDED,
            Status.REJECTED,
            Status.DUPLICATE,
            Status.WITHDRAWN,
        }
    ),
    Status.IN_PROGRESS: frozenset(
        {
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.RESOLVED,
            Status.FORWARDED,
            Status.REJECTED,
            Status.DUPLICATE,
            Status.WITHDRAWN,
        }
    ),
    Status.REOPENED: frozenset(
        {
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.RESOLVED,
            Status.FORWARDED,
            Status.REJECTED,
            Status.DUPLICATE,
            Status.WITHDRAWN,
        }
    ),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.FORWARDED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.CLOSED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.DUPLICATE: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


class ComplaintError(Invalid):
    """A request the rules refuse; the message is Thai, for staff."""


class InvalidTransition(ComplaintError, Conflict):
    """The complaint's current status does not lead there (409)."""


STATUS_MACHINE = cases.StatusMachine(TRANSITIONS, texts.status_name, InvalidTransition)


@dataclass(frozen=True)
class ConfirmFix(CallbackData, prefix="cfix"):
    code: str
    fixed: bool


@dataclass(frozen=True)
class RateHandling(CallbackData, prefix="crate"):
    code: str
    score: int


def end_of_local_day(day: date) -> datetime:
    """23:59 Thai time on `day`, as UTC: a due date is met if done any time that day."""
    return datetime.combine(day, time(23, 59), tzinfo=thai.BANGKOK).astimezone(UTC)


def _due(now: datetime, settings: Settings) -> datetime:
    return end_of_local_day(thai.local_date(now + timedelta(days=settings.complaint_due_days)))


def file_complaint(
    session: Session,
    *,
    org: Organisation,
    settings: Settings,
    category: str,
    description: str,
    now: datetime,
    resident: Resident | None = None,
    source: SourceChannel = SourceChannel.LINE,
    village_no: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str | None = None,
    phone: str | None = None,
    contact_name: str | None = None,
    photo_message_ids: Sequence[str] = (),
    actor: StaffMember | None = None,
) -> Complaint:
    """Record a new complaint with its code and due date; photos are fetched from LINE afterwards."""
    chosen = next((c for c in org.categories if c.key == category), None)
    if chosen is None:
        raise ComplaintError(f"ไม่มีหมวด {category!r} ในไฟล์องค์กร")
    if village_no is not None and org.village(village_no) is None:
        raise ComplaintError(f"ไม่มีหมู่ที่ {village_no}")
    description = description.strip()
    if not description or len(description) > MAX_DESCRIPTION:
        raise ComplaintError(f"รายละเอียดต้องมี 1–{MAX_DESCRIPTION:,} ตัวอักษร")
    fiscal_year = thai.fiscal_year(now)
    code, _ = sequences.next_code(session, "C", fiscal_year)
    due = _due(now, settings)
    complaint = Complaint(
        code=code,
        fiscal_year=fiscal_year,
        resident_id=resident.id if resident else None,
        source_channel=source,
        category=chosen.key,
        village_no=village_no,
        description=description,
        latitude=latitude,
        longitude=longitude,
        address=address,
        phone=phone,
        contact_name=contact_name,
        unit=chosen.unit,
        created_at=now,
        first_due_at=due,
        due_at=due,
    )
    session.add(complaint)
    session.flush()
    for message_id in photo_message_ids[: settings.photos_per_case]:
        attach_photo(session, complaint, media.awaiting(message_id, now))
    _log(
        session,
        complaint,
        now,
        kind="transition",
        status_to=Status.RECEIVED,
        actor=actor,
        actor_name=RESIDENT if actor is None else None,
        public_note=m.polish(f"รับเรื่องทาง{texts.SOURCE_NAMES[source]}"),
    )
    staff_service.notify(
        session,
        kind="new_complaint",
        record_type="complaint",
        record_code=code,
        now=now,
        unit=chosen.unit,
        message=f"เรื่องร้องเรียนใหม่ {code} หมวด{chosen.name}",
    )
    return complaint


def get(session: Session, code: str) -> Complaint | None:
    return session.exec(select(Complaint).where(Complaint.code == code.strip().upper())).first()


def owned_by(session: Session, code: str, resident: Resident) -> Complaint | None:
    """The resident's own case; someone else's code answers exactly like an unknown one."""
    complaint = get(session, code)
    return complaint if complaint is not None and complaint.resident_id == resident.id else None


def open_cases_of(session: Session, resident: Resident) -> list[Complaint]:
    query = (
        select(Complaint)
        .where(
            Complaint.resident_id == resident.id,
            col(Complaint.status).not_in([Status.CLOSED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN]),
        )
        .order_by(col(Complaint.id).desc())
    )
    return list(session.exec(query).all())


def public_timeline(session: Session, complaint: Complaint) -> list[tuple[datetime, str]]:
    """What the resident may see: status changes and public notes, never internal ones."""
    updates = session.exec(
        select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint.id).order_by(col(ComplaintUpdate.id))
    ).all()
    lines = []
    for update in updates:
        if update.kind not in ("transition", "delay_reason", "overdue") or not (update.status_to or update.public_note):
            continue
        lines.append((update.at, cases.public_line(update.status_to, update.public_note, texts.status_name)))
    return lines


def transition(
    session: Session,
    complaint: Complaint,
    target: Status,
    *,
    org: Organisation,
    now: datetime,
    actor: StaffMember | None = None,
    actor_name: str | None = None,
    public_note: str | None = None,
    internal_note: str | None = None,
    unit: str | None = None,
    assigned_staff_id: int | None = None,
    expected_date: date | None = None,
    tell_complainant: bool = True,
) -> ComplaintUpdate:
    """Move a case along its life, tell the complainant (unless they are the one acting: then the dialog
    replies), and keep the timeline."""
    current = Status(complaint.status)
    public_note = (public_note or "").strip() or None
    STATUS_MACHINE.check(current, target)
    if target in NEEDS_PUBLIC_NOTE and not public_note:
        raise ComplaintError(f"สถานะ “{texts.status_name(target)}” ต้องมีข้อความแจ้งผู้ร้องเรียน (public_note)")
    if unit is not None and unit not in {u.key for u in org.units}:
        raise ComplaintError(f"ไม่มีหน่วยงาน {unit!r}")
    new_due = None
    if expected_date is not None:
        if not public_note:
            raise ComplaintError("การเลื่อนกำหนดต้องมีเหตุผลแจ้งผู้ร้องเรียน (public_note)")
        if expected_date < thai.local_date(now):
            raise ComplaintError("วันที่คาดว่าจะแล้วเสร็จต้องไม่อยู่ในอดีต")
        new_due = end_of_local_day(expected_date)
        complaint.due_at = new_due
        complaint.late_notice_at = now  # the complainant is told why, now
        complaint.told_why_at = complaint.told_why_at or now
    if unit is not None:
        complaint.unit = unit
    if assigned_staff_id is not None:
        complaint.assigned_staff_id = assigned_staff_id
    complaint.status = target
    if target == Status.RESOLVED:
        complaint.resolved_at = now
    elif target == Status.REOPENED:
        complaint.resolved_at = None
    elif target == Status.CLOSED:
        complaint.closed_at = now
    elif target in (Status.FORWARDED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN):
        complaint.resolved_at = complaint.resolved_at or now
        complaint.closed_at = now if target != Status.FORWARDED else None
    update = _log(
        session,
        complaint,
        now,
        kind="delay_reason" if new_due else "transition",
        status_from=current,
        status_to=target,
        public_note=public_note,
        internal_note=internal_note,
        new_due_at=new_due,
        actor=actor,
        actor_name=actor_name,
    )
    if tell_complainant:
        _tell_resident_of_change(session, complaint, org, target, public_note, new_due, now)
    return update


def allowed_next(complaint: Complaint) -> list[Status]:
    """The statuses this case may move to now, in the status machine's order."""
    return STATUS_MACHINE.allowed(Status(complaint.status))


def messages_for_change(
    complaint: Complaint, org: Organisation, target: Status, note: str | None, new_due: datetime | None
) -> list[m.Message]:
    """Exactly what the complainant receives for this change (the console previews it before sending)."""
    note = (note or "").strip() or None
    if target == Status.RESOLVED:
        yes = m.postback("แก้ไขแล้ว", ConfirmFix(complaint.code, True).pack(), "แก้ไขแล้ว")
        no = m.postback("ยังไม่แก้ไข", ConfirmFix(complaint.code, False).pack(), "ยังไม่แก้ไข")
        return texts.confirm_fixed(org, complaint.code, note, yes, no)
    if target == Status.CLOSED:
        return [texts.status_changed(org, complaint.code, target, note), rating_question(org, complaint.code)]
    if new_due is not None:
        return [texts.delay_explained(org, complaint.code, note or "", new_due)]
    return [texts.status_changed(org, complaint.code, target, note)]


def reaches_resident(session: Session, complaint: Complaint) -> bool:
    """Whether the complainant can be told in LINE (they came through LINE and have not blocked us)."""
    if complaint.resident_id is None:
        return False
    resident = session.get(Resident, complaint.resident_id)
    return resident is not None and resident.can_receive and resident.line_user_id is not None


def _tell_resident_of_change(
    session: Session,
    complaint: Complaint,
    org: Organisation,
    target: Status,
    note: str | None,
    new_due: datetime | None,
    now: datetime,
) -> None:
    tell_resident(session, complaint, messages_for_change(complaint, org, target, note, new_due), now)


def rating_question(org: Organisation, code: str) -> m.Message:
    labels = ("5 มากที่สุด", "4 มาก", "3 ปานกลาง", "2 น้อย", "1 น้อยที่สุด")
    quick = [m.postback(label, RateHandling(code, int(label[0])).pack(), label) for label in labels]
    return texts.ask_rating(org, code, quick)


def tell_resident(session: Session, complaint: Complaint, messages: list[m.Message], now: datetime) -> None:
    """Push to the complainant if they came through LINE and can still receive messages."""
    if complaint.resident_id is None:
        return
    resident = session.get(Resident, complaint.resident_id)
    if resident is None or not resident.can_receive or resident.line_user_id is None:
        return
    outbox.enqueue_push(session, resident_id=resident.id, user_id=resident.line_user_id, messages=messages, now=now)


def confirm_fix(session: Session, complaint: Complaint, fixed: bool, *, org: Organisation, now: datetime) -> None:
    """The complainant answers แก้ไขแล้ว (closes the case) or ยังไม่แก้ไข (reopens it for staff). Nothing is
    pushed: the complainant's own tap is answered by the dialog, with that event's reply token."""
    if complaint.status != Status.RESOLVED:
        raise InvalidTransition("เรื่องนี้ไม่ได้รอการยืนยันแล้ว")
    if fixed:
        transition(
            session,
            complaint,
            Status.CLOSED,
            org=org,
            now=now,
            actor_name=RESIDENT,
            public_note="ยืนยันว่าแก้ไขเรียบร้อยแล้ว",
            tell_complainant=False,
        )
        return
    transition(
        session,
        complaint,
        Status.REOPENED,
        org=org,
        now=now,
        actor_name=RESIDENT,
        public_note="แจ้งว่ายังไม่ได้รับการแก้ไข",
        tell_complainant=False,
        internal_note="ผู้ร้องเรียนแจ้งว่ายังไม่แก้ไข: กรุณาตรวจสอบอีกครั้ง",
    )
    staff_service.notify(
        session,
        kind="reopened",
        record_type="complaint",
        record_code=complaint.code,
        now=now,
        unit=complaint.unit,
        message=f"ผู้ร้องเรียนแจ้งว่าเรื่อง {complaint.code} ยังไม่แก้ไข",
    )


def add_complainant_detail(session: Session, complaint: Complaint, text: str, *, now: datetime) -> None:
    """What the complainant says is still wrong after ยังไม่แก้ไข: on the timeline, and the unit told."""
    _log(session, complaint, now, kind="complainant_detail", actor_name=RESIDENT, internal_note=text[:MAX_DESCRIPTION])
    staff_service.notify(
        session,
        kind="reopened",
        record_type="complaint",
        record_code=complaint.code,
        now=now,
        unit=complaint.unit,
        message=f"ผู้ร้องเรียนเล่าเพิ่มว่าเรื่อง {complaint.code} ยังมีปัญหา: {text[:200]}",
    )


def rate(session: Session, complaint: Complaint, score: int, *, now: datetime) -> bool:
    """Store the complaint-handling rating (1–5) once; False when it was already given."""
    if not 1 <= score <= 5:
        raise ComplaintError("คะแนนต้องอยู่ระหว่าง 1–5")
    if complaint.status != Status.CLOSED:
        raise InvalidTransition("ให้คะแนนได้เมื่อปิดเรื่องแล้ว")
    if complaint.rating is not None:
        return False
    complaint.rating, complaint.rated_at = score, now
    _log(session, complaint, now, kind="rating", actor_name=RESIDENT, internal_note=f"คะแนนความพึงพอใจ {score}")
    if complaint.resident_id is not None:  # feeds the ≥ 80 % complaint-handling target (measure 16)
        surveys.record_linked_rating(
            session,
            survey_key="complaint_handling",
            resident_id=complaint.resident_id,
            score=score,
            link=("complaint", complaint.code),
            now=now,
        )
    return True


def attach_photo(session: Session, complaint: Complaint, photo: media.MediaFile) -> None:
    session.add(photo)
    session.flush()  # no ORM relationship orders the inserts: the media row first
    session.add(ComplaintPhoto(complaint_id=complaint.id or 0, media_id=photo.id))


def photo_refused(session: Session, media_id: int, reason: str, runtime: Runtime, now: datetime) -> None:
    """A photo fetched from LINE was not an image we keep: the complainant is told why."""
    complaint = session.exec(
        select(Complaint)
        .join(ComplaintPhoto, col(ComplaintPhoto.complaint_id) == Complaint.id)
        .where(ComplaintPhoto.media_id == media_id)
    ).first()
    if complaint is not None:
        tell_resident(session, complaint, [texts.photo_refused(runtime.org, complaint.code, reason)], now)


def notify_managers(session: Session, complaint: Complaint, message: str, now: datetime) -> None:
    staff_service.notify(
        session,
        kind="escalated",
        record_type="complaint",
        record_code=complaint.code,
        now=now,
        role=Role.MANAGER,
        message=message,
    )


def reclassify(
    session: Session,
    complaint: Complaint,
    category: str,
    *,
    org: Organisation,
    actor: StaffMember,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Correct the category a resident picked (the outcome indicators count by category); audited."""
    chosen = next((c for c in org.categories if c.key == category), None)
    if chosen is None:
        raise ComplaintError(f"ไม่มีหมวด {category!r} ในไฟล์องค์กร")
    before = complaint.category
    complaint.category = chosen.key
    note = f"เปลี่ยนหมวดจาก {before} เป็น {chosen.key}" + (f" เหตุผล: {reason}" if reason else "")
    _log(session, complaint, now, kind="reclassified", actor=actor, internal_note=note)
    staff_service.audit(
        session,
        actor=actor,
        action="complaint.reclassify",
        record_type="complaint",
        record_id=complaint.code,
        now=now,
        detail={"from": before, "to": chosen.key, "reason": reason},
    )


def is_finished(complaint: Complaint) -> bool:
    return complaint.status in FINISHED


def _log(
    session: Session,
    complaint: Complaint,
    now: datetime,
    *,
    kind: str,
    actor: StaffMember | None = None,
    actor_name: str | None = None,
    **fields: object,
) -> ComplaintUpdate:
    update = ComplaintUpdate(
        complaint_id=complaint.id or 0,
        at=now,
        kind=kind,
        actor_staff_id=actor.id if actor else None,
        actor=actor.name if actor else (actor_name or SYSTEM),
        **fields,
    )
    session.add(update)
    return update

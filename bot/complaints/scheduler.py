"""The 15-day rule, run every minute: remind the unit before the due date, tell the complainant why at
the due date (or escalate), and close resolved cases the complainant did not answer about."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.complaints import service, texts
from bot.complaints.models import FINISHED, Complaint, ComplaintUpdate, Status
from bot.config import Settings
from bot.organisation import Organisation
from bot.staff import service as staff_service

OPEN = [s.value for s in Status if s not in FINISHED]


def run_due(session: Session, now: datetime, *, settings: Settings, org: Organisation) -> dict[str, int]:
    """Do whatever the clock says is due; idempotent (each step marks what it did)."""
    return {
        "reminded": remind_units(session, now, settings),
        "told_late": tell_late_cases(session, now, org),
        "auto_closed": close_unanswered(session, now, settings, org),
    }


def remind_units(session: Session, now: datetime, settings: Settings) -> int:
    soon = now + timedelta(days=settings.complaint_reminder_days_before)
    due = session.exec(
        select(Complaint).where(
            col(Complaint.status).in_(OPEN),
            col(Complaint.reminded_at).is_(None),
            Complaint.due_at <= soon,
            Complaint.due_at > now,
        )
    ).all()
    for complaint in due:
        complaint.reminded_at = now
        days_left = max(0, (complaint.due_at - now).days)
        staff_service.notify(
            session,
            kind="due_soon",
            record_type="complaint",
            record_code=complaint.code,
            now=now,
            unit=complaint.unit,
            message=f"เรื่อง {complaint.code} จะครบกำหนดในอีก {days_left} วัน กรุณาดำเนินการหรือแจ้งเหตุผล",
        )
        session.add(
            ComplaintUpdate(
                complaint_id=complaint.id or 0,
                at=now,
                kind="reminder",
                actor=service.SYSTEM,
                internal_note="แจ้งเตือนหน่วยงานก่อนครบกำหนด",
            )
        )
    return len(due)


def tell_late_cases(session: Session, now: datetime, org: Organisation) -> int:
    """At the 15-day mark, and again at any later date staff promised, an unfinished case is flagged
    overdue and the complainant told why: the latest reason staff gave and its new date, or (with no
    reason) a polite notice that the managers, now alerted, will follow it up."""
    candidates = session.exec(
        select(Complaint).where(col(Complaint.status).in_(OPEN), Complaint.first_due_at <= now)
    ).all()
    told = 0
    for complaint in candidates:
        first_mark = complaint.overdue_at is None
        promise_missed = complaint.due_at <= now and (
            complaint.late_notice_at is None or complaint.late_notice_at < complaint.due_at
        )
        if not (first_mark or promise_missed):
            continue
        complaint.overdue_at = complaint.overdue_at or now
        reason = _latest_reason(session, complaint, now)
        if reason is not None:
            note, new_due = reason
            complaint.due_at = new_due
            service.tell_resident(session, complaint, [texts.delay_explained(org, complaint.code, note, new_due)], now)
            public = f"ล่าช้ากว่ากำหนด: {note}"
        else:
            service.tell_resident(session, complaint, [texts.late_escalated(org, complaint.code)], now)
            service.notify_managers(session, complaint, f"เรื่อง {complaint.code} เกินกำหนดโดยยังไม่มีเหตุผลแจ้งผู้ร้องเรียน", now)
            complaint.escalated_at = now
            public = "ยังไม่แล้วเสร็จตามกำหนด ได้แจ้งผู้บริหารให้เร่งติดตามแล้ว"
        complaint.late_notice_at = now
        complaint.told_why_at = complaint.told_why_at or now
        session.add(
            ComplaintUpdate(
                complaint_id=complaint.id or 0, at=now, kind="overdue", actor=service.SYSTEM, public_note=public
            )
        )
        told += 1
    return told


def _latest_reason(session: Session, complaint: Complaint, now: datetime) -> tuple[str, datetime] | None:
    """The newest delay reason staff recorded whose new date is still ahead."""
    update = session.exec(
        select(ComplaintUpdate)
        .where(ComplaintUpdate.complaint_id == complaint.id, ComplaintUpdate.kind == "delay_reason")
        .order_by(col(ComplaintUpdate.id).desc())
    ).first()
    if update is None or update.new_due_at is None or update.new_due_at <= now or not update.public_note:
        return None
    return update.public_note, update.new_due_at


def close_unanswered(session: Session, now: datetime, settings: Settings, org: Organisation) -> int:
    cutoff = now - timedelta(days=settings.complaint_auto_close_days)
    silent = session.exec(
        select(Complaint).where(Complaint.status == Status.RESOLVED, col(Complaint.resolved_at) <= cutoff)
    ).all()
    for complaint in silent:
        service.transition(
            session,
            complaint,
            Status.CLOSED,
            org=org,
            now=now,
            public_note=f"ปิดเรื่องอัตโนมัติ เนื่องจากไม่ได้รับคำตอบภายใน {settings.complaint_auto_close_days} วัน",
        )
    return len(silent)

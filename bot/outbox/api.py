"""Admin routes for delivery: counts by state, the dead letters, replies of unknown outcome, and
re-queueing a dead letter (audited)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from bot.errors import NotFound
from bot.http import Now, Offset, RecordId, SessionDep
from bot.outbox import service
from bot.outbox.models import OutboxMessage, OutboxRead, OutboxStatus
from bot.staff.roles import AdminStaff
from bot.staff.service import audit

router = APIRouter(prefix="/api/v1/outbox", tags=["delivery"])


@router.get("/dead", response_model=list[OutboxRead])
def dead_letters(
    _: AdminStaff, session: SessionDep, limit: int = Query(100, ge=1, le=500), offset: Offset = 0
) -> list[OutboxMessage]:
    return service.list_dead(session, limit, offset)


@router.get("/uncertain", response_model=list[OutboxRead])
def uncertain_replies(
    _: AdminStaff, session: SessionDep, limit: int = Query(100, ge=1, le=500), offset: Offset = 0
) -> list[OutboxMessage]:
    """Replies LINE may or may not have delivered (timeout, 5xx, crash mid-call): never re-sent."""
    return service.list_by_status(session, OutboxStatus.SENT_UNCERTAIN, limit, offset)


@router.get("/counts", response_model=dict[str, int])
def counts(_: AdminStaff, session: SessionDep) -> dict[str, int]:
    """Messages in each delivery state (`sent_uncertain`: replies whose outcome is unknown)."""
    return service.count_by_status(session)


@router.post("/{outbox_id}/requeue", response_model=OutboxRead)
def requeue(outbox_id: RecordId, admin: AdminStaff, session: SessionDep, now: Now) -> OutboxMessage:
    row = service.requeue(session, outbox_id, now)  # 409 unless it is a dead letter
    if row is None:
        raise NotFound("ไม่พบข้อความนี้")
    audit(session, actor=admin, action="outbox.requeue", record_type="outbox_message", record_id=outbox_id, now=now)
    return row

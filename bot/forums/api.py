"""Admin routes for forums: create, read, announce, cancel, attendance (venue list and paper counts),
outcome, and the managers' fiscal-year coverage report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from sqlmodel import Session, col, select

from bot import thai
from bot.forums import figures, service
from bot.forums.models import (
    AnnounceRequest,
    AttendanceFigures,
    AttendanceTick,
    CancelRequest,
    Forum,
    ForumCreate,
    ForumRead,
    ForumReport,
    OutcomeCreate,
    PaperCounts,
    Registration,
)
from bot.http import RuntimeDep, SessionDep, require_role
from bot.notices import preview, quota
from bot.notices.api import Writer, http_error, line_quota, multicast_per_second
from bot.notices.models import AudienceKind, NoticeRead, QuotaRead
from bot.notices.service import ConflictError, NoticeError
from bot.runtime import Runtime
from bot.staff.models import Role, StaffMember
from bot.staff.service import audit

router = APIRouter(prefix="/api/v1/forums", tags=["forums"])

Manager = Annotated[StaffMember, Depends(require_role(Role.MANAGER, Role.ADMIN))]


def _quota_guard(runtime: Runtime, request: Request, needed: int) -> tuple[QuotaRead, list[str]]:
    """Refuse a send LINE's monthly quota cannot cover (409), or one we cannot check (503)."""
    try:
        current = line_quota(runtime, request)
        return current, preview.check_quota(needed, current)
    except ConflictError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except quota.QuotaUnavailableError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "ตรวจสอบโควตาข้อความกับ LINE ไม่ได้ในขณะนี้ จึงยังไม่ส่ง กรุณาลองใหม่อีกครั้ง") from error


def _forum(session: Session, forum_id: int, *, lock: bool = False) -> Forum:
    try:
        return service.get(session, forum_id, lock=lock)
    except NoticeError as error:
        raise http_error(error) from error


@router.get("/report", response_model=ForumReport)
def coverage_report(
    _: Manager, session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = Query(None, ge=2500, le=2700)
) -> ForumReport:
    """Per village: forums held, RSVPs, attendance and opinions against population; villages not covered."""
    now = runtime.clock()
    return figures.report(session, runtime.org, fiscal_year or thai.fiscal_year(now), now)


@router.post("", response_model=ForumRead, status_code=status.HTTP_201_CREATED)
def create_forum(body: ForumCreate, member: Writer, session: SessionDep, runtime: RuntimeDep) -> ForumRead:
    now = runtime.clock()
    try:
        forum = service.create(session, runtime.org, body, member.id, now)
    except NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="forum.create", record_type="forum", record_id=forum.id, now=now)
    session.commit()
    return figures.read(session, forum)


@router.get("", response_model=list[ForumRead])
def list_forums(
    _: Writer, session: SessionDep, limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0)
) -> list[ForumRead]:
    forums = session.exec(select(Forum).order_by(col(Forum.starts_at).desc()).offset(offset).limit(limit)).all()
    return [figures.read(session, forum) for forum in forums]


@router.get("/{forum_id}", response_model=ForumRead)
def get_forum(forum_id: int, _: Writer, session: SessionDep) -> ForumRead:
    return figures.read(session, _forum(session, forum_id))


@router.post("/{forum_id}/announce", response_model=NoticeRead)
def announce_forum(
    forum_id: int, member: Writer, session: SessionDep, runtime: RuntimeDep, request: Request,
    body: AnnounceRequest | None = None,
) -> NoticeRead:
    """Send (or schedule, with `at`) the invitation to the forum's villages, with RSVP buttons; once."""
    now = runtime.clock()
    at = body.at if body else None
    needed = service.audience_count(session, _forum(session, forum_id), AudienceKind.VILLAGES)
    session.rollback()  # end the read before the network call
    if needed == 0:
        raise HTTPException(status.HTTP_409_CONFLICT, "ยังไม่มีผู้รับในหมู่บ้านของเวทีนี้ที่รับข้อความทาง LINE ได้")
    current, warnings = _quota_guard(runtime, request, needed)
    now = runtime.clock()  # chunks are paced from the moment they are written
    forum = _forum(session, forum_id, lock=True)
    try:
        notice = service.announce(session, runtime.org, forum, now, member.id, at, multicast_per_second(runtime))
    except NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="forum.announce", record_type="forum", record_id=forum_id, now=now,
          detail={"notice": notice.id, "at": at.isoformat() if at else None})
    session.commit()
    runtime.wake_outbox()
    return preview.read(session, notice, quota=current, warnings=warnings)


@router.post("/{forum_id}/cancel", response_model=ForumRead)
def cancel_forum(
    forum_id: int, body: CancelRequest, member: Writer, session: SessionDep, runtime: RuntimeDep
) -> ForumRead:
    """Cancel before the start; those who said ไป or ยังไม่แน่ใจ are told (never blocked by the quota)."""
    now = runtime.clock()
    forum = _forum(session, forum_id, lock=True)
    try:
        notice = service.cancel(session, runtime.org, forum, body.reason, now, member.id, multicast_per_second(runtime))
    except NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="forum.cancel", record_type="forum", record_id=forum_id, now=now,
          detail={"reason": body.reason, "notice": notice.id if notice else None})
    session.commit()
    runtime.wake_outbox()
    return figures.read(session, forum)


@router.get("/{forum_id}/registrations", response_model=list[Registration])
def registrations(forum_id: int, _: Writer, session: SessionDep) -> list[Registration]:
    """The venue list: registration numbers to tick (no names are kept)."""
    return figures.registrations(session, _forum(session, forum_id).id or 0)


@router.post("/{forum_id}/attendance", response_model=AttendanceFigures)
def tick_attendance(
    forum_id: int, body: AttendanceTick, member: Writer, session: SessionDep, runtime: RuntimeDep
) -> AttendanceFigures:
    now = runtime.clock()
    forum = _forum(session, forum_id, lock=True)
    try:
        ticked = service.tick(session, forum, body.registrations, member.id, now)
    except NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="forum.attendance", record_type="forum", record_id=forum_id, now=now,
          detail={"ticked": ticked})
    session.commit()
    return figures.attendance(session, forum_id)


@router.post("/{forum_id}/paper", response_model=AttendanceFigures)
def paper_counts(
    forum_id: int, body: PaperCounts, member: Writer, session: SessionDep, runtime: RuntimeDep
) -> AttendanceFigures:
    """Participants who signed the paper sheet (not by LINE), per village; later figures replace earlier ones."""
    now = runtime.clock()
    forum = _forum(session, forum_id, lock=True)
    counts = {row.village: row.participants for row in body.villages}
    try:
        service.record_paper(session, runtime.org, forum, counts, member.id, now)
    except NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="forum.paper", record_type="forum", record_id=forum_id, now=now,
          detail={str(k): v for k, v in counts.items()})
    session.commit()
    return figures.attendance(session, forum_id)


@router.post("/{forum_id}/outcome", response_model=ForumRead)
def publish_outcome(
    forum_id: int, body: OutcomeCreate, member: Writer, session: SessionDep, runtime: RuntimeDep, request: Request
) -> ForumRead:
    """Publish once: the public page shows it, attendees and opinion senders receive it in LINE."""
    now = runtime.clock()
    needed = service.audience_count(session, _forum(session, forum_id), AudienceKind.FORUM_OUTCOME)
    session.rollback()
    if needed:
        _quota_guard(runtime, request, needed)
    now = runtime.clock()
    forum = _forum(session, forum_id, lock=True)
    try:
        _, notice = service.publish_outcome(session, runtime.org, forum, body, member.id, now,
                                            multicast_per_second(runtime))
    except NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="forum.outcome", record_type="forum", record_id=forum_id, now=now,
          detail={"notice": notice.id if notice else None})
    session.commit()
    runtime.wake_outbox()
    return figures.read(session, forum)

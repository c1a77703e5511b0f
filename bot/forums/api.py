"""Admin routes for forums: create, read, announce, cancel, attendance (venue list and paper counts),
outcome, and the managers' fiscal-year coverage report."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, status

from bot import thai
from bot.forums import figures, service, staff
from bot.forums.audiences import FOR_NOTICES
from bot.forums.models import (
    AnnounceRequest,
    AttendanceFigures,
    AttendanceTick,
    CancelRequest,
    ForumCreate,
    ForumRead,
    ForumReport,
    OutcomeCreate,
    PaperCounts,
    Registration,
    StaffAttendanceFigures,
    StaffAttendee,
    StaffPresent,
)
from bot.http import Offset, RecordId, RuntimeDep, SessionDep
from bot.notices import preview
from bot.notices.models import AudienceKind, NoticeRead
from bot.notices.service import ConflictError
from bot.staff.roles import Manager, OfficeStaff
from bot.staff.service import audit

router = APIRouter(prefix="/api/v1/forums", tags=["forums"])


@router.get("/report", response_model=ForumReport)
def coverage_report(
    _: Manager, session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = Query(None, ge=2500, le=2700)
) -> ForumReport:
    """Per village: forums held, RSVPs, attendance and opinions against population; villages not covered."""
    now = runtime.clock()
    return figures.report(session, runtime.org, fiscal_year or thai.fiscal_year(now), now)


@router.post("", response_model=ForumRead, status_code=status.HTTP_201_CREATED)
def create_forum(body: ForumCreate, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep) -> ForumRead:
    now = runtime.clock()
    forum = service.create(session, runtime.org, body, member.id, now)
    audit(session, actor=member, action="forum.create", record_type="forum", record_id=forum.id, now=now)
    return figures.read(session, forum)


@router.get("", response_model=list[ForumRead])
def list_forums(
    _: OfficeStaff, session: SessionDep, limit: int = Query(20, ge=1, le=100), offset: Offset = 0
) -> list[ForumRead]:
    return [figures.read(session, forum) for forum in service.recent(session, limit, offset)]


@router.get("/{forum_id}", response_model=ForumRead)
def get_forum(forum_id: RecordId, _: OfficeStaff, session: SessionDep) -> ForumRead:
    return figures.read(session, service.get(session, forum_id))


@router.post("/{forum_id}/announce", response_model=NoticeRead)
def announce_forum(
    forum_id: RecordId,
    member: OfficeStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    request: Request,
    body: AnnounceRequest | None = None,
) -> NoticeRead:
    """Send (or schedule, with `at`) the invitation to the forum's villages, with RSVP buttons; once."""
    at = body.at if body else None
    needed = service.audience_count(session, service.get(session, forum_id), AudienceKind.VILLAGES)
    session.rollback()  # end the read before the network call
    if needed == 0:
        raise ConflictError("ยังไม่มีผู้รับในหมู่บ้านของเวทีนี้ที่รับข้อความทาง LINE ได้")
    current, warnings = preview.guard_quota(
        request.app.state.line_quota, runtime.settings, str(request.base_url), needed
    )
    now = runtime.clock()  # chunks are paced from the moment they are written
    forum = service.get(session, forum_id, lock=True)
    notice = service.announce(
        session, runtime.org, forum, now, member.id, at, runtime.settings.notice_multicast_per_second
    )
    audit(
        session,
        actor=member,
        action="forum.announce",
        record_type="forum",
        record_id=forum_id,
        now=now,
        detail={"notice": notice.id, "at": at.isoformat() if at else None},
    )
    return preview.read(session, notice, FOR_NOTICES, quota=current, warnings=warnings)


@router.post("/{forum_id}/cancel", response_model=ForumRead)
def cancel_forum(
    forum_id: RecordId, body: CancelRequest, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep
) -> ForumRead:
    """Cancel before the start; those who said ไป or ยังไม่แน่ใจ are told (never blocked by the quota)."""
    now = runtime.clock()
    forum = service.get(session, forum_id, lock=True)
    notice = service.cancel(
        session, runtime.org, forum, body.reason, now, member.id, runtime.settings.notice_multicast_per_second
    )
    audit(
        session,
        actor=member,
        action="forum.cancel",
        record_type="forum",
        record_id=forum_id,
        now=now,
        detail={"reason": body.reason, "notice": notice.id if notice else None},
    )
    return figures.read(session, forum)


@router.get("/{forum_id}/registrations", response_model=list[Registration])
def registrations(forum_id: RecordId, _: OfficeStaff, session: SessionDep) -> list[Registration]:
    """The venue list: registration numbers to tick (no names are kept)."""
    return figures.registrations(session, service.get(session, forum_id).id or 0)


@router.post("/{forum_id}/attendance", response_model=AttendanceFigures)
def tick_attendance(
    forum_id: RecordId, body: AttendanceTick, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep
) -> AttendanceFigures:
    now = runtime.clock()
    forum = service.get(session, forum_id, lock=True)
    ticked = service.tick(session, forum, body.registrations, member.id, now)
    audit(
        session,
        actor=member,
        action="forum.attendance",
        record_type="forum",
        record_id=forum_id,
        now=now,
        detail={"ticked": ticked},
    )
    return figures.attendance(session, forum_id)


@router.get("/{forum_id}/staff-attendance", response_model=list[StaffAttendee])
def staff_attendees(forum_id: RecordId, _: OfficeStaff, session: SessionDep) -> list[StaffAttendee]:
    """A staff forum's roster, each marked present or not (the list staff tick at the session)."""
    forum = service.get(session, forum_id)
    staff.require_staff_audience(forum)
    return figures.staff_attendees(session, forum)


@router.put("/{forum_id}/staff-attendance", response_model=StaffAttendanceFigures)
def record_staff_attendance(
    forum_id: RecordId, body: StaffPresent, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep
) -> StaffAttendanceFigures:
    """Who of the roster was present at a staff forum (the whole list, replaced; LINE check-ins are in it)."""
    now = runtime.clock()
    forum = service.get(session, forum_id, lock=True)
    staff.set_present(session, forum, body.members, member.id, now)
    audit(
        session,
        actor=member,
        action="forum.staff_attendance",
        record_type="forum",
        record_id=forum_id,
        now=now,
        detail={"present": len(set(body.members))},
    )
    figures_now = staff.attendance(session, forum)
    return StaffAttendanceFigures(size=figures_now.size, attended=figures_now.attended, missing=figures_now.missing)


@router.post("/{forum_id}/paper", response_model=AttendanceFigures)
def paper_counts(
    forum_id: RecordId, body: PaperCounts, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep
) -> AttendanceFigures:
    """Participants who signed the paper sheet (not by LINE), per village; later figures replace earlier ones."""
    now = runtime.clock()
    forum = service.get(session, forum_id, lock=True)
    counts = {row.village: row.participants for row in body.villages}
    service.record_paper(session, runtime.org, forum, counts, member.id, now)
    audit(
        session,
        actor=member,
        action="forum.paper",
        record_type="forum",
        record_id=forum_id,
        now=now,
        detail={str(k): v for k, v in counts.items()},
    )
    return figures.attendance(session, forum_id)


@router.post("/{forum_id}/outcome", response_model=ForumRead)
def publish_outcome(
    forum_id: RecordId,
    body: OutcomeCreate,
    member: OfficeStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    request: Request,
) -> ForumRead:
    """Publish once: the public page shows it, attendees and opinion senders receive it in LINE."""
    needed = service.audience_count(session, service.get(session, forum_id), AudienceKind.FORUM_OUTCOME)
    session.rollback()
    if needed:
        preview.guard_quota(request.app.state.line_quota, runtime.settings, str(request.base_url), needed)
    now = runtime.clock()
    forum = service.get(session, forum_id, lock=True)
    _, notice = service.publish_outcome(
        session, runtime.org, forum, body, member.id, now, runtime.settings.notice_multicast_per_second
    )
    audit(
        session,
        actor=member,
        action="forum.outcome",
        record_type="forum",
        record_id=forum_id,
        now=now,
        detail={"notice": notice.id if notice else None},
    )
    return figures.read(session, forum)

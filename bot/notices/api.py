"""Admin routes for notices: write, preview (exact LINE messages, recipients, quota), send now or
later, cancel; and the one-time code staff use to link their LINE account for staff notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from bot.http import Offset, RecordId, RuntimeDep, SessionDep
from bot.notices import audience, preview, service
from bot.notices.models import NoticeCreate, NoticeRead, NoticeStatus, SendRequest, StaffLinkCode
from bot.staff import link as staff_link
from bot.staff.roles import CurrentStaff, OfficeStaff
from bot.staff.service import audit

router = APIRouter(prefix="/api/v1/notices", tags=["notices"])


def _forums(request: Request) -> audience.Forums:
    """Forum audiences, handed in by bot.main as `app.state.notice_forums` (notices import no forum)."""
    forums: audience.Forums = request.app.state.notice_forums
    return forums


ForumsDep = Annotated[audience.Forums, Depends(_forums)]


@router.post("", response_model=NoticeRead, status_code=status.HTTP_201_CREATED)
def create_notice(
    body: NoticeCreate, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep, forums: ForumsDep
) -> NoticeRead:
    now = runtime.clock()
    notice = service.create(session, runtime.org, forums, body, member.id, now)
    audit(
        session,
        actor=member,
        action="notice.create",
        record_type="notice",
        record_id=notice.id,
        now=now,
        detail={"audience": body.audience.kind, "villages": body.audience.villages},
    )
    return preview.read(session, notice, forums)


@router.get("", response_model=list[NoticeRead])
def list_notices(
    _: OfficeStaff, session: SessionDep, forums: ForumsDep, limit: int = Query(20, ge=1, le=100), offset: Offset = 0
) -> list[NoticeRead]:
    return [preview.read(session, notice, forums) for notice in service.recent(session, limit, offset)]


@router.get("/{notice_id}", response_model=NoticeRead)
def get_notice(
    notice_id: RecordId, _: OfficeStaff, session: SessionDep, runtime: RuntimeDep, request: Request, forums: ForumsDep
) -> NoticeRead:
    notice = service.get(session, notice_id)
    if notice.status != NoticeStatus.DRAFT:
        return preview.read(session, notice, forums)
    recipients = audience.count(session, notice, forums)
    current, warnings = preview.draft_quota(
        request.app.state.line_quota, runtime.settings, str(request.base_url), recipients.count
    )
    return preview.read(session, notice, forums, recipients=recipients, quota=current, warnings=warnings)


@router.post("/{notice_id}/send", response_model=NoticeRead)
def send_notice(
    notice_id: RecordId,
    member: OfficeStaff,
    session: SessionDep,
    runtime: RuntimeDep,
    request: Request,
    forums: ForumsDep,
    body: SendRequest | None = None,
) -> NoticeRead:
    """Send now, or at `at`; once only. LINE's quota is checked first (a network call, so outside the lock)."""
    now = runtime.clock()
    at = body.at if body else None
    notice = service.get(session, notice_id)
    service.ensure_draft(notice)
    recipients = audience.count(session, notice, forums)
    if recipients.count == 0:
        raise service.ConflictError("ตอนนี้ไม่มีผู้รับในกลุ่มนี้ที่รับข้อความได้ จึงไม่ได้ส่ง")
    if at is not None:
        service.check_send_time(at, now)
    session.rollback()  # end the read before the network call
    current, warnings = preview.guard_quota(
        request.app.state.line_quota, runtime.settings, str(request.base_url), recipients.count
    )
    # The send itself, under the notice's row lock (SQLite: the write lock), rechecked from scratch.
    now = runtime.clock()  # chunks are paced from the moment they are written
    notice = service.get(session, notice_id, lock=True)
    if at is not None:
        service.schedule(notice, at, now)
    else:
        service.send_now(
            session,
            notice,
            audience.resolve(session, notice, forums),
            now,
            runtime.settings.notice_multicast_per_second,
        )
    action = "notice.schedule" if at else "notice.send"
    audit(
        session,
        actor=member,
        action=action,
        record_type="notice",
        record_id=notice_id,
        now=now,
        detail={"at": at.isoformat()} if at else {"recipients": notice.recipient_count},
    )
    return preview.read(session, notice, forums, quota=current, warnings=warnings)


@router.post("/{notice_id}/cancel", response_model=NoticeRead)
def cancel_notice(
    notice_id: RecordId, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep, forums: ForumsDep
) -> NoticeRead:
    now = runtime.clock()
    notice = service.get(session, notice_id, lock=True)
    service.cancel(notice, now)
    audit(session, actor=member, action="notice.cancel", record_type="notice", record_id=notice_id, now=now)
    return preview.read(session, notice, forums)


@router.post("/staff-link", response_model=StaffLinkCode, status_code=status.HTTP_201_CREATED)
def staff_link_code(member: CurrentStaff, session: SessionDep, runtime: RuntimeDep) -> StaffLinkCode:
    """A one-time code the staff member types in LINE to receive staff notices there."""
    now = runtime.clock()
    code, expires_at = staff_link.issue_code(session, member.id or 0, now)
    return StaffLinkCode(
        code=code, expires_at=expires_at, how=f"พิมพ์ “ผูกบัญชีเจ้าหน้าที่ {code}” ในแชต LINE ของ อบต. ภายใน 10 นาที"
    )

"""Admin routes for notices: write, preview (exact LINE messages, recipients, quota), send now or
later, cancel; and the one-time code staff use to link their LINE account for staff notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from bot.http import CurrentStaff, RuntimeDep, SessionDep, require_role
from bot.notices import audience, preview, quota, service
from bot.notices.models import NoticeCreate, NoticeRead, NoticeStatus, QuotaRead, SendRequest, StaffLinkCode
from bot.runtime import Runtime
from bot.staff import link as staff_link
from bot.staff.models import Role, StaffMember
from bot.staff.service import audit

router = APIRouter(prefix="/api/v1/notices", tags=["notices"])

Writer = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN))]


def multicast_per_second(runtime: Runtime) -> float:
    """The pacing of multicast chunks (setting `notice_multicast_per_second`)."""
    return runtime.settings.notice_multicast_per_second


def http_error(error: service.NoticeError) -> HTTPException:
    code = {
        service.NotFoundError: status.HTTP_404_NOT_FOUND,
        service.ConflictError: status.HTTP_409_CONFLICT,
    }.get(type(error), 422)  # the constant was renamed across Starlette versions
    return HTTPException(code, str(error))


def line_quota(runtime: Runtime, request: Request) -> QuotaRead:
    """LINE's quota now; in simulator mode, the simulator's emulated API on this very server."""
    settings = runtime.settings
    base = settings.line_api_base_url
    if settings.simulator_mode and "line_api_base_url" not in settings.model_fields_set:
        base = str(request.base_url).rstrip("/") + "/simulator/line"
    token = settings.line_channel_access_token
    return quota.read(request.app.state.line_quota, base, token.get_secret_value() if token else "simulator",
                      timeout=settings.line_request_timeout_seconds)


@router.post("", response_model=NoticeRead, status_code=status.HTTP_201_CREATED)
def create_notice(body: NoticeCreate, member: Writer, session: SessionDep, runtime: RuntimeDep) -> NoticeRead:
    now = runtime.clock()
    try:
        notice = service.create(session, runtime.org, body, member.id, now)
    except service.NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="notice.create", record_type="notice", record_id=notice.id, now=now,
          detail={"audience": body.audience.kind, "villages": body.audience.villages})
    session.commit()
    return preview.read(session, notice)


@router.get("", response_model=list[NoticeRead])
def list_notices(
    _: Writer, session: SessionDep, limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0)
) -> list[NoticeRead]:
    return [preview.read(session, notice) for notice in service.recent(session, limit, offset)]


@router.get("/{notice_id}", response_model=NoticeRead)
def get_notice(notice_id: int, _: Writer, session: SessionDep, runtime: RuntimeDep, request: Request) -> NoticeRead:
    try:
        notice = service.get(session, notice_id)
    except service.NoticeError as error:
        raise http_error(error) from error
    if notice.status != NoticeStatus.DRAFT:
        return preview.read(session, notice)
    recipients = audience.count(session, notice)
    try:
        current = line_quota(runtime, request)
    except quota.QuotaUnavailableError:
        return preview.read(session, notice, recipients=recipients,
                            warnings=["ตรวจสอบโควตาข้อความกับ LINE ไม่ได้ในขณะนี้ ระบบจะตรวจอีกครั้งตอนส่ง"])
    try:
        warnings = preview.check_quota(recipients.count, current)
    except service.ConflictError as error:
        warnings = [str(error)]
    return preview.read(session, notice, recipients=recipients, quota=current, warnings=warnings)


@router.post("/{notice_id}/send", response_model=NoticeRead)
def send_notice(
    notice_id: int,
    member: Writer,
    session: SessionDep,
    runtime: RuntimeDep,
    request: Request,
    body: SendRequest | None = None,
) -> NoticeRead:
    """Send now, or at `at`; once only. LINE's quota is checked first (a network call, so outside the lock)."""
    now = runtime.clock()
    at = body.at if body else None
    try:
        notice = service.get(session, notice_id)
        service.ensure_draft(notice)
        recipients = audience.count(session, notice)
        if recipients.count == 0:
            raise service.ConflictError("ตอนนี้ไม่มีผู้รับในกลุ่มนี้ที่รับข้อความได้ จึงไม่ได้ส่ง")
        if at is not None:
            service.check_send_time(at, now)
        session.rollback()  # end the read before the network call
        current = line_quota(runtime, request)
        warnings = preview.check_quota(recipients.count, current)
    except service.NoticeError as error:
        raise http_error(error) from error
    except quota.QuotaUnavailableError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "ตรวจสอบโควตาข้อความกับ LINE ไม่ได้ในขณะนี้ จึงยังไม่ส่ง กรุณาลองใหม่อีกครั้ง") from error
    # The send itself, under the notice's row lock (SQLite: the write lock), rechecked from scratch.
    now = runtime.clock()  # chunks are paced from the moment they are written
    try:
        notice = service.get(session, notice_id, lock=True)
        if at is not None:
            service.schedule(notice, at, now)
        else:
            service.send_now(session, notice, audience.resolve(session, notice), now, multicast_per_second(runtime))
    except service.NoticeError as error:
        raise http_error(error) from error
    action = "notice.schedule" if at else "notice.send"
    audit(session, actor=member, action=action, record_type="notice", record_id=notice_id, now=now,
          detail={"at": at.isoformat()} if at else {"recipients": notice.recipient_count})
    session.commit()
    runtime.wake_outbox()
    return preview.read(session, notice, quota=current, warnings=warnings)


@router.post("/{notice_id}/cancel", response_model=NoticeRead)
def cancel_notice(notice_id: int, member: Writer, session: SessionDep, runtime: RuntimeDep) -> NoticeRead:
    now = runtime.clock()
    try:
        notice = service.get(session, notice_id, lock=True)
        service.cancel(notice, now)
    except service.NoticeError as error:
        raise http_error(error) from error
    audit(session, actor=member, action="notice.cancel", record_type="notice", record_id=notice_id, now=now)
    session.commit()
    return preview.read(session, notice)


@router.post("/staff-link", response_model=StaffLinkCode, status_code=status.HTTP_201_CREATED)
def staff_link_code(member: CurrentStaff, session: SessionDep, runtime: RuntimeDep) -> StaffLinkCode:
    """A one-time code the staff member types in LINE to receive staff notices there."""
    now = runtime.clock()
    code, expires_at = staff_link.issue_code(session, member.id or 0, now)
    session.commit()
    return StaffLinkCode(code=code, expires_at=expires_at,
                         how=f"พิมพ์ “ผูกบัญชีเจ้าหน้าที่ {code}” ในแชต LINE ของ อบต. ภายใน 10 นาที")

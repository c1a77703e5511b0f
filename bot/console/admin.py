"""Admin pages: staff accounts (add, role, unit, deactivate, reset password) and the outbox (waiting
messages, dead letters with re-queue). For every other role these pages do not exist."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from bot.console.web import ConsoleUser, back_to, only, posting, render
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.outbox import service as outbox
from bot.staff import accounts
from bot.staff import service as staff_service
from bot.staff.models import Role, StaffMember

router = APIRouter(prefix="/console", include_in_schema=False)

Admin = Annotated[ConsoleUser, Depends(only(Role.ADMIN))]
AdminPost = Annotated[ConsoleUser, Depends(posting(Role.ADMIN))]


def _staff_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    *,
    error: str | None = None,
    notice: str | None = None,
    token: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    members = session.exec(select(StaffMember).order_by(col(StaffMember.active).desc(), col(StaffMember.id))).all()
    return render(
        request,
        user,
        "admin/staff.html",
        status_code=status_code,
        members=members,
        roles=list(Role),
        error=error,
        notice=notice,
        token=token,
    )


@router.get("/staff", response_class=HTMLResponse)
def staff_page(request: Request, user: Admin, session: SessionDep) -> HTMLResponse:
    return _staff_page(request, user, session)


def _member(session: SessionDep, staff_id: int) -> StaffMember:
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบเจ้าหน้าที่")
    return member


@router.post("/staff", response_class=HTMLResponse)
def add_staff(
    request: Request,
    user: AdminPost,
    session: SessionDep,
    runtime: RuntimeDep,
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
) -> HTMLResponse:
    """A new account; the API token and the first password are shown once, on this page only."""
    now = runtime.clock()
    try:
        if role not in {r.value for r in Role}:
            raise accounts.AccountError("กรุณาเลือกบทบาท")
        if unit and unit not in {u.key for u in runtime.org.units}:
            raise accounts.AccountError("ไม่มีหน่วยงานนี้")
        if not name.strip():
            raise accounts.AccountError("กรุณากรอกชื่อ")
        member, token = staff_service.create_staff(session, name=name, role=Role(role), unit=unit or None, now=now)
        accounts.set_username(session, member, username)
        accounts.set_password(session, member, password)
    except accounts.AccountError as refused:
        session.rollback()
        return _staff_page(request, user, session, error=str(refused), status_code=UNPROCESSABLE)
    staff_service.audit(
        session,
        actor=user.member,
        action="staff.create",
        record_type="staff_member",
        record_id=member.id,
        now=now,
        detail={"role": role},
    )
    return _staff_page(request, user, session, notice=f"เพิ่มบัญชี {member.name} ({member.username}) แล้ว", token=token)


@router.post("/staff/{staff_id}/role")
def change_role(
    staff_id: int,
    user: AdminPost,
    session: SessionDep,
    runtime: RuntimeDep,
    role: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
) -> Response:
    member = _member(session, staff_id)
    if role not in {r.value for r in Role} or (unit and unit not in {u.key for u in runtime.org.units}):
        raise HTTPException(UNPROCESSABLE, "บทบาทหรือหน่วยงานไม่ถูกต้อง")
    before = (member.role, member.unit)
    member.role, member.unit = role, unit or None
    accounts.end_sessions_of(session, member)  # new rights from the next sign-in, not a stale page
    staff_service.audit(
        session,
        actor=user.member,
        action="staff.role",
        record_type="staff_member",
        record_id=staff_id,
        now=runtime.clock(),
        detail={"from": list(before), "to": [role, unit or None]},
    )
    return back_to("/console/staff")


@router.post("/staff/{staff_id}/deactivate")
def deactivate(staff_id: int, user: AdminPost, session: SessionDep, runtime: RuntimeDep) -> Response:
    member = _member(session, staff_id)
    accounts.deactivate(session, member, by=user.member)
    staff_service.audit(
        session,
        actor=user.member,
        action="staff.deactivate",
        record_type="staff_member",
        record_id=staff_id,
        now=runtime.clock(),
    )
    return back_to("/console/staff")


@router.post("/staff/{staff_id}/password", response_class=HTMLResponse)
def reset_password(
    staff_id: int, request: Request, user: AdminPost, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse:
    """A new random password, shown once to the admin to hand over; the member's sessions end."""
    member = _member(session, staff_id)
    if member.username is None:
        return _staff_page(request, user, session, error=f"{member.name} ยังไม่มีชื่อผู้ใช้", status_code=UNPROCESSABLE)
    password = secrets.token_urlsafe(12)
    accounts.set_password(session, member, password)
    staff_service.audit(
        session,
        actor=user.member,
        action="staff.password_reset",
        record_type="staff_member",
        record_id=staff_id,
        now=runtime.clock(),
    )
    return _staff_page(
        request, user, session, notice=f"รหัสผ่านใหม่ของ {member.username} คือ {password} (แสดงครั้งเดียว ส่งให้เจ้าตัวทางที่ปลอดภัย)"
    )


@router.get("/outbox", response_class=HTMLResponse)
def outbox_page(request: Request, user: Admin, session: SessionDep) -> HTMLResponse:
    return render(
        request,
        user,
        "admin/outbox.html",
        counts=outbox.count_by_status(session),
        waiting=outbox.list_waiting(session),
        dead=outbox.list_dead(session),
        done=request.query_params.get("done"),
    )


@router.post("/outbox/{outbox_id}/requeue")
def requeue(outbox_id: int, user: AdminPost, session: SessionDep, runtime: RuntimeDep) -> Response:
    now = runtime.clock()
    try:
        row = outbox.requeue(session, outbox_id, now)
    except outbox.NotDeadError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, "ส่งซ้ำได้เฉพาะข้อความที่ส่งไม่สำเร็จ") from error
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบข้อความนี้")
    staff_service.audit(
        session, actor=user.member, action="outbox.requeue", record_type="outbox_message", record_id=outbox_id, now=now
    )
    return back_to("/console/outbox?done=requeued")

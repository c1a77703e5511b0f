"""Sign in and sign out. The sign-in form has its own CSRF token (a cookie and a hidden field that must
match), since there is no session yet to keep it in."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot import thai
from bot.console.web import COOKIE, LOGIN_CSRF_COOKIE, LOGIN_PATH, PostingUser, back_to, render, secure_request
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.staff import accounts
from bot.staff import service as staff_service

router = APIRouter(prefix="/console", include_in_schema=False)

WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


def _login_form(request: Request, error: str | None = None, username: str = "", status_code: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, None, "login.html", status_code=status_code, error=error, username=username, csrf=token)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure_request(request), path=LOGIN_PATH
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _login_form(request)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "คำขอไม่ถูกต้อง (CSRF) กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง")
    if not username.strip() or not password:
        return _login_form(request, "กรุณากรอกชื่อผู้ใช้และรหัสผ่าน", username, UNPROCESSABLE)
    now = runtime.clock()
    result = accounts.login(session, username, password, now=now)
    if result.member is None:  # answered, not raised: the unit of work commits the failure count
        if result.locked_until is not None:
            error = (
                f"ลงชื่อเข้าใช้ผิดหลายครั้ง บัญชีนี้ถูกพักไว้ถึง {thai.format_datetime(result.locked_until)} "
                "กรุณารอแล้วลองใหม่ หรือติดต่อผู้ดูแลระบบ"
            )
        else:
            error = WRONG
        return _login_form(request, error, username, status.HTTP_401_UNAUTHORIZED)
    token, _ = accounts.start_session(session, result.member, now=now)
    staff_service.audit(
        session,
        actor=result.member,
        action="console.sign_in",
        record_type="staff_member",
        record_id=result.member.id,
        now=now,
    )
    response = back_to("/console")
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=secure_request(request), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/logout")
def logout(request: Request, user: PostingUser, session: SessionDep, runtime: RuntimeDep) -> RedirectResponse:
    accounts.end_session(session, request.cookies.get(COOKIE, ""))
    staff_service.audit(
        session,
        actor=user.member,
        action="console.sign_out",
        record_type="staff_member",
        record_id=user.member.id,
        now=runtime.clock(),
    )
    response = back_to(LOGIN_PATH)
    response.delete_cookie(COOKIE, path="/")
    return response

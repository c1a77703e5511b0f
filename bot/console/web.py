"""What every console page shares: templates, the signed-in staff member, role gates, CSRF, rendering.

Pages a role may not see answer 404, exactly like a page that does not exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from bot import thai
from bot.complaints import texts as complaint_texts
from bot.db import MAX_INT32
from bot.http import RuntimeDep, SessionDep
from bot.staff import accounts
from bot.staff.models import Role, StaffMember, StaffSession

HERE = Path(__file__).parent
COOKIE = "tambon_session"
LOGIN_CSRF_COOKIE = "tambon_login_csrf"
LOGIN_PATH = "/console/login"

templates = Jinja2Templates(directory=HERE / "templates")  # autoescape is on for .html

ROLE_NAMES = {
    Role.OFFICER: "เจ้าหน้าที่",
    Role.INTEGRITY_OFFICER: "เจ้าหน้าที่ศูนย์ปฏิบัติการต่อต้านการทุจริต",
    Role.MANAGER: "ผู้บริหาร",
    Role.ADMIN: "ผู้ดูแลระบบ",
}
HANDLERS = (Role.OFFICER, Role.MANAGER, Role.ADMIN)
READERS = (*HANDLERS, Role.INTEGRITY_OFFICER)


@dataclass(frozen=True)
class MenuItem:
    path: str
    label: str
    roles: tuple[Role, ...]


# Tips appear only for integrity officers: everyone else must not learn the page exists.
MENU = (
    MenuItem("/console", "หน้าหลัก", tuple(Role)),
    MenuItem("/console/complaints", "เรื่องร้องเรียน", READERS),
    MenuItem("/console/tips", "เบาะแสทุจริต", (Role.INTEGRITY_OFFICER,)),
    MenuItem("/console/notices", "ประกาศ", HANDLERS),
    MenuItem("/console/forums", "เวทีประชาคม", HANDLERS),
    MenuItem("/console/surveys", "แบบสอบถาม", (Role.MANAGER, Role.ADMIN)),
    MenuItem("/console/surveys/paper", "แบบสอบถามกระดาษ", (Role.OFFICER,)),  # managers reach it from the dashboard
    MenuItem("/console/targets", "เป้าหมาย", (Role.MANAGER, Role.ADMIN)),
    MenuItem("/console/tests", "แบบทดสอบของฉัน", tuple(Role)),
    MenuItem("/console/staff", "เจ้าหน้าที่", (Role.ADMIN,)),
    MenuItem("/console/outbox", "การส่งข้อความ", (Role.ADMIN,)),
)


@dataclass
class ConsoleUser:
    member: StaffMember
    session: StaffSession

    @property
    def role(self) -> Role:
        return Role(self.member.role)

    @property
    def csrf(self) -> str:
        return self.session.csrf_token


class SignInFirst(Exception):
    """Raised for a page that needs a session; answered with a redirect to the sign-in form."""


def whole(value: object, high: int = MAX_INT32) -> int | None:
    """A whole number typed in a form or a query (ASCII digits, 0..high), else None: never an int() of 5,000
    digits (a ValueError) or an OFFSET past the database's range (an overflow), both once 500s."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(high)) or int(text) > high:
        return None
    return int(text)


def console_user(request: Request, session: SessionDep, runtime: RuntimeDep) -> ConsoleUser:
    token = request.cookies.get(COOKIE)
    resumed = accounts.resume(session, token, now=runtime.clock()) if token else None
    if session.dirty or session.deleted:  # the sliding expiry (every few minutes), or an ended session removed
        # Committed apart from the request's work, which a redirect to the sign-in form, a 404 or a refused form
        # rolls back: an expired session is deleted nowhere else, and activity should still extend a session.
        session.commit()
    if resumed is None:
        raise SignInFirst()
    return ConsoleUser(*resumed)


CurrentUser = Annotated[ConsoleUser, Depends(console_user)]


def hidden_unless(role: Role) -> Callable[..., ConsoleUser]:
    """For pages whose very existence is confidential (tips): 404 for every other role and for anyone
    not signed in, exactly like an unknown address — no redirect to the sign-in form that would betray it."""

    def check(request: Request, session: SessionDep, runtime: RuntimeDep) -> ConsoleUser:
        try:
            user = console_user(request, session, runtime)
        except SignInFirst:
            user = None
        if user is None or user.role != role:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        return user

    return check


def only(*roles: Role) -> Callable[[ConsoleUser], ConsoleUser]:
    """A page for these roles; for every other role it does not exist (404)."""

    def check(user: CurrentUser) -> ConsoleUser:
        if user.role not in roles:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        return user

    return check


async def csrf_checked(request: Request, user: CurrentUser) -> ConsoleUser:
    """Every state-changing form carries the session's CSRF token; without it: 403 and nothing changes."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, user.csrf):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "คำขอไม่ถูกต้อง (CSRF) กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง")
    return user


PostingUser = Annotated[ConsoleUser, Depends(csrf_checked)]


async def form_fields(request: Request) -> FormData:
    """The posted form, read in the event loop, so that the route itself can be a plain `def`: FastAPI runs
    those in its thread pool. A route that works with the database or calls out (the LINE quota check, which
    in simulator mode is this very server) must not block the loop, or the server cannot answer itself."""
    return await request.form()


FormFields = Annotated[FormData, Depends(form_fields)]


def posting(*roles: Role) -> Callable[[ConsoleUser], ConsoleUser]:
    """A form post by one of `roles`, CSRF checked first."""

    def check(user: PostingUser) -> ConsoleUser:
        if user.role not in roles:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        return user

    return check


def render(
    request: Request, user: ConsoleUser | None, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    runtime = request.app.state.runtime
    menu = [item for item in MENU if user is not None and user.role in item.roles]
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "menu": menu,
            "org": runtime.org,
            "now": runtime.clock(),
            "path": request.url.path,
            "role_names": ROLE_NAMES,
            **context,
        },
        status_code=status_code,
    )


def back_to(path: str) -> RedirectResponse:
    """Post/redirect/get: after a change, the browser loads the page afresh (303 turns the POST into a GET)."""
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


def secure_request(request: Request) -> bool:
    return request.url.scheme == "https"


# --- Jinja filters: B.E. dates, Thai names -------------------------------------------------------------------


def _thai_date(value: date | datetime | None, short: bool = False) -> str:
    return "" if value is None else thai.format_date(value, short=short)


def _thai_datetime(value: datetime | None) -> str:
    return "" if value is None else thai.format_datetime(value)


def _thai_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(thai.BANGKOK)
    return f"{thai.format_date(local, short=True)} {local.hour:02d}.{local.minute:02d} น."


def _number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


templates.env.filters.update(
    thai_date=_thai_date,
    thai_datetime=_thai_datetime,
    thai_time=_thai_time,
    number=_number,
    status_name=complaint_texts.status_name,
    source_name=lambda key: complaint_texts.SOURCE_NAMES.get(key, key),
)

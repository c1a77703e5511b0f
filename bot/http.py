"""Dependencies shared by the admin API: the session, the runtime, and the authenticated staff member."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from bot.runtime import Runtime
from bot.staff import service as staff_service
from bot.staff.models import Role, StaffMember

bearer = HTTPBearer(auto_error=False, description="API token from `tambon staff add`")


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    with Session(runtime.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_staff(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> StaffMember:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "ต้องส่ง Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    member = staff_service.authenticate(session, credentials.credentials)
    if member is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "โทเคนไม่ถูกต้องหรือถูกระงับ",
                            headers={"WWW-Authenticate": "Bearer"})
    return member


CurrentStaff = Annotated[StaffMember, Depends(current_staff)]


def require_role(*roles: Role) -> Callable[[StaffMember], StaffMember]:
    """A dependency admitting only staff with one of `roles` (403 for the others)."""

    def check(member: CurrentStaff) -> StaffMember:
        if member.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "บทบาทของท่านไม่มีสิทธิ์ใช้งานส่วนนี้")
        return member

    return check


AdminStaff = Annotated[StaffMember, Depends(require_role(Role.ADMIN))]

# 422 under one name: Starlette renamed its constant (…_ENTITY → …_CONTENT) and warns about the old one.
UNPROCESSABLE = 422

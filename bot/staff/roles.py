"""Who may call a route: the signed-in staff member and the role groups, each defined once.

A route names its caller by one of these aliases (`member: OfficeStaff`). A missing or unknown token is 401,
a role outside the group 403; tips answer 404 to everyone but integrity officers, as if nothing were there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.http import SessionDep
from bot.staff import service
from bot.staff.models import Role, StaffMember

bearer = HTTPBearer(auto_error=False, description="API token from `tambon staff add`")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def current_staff(session: SessionDep, credentials: Credentials) -> StaffMember:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "ต้องส่ง Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"}
        )
    member = service.authenticate(session, credentials.credentials)
    if member is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "โทเคนไม่ถูกต้องหรือถูกระงับ", headers={"WWW-Authenticate": "Bearer"}
        )
    return member


CurrentStaff = Annotated[StaffMember, Depends(current_staff)]


def require_role(*roles: Role) -> Callable[[StaffMember], StaffMember]:
    """A dependency admitting only staff with one of `roles` (403 for the others)."""

    def check(member: CurrentStaff) -> StaffMember:
        if member.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "บทบาทของท่านไม่มีสิทธิ์ใช้งานส่วนนี้")
        return member

    return check


def integrity_officer(session: SessionDep, credentials: Credentials) -> StaffMember:
    """Only integrity officers; every other caller, signed in or not, is told the route does not exist."""
    member = service.authenticate(session, credentials.credentials) if credentials else None
    if member is None or member.role != Role.INTEGRITY_OFFICER:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")  # exactly an unknown path's answer
    return member


# Reads complaints (integrity officers too: a complaint may be about corruption).
CaseReader = Annotated[
    StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN, Role.INTEGRITY_OFFICER))
]
# Handles the daily work: complaints, notices, forums, paper survey forms.
OfficeStaff = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN))]
# Decides: surveys, reports, the forums' coverage.
Manager = Annotated[StaffMember, Depends(require_role(Role.MANAGER, Role.ADMIN))]
AdminStaff = Annotated[StaffMember, Depends(require_role(Role.ADMIN))]
IntegrityOfficer = Annotated[StaffMember, Depends(integrity_officer)]

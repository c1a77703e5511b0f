"""Admin routes for staff: who am I, the staff list, and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from bot.errors import NotFound
from bot.http import Now, Offset, RecordId, SessionDep
from bot.staff import accounts, service
from bot.staff.models import AuditEntry, AuditRead, NotificationRead, Role, StaffMember, StaffNotification, StaffRead
from bot.staff.roles import AdminStaff, CurrentStaff

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.get("/me", response_model=StaffRead)
def me(member: CurrentStaff) -> StaffMember:
    return member


class StaffCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    unit: str | None = Field(default=None, max_length=64)
    username: str | None = Field(default=None, max_length=64, description="for the web console")
    password: str | None = Field(default=None, max_length=256, description="for the web console; ≥ 10 characters")


class StaffCreated(StaffRead):
    token: str = Field(description="shown once; store it safely")


@router.post("/staff", response_model=StaffCreated, status_code=status.HTTP_201_CREATED)
def add_staff(body: StaffCreate, admin: AdminStaff, session: SessionDep, now: Now) -> StaffCreated:
    member, token = service.create_staff(session, name=body.name, role=body.role, unit=body.unit, now=now)
    if body.username is not None:  # AccountError (422) undoes the whole request
        accounts.set_username(session, member, body.username)
    if body.password is not None:
        accounts.set_password(session, member, body.password)
    service.audit(
        session,
        actor=admin,
        action="staff.create",
        record_type="staff_member",
        record_id=member.id,
        now=now,
        detail={"role": body.role},
    )
    return StaffCreated(**StaffRead.model_validate(member, from_attributes=True).model_dump(), token=token)


@router.get("/staff", response_model=list[StaffRead])
def list_staff(_: AdminStaff, session: SessionDep) -> list[StaffMember]:
    return service.list_staff(session)


@router.post("/staff/{staff_id}/deactivate", response_model=StaffRead)
def deactivate(staff_id: RecordId, admin: AdminStaff, session: SessionDep, now: Now) -> StaffMember:
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise NotFound("ไม่พบเจ้าหน้าที่")
    accounts.deactivate(session, member, by=admin)
    service.audit(
        session, actor=admin, action="staff.deactivate", record_type="staff_member", record_id=staff_id, now=now
    )
    return member


@router.get("/audit", response_model=list[AuditRead])
def audit_log(
    _: AdminStaff,
    session: SessionDep,
    limit: int = Query(100, ge=1, le=500),
    offset: Offset = 0,
) -> list[AuditEntry]:
    return service.list_audit(session, limit, offset)


@router.get("/notifications", response_model=list[NotificationRead])
def my_notifications(member: CurrentStaff, session: SessionDep, unread: bool = False) -> list[StaffNotification]:
    """Reminders and escalations for me, my unit or my role."""
    return service.notifications_for(session, member, unread_only=unread)

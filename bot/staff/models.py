"""Staff members (with hashed API tokens) and the audit log of sensitive actions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from bot.db import UTCDateTime


class Role(StrEnum):
    OFFICER = "officer"
    INTEGRITY_OFFICER = "integrity_officer"  # alone handles corruption tips
    MANAGER = "manager"
    ADMIN = "admin"  # accounts and delivery operations; not tips


class StaffMember(SQLModel, table=True):
    __tablename__ = "staff_member"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200))
    role: str = Field(sa_type=String(32))
    unit: str | None = Field(default=None, sa_type=String(64))
    # SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough and lookups stay O(1).
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    token_hint: str = Field(sa_type=String(12), description="first characters, to tell tokens apart")
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Console sign-in (optional: API-only accounts have none). argon2id hash; repeated failures lock it a while.
    username: str | None = Field(default=None, sa_column=Column(String(64), unique=True, nullable=True))
    password_hash: str | None = Field(default=None, sa_type=String(200))
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffSession(SQLModel, table=True):
    """A signed-in console browser. Deleting the row (sign-out, deactivation) ends it at once."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))  # SHA-256 of the cookie
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    csrf_token: str = Field(sa_type=String(64))
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class StaffRead(BaseModel):
    id: int
    name: str
    role: str
    unit: str | None
    token_hint: str
    active: bool
    created_at: datetime
    username: str | None = None


class AuditEntry(SQLModel, table=True):
    """Who did what to which record, when. The migration makes this table refuse UPDATE and DELETE."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    actor: str = Field(sa_type=String(200), description="staff name, or 'system' / 'cli'")
    action: str = Field(sa_type=String(64))
    record_type: str = Field(sa_type=String(64))
    record_id: str | None = Field(default=None, sa_type=String(64))
    detail: str | None = Field(default=None, sa_column=Column(Text))


class AuditRead(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    record_type: str
    record_id: str | None
    detail: str | None


class StaffNotification(SQLModel, table=True):
    """Something a unit, a role or one officer must look at (reminders, overdue cases, reopened cases)."""

    __tablename__ = "staff_notification"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    unit: str | None = Field(default=None, sa_type=String(64), index=True)
    role: str | None = Field(default=None, sa_type=String(32))
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    kind: str = Field(sa_type=String(32))
    record_type: str = Field(sa_type=String(32))
    record_code: str = Field(sa_type=String(32))
    message: str = Field(sa_type=Text)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationRead(BaseModel):
    id: int
    created_at: datetime
    kind: str
    record_type: str
    record_code: str
    message: str
    read_at: datetime | None


class StaffContact(SQLModel, table=True):
    """A staff member's LINE account, linked by a one-time code typed in the chat (for staff notices)."""

    __tablename__ = "staff_contact"

    staff_member_id: int = Field(foreign_key="staff_member.id", primary_key=True)
    resident_id: int | None = Field(default=None, foreign_key="resident.id", unique=True)
    code_hash: str | None = Field(default=None, sa_type=String(64))
    code_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    linked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

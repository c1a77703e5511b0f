"""Staff accounts, token authentication, and the audit log."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import false, or_
from sqlmodel import Session, col, select

from bot.staff.models import AuditEntry, Role, StaffMember, StaffNotification

TOKEN_PREFIX = "tbn_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_staff(
    session: Session, *, name: str, role: Role, now: datetime, unit: str | None = None
) -> tuple[StaffMember, str]:
    """A new staff member and their API token, which is returned once and stored only hashed."""
    if not name.strip():
        raise ValueError("name is required")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    member = StaffMember(
        name=name.strip(),
        role=Role(role),
        unit=unit,
        token_hash=hash_token(token),
        token_hint=token[:10],
        created_at=now,
    )
    session.add(member)
    session.flush()
    return member, token


def authenticate(session: Session, token: str) -> StaffMember | None:
    """The active staff member holding `token`, if any."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    member = session.exec(select(StaffMember).where(StaffMember.token_hash == hash_token(token))).first()
    return member if member is not None and member.active else None


def audit(
    session: Session,
    *,
    actor: StaffMember | None,
    action: str,
    record_type: str,
    record_id: object = None,
    now: datetime,
    detail: dict[str, Any] | None = None,
    actor_name: str = "system",
) -> AuditEntry:
    """Append one entry; the caller's transaction commits it with the action it records."""
    entry = AuditEntry(
        at=now,
        actor_staff_id=actor.id if actor else None,
        actor=actor.name if actor else actor_name,
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        detail=json.dumps(detail, ensure_ascii=False) if detail else None,
    )
    session.add(entry)
    return entry


def list_staff(session: Session) -> list[StaffMember]:
    return list(session.exec(select(StaffMember).order_by(col(StaffMember.id))).all())


def list_audit(session: Session, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query).all())


def notify(
    session: Session,
    *,
    kind: str,
    record_type: str,
    record_code: str,
    message: str,
    now: datetime,
    unit: str | None = None,
    role: Role | None = None,
    staff_id: int | None = None,
) -> StaffNotification:
    """Leave a note for a unit, a role or one officer; the console lists them."""
    note = StaffNotification(
        created_at=now,
        unit=unit,
        role=role,
        staff_id=staff_id,
        kind=kind,
        record_type=record_type,
        record_code=record_code,
        message=message,
    )
    session.add(note)
    return note


def notifications_for(session: Session, member: StaffMember, unread_only: bool = False) -> list[StaffNotification]:
    """Notes addressed to this officer, their unit or their role, newest first."""
    query = select(StaffNotification).where(
        or_(
            col(StaffNotification.staff_id) == member.id,
            (col(StaffNotification.unit) == member.unit) if member.unit else false(),
            col(StaffNotification.role) == member.role,
        )
    )
    if unread_only:
        query = query.where(col(StaffNotification.read_at).is_(None))
    return list(session.exec(query.order_by(col(StaffNotification.id).desc()).limit(200)).all())


def mark_read(session: Session, member: StaffMember, note_id: int, now: datetime) -> bool:
    """Mark one of my notes read; False when it is not addressed to me (or does not exist)."""
    note = session.get(StaffNotification, note_id)
    if note is None:
        return False
    mine = note.staff_id == member.id or (member.unit and note.unit == member.unit) or note.role == member.role
    if not mine:
        return False
    note.read_at = note.read_at or now
    return True

"""Staff members link their own LINE account (so staff notices and reminders reach them) with a one-time code:
staff ask the API for a code, then type “ผูกบัญชีเจ้าหน้าที่ 123456” to the bot within ten minutes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.staff.models import StaffContact, StaffMember

CODE_TTL = timedelta(minutes=10)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue_code(session: Session, staff_id: int, now: datetime) -> tuple[str, datetime]:
    """A fresh 6-digit code for `staff_id` (replacing any earlier one), and when it expires."""
    contact = session.get(StaffContact, staff_id)
    if contact is None:
        contact = StaffContact(staff_member_id=staff_id)
        session.add(contact)
    while True:  # codes are short: never hand out one that another member could still use
        code = f"{secrets.randbelow(10**6):06d}"
        clash = session.exec(
            select(StaffContact).where(StaffContact.code_hash == _hash(code), col(StaffContact.code_expires_at) > now)
        ).first()
        if clash is None:
            break
    contact.code_hash = _hash(code)
    contact.code_expires_at = now + CODE_TTL
    return code, now + CODE_TTL


def link(session: Session, resident_id: int, code: str, now: datetime) -> StaffMember | None:
    """Link the resident's LINE account to the active staff member whose live code this is."""
    live = (StaffContact.code_hash == _hash(code.strip())) & (col(StaffContact.code_expires_at) > now)
    contact = session.exec(select(StaffContact).where(live)).first()
    member = session.get(StaffMember, contact.staff_member_id) if contact else None
    if contact is None or member is None or not member.active:
        return None
    previous = session.exec(select(StaffContact).where(StaffContact.resident_id == resident_id)).first()
    if previous is not None and previous is not contact:
        previous.resident_id = None  # one LINE account speaks for one staff member
        session.flush()
    contact.resident_id = resident_id
    contact.linked_at = now
    contact.code_hash = None
    contact.code_expires_at = None
    return member

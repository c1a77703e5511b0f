"""Console sign-in: usernames and argon2 passwords, lock-out after repeated failures, server-side sessions.

A session is a random cookie whose SHA-256 is a row in `staff_session`; signing out or deactivating the
account deletes the rows, so the next request is refused at once. Each session carries its CSRF token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlmodel import Session, select

from bot.errors import Invalid
from bot.staff.models import StaffMember, StaffSession

MAX_FAILURES = 5  # wrong passwords in a row before the account is locked for LOCK_MINUTES
LOCK_MINUTES = 15
SESSION_HOURS = 12  # idle time after which a session ends
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")

_hasher = PasswordHasher()
# Verified against when the username is unknown, so an unknown name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(Invalid):
    """A username or password the rules refuse; the message is Thai, for staff."""


@dataclass(frozen=True)
class LoginResult:
    member: StaffMember | None
    locked_until: datetime | None = None


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_username(session: Session, username: str, member: StaffMember | None = None) -> str:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("ชื่อผู้ใช้ต้องมี 3–64 ตัว ใช้ได้เฉพาะ a–z 0–9 . _ -")
    taken = session.exec(select(StaffMember).where(StaffMember.username == username)).first()
    if taken is not None and (member is None or taken.id != member.id):
        raise AccountError(f"ชื่อผู้ใช้ {username} มีผู้ใช้แล้ว")
    return username


def set_username(session: Session, member: StaffMember, username: str) -> None:
    member.username = check_username(session, username, member)


def set_password(session: Session, member: StaffMember, password: str) -> None:
    """Store a new password (argon2id) and end the member's other sessions: a reset locks out old browsers."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร")
    if len(password) > 256:
        raise AccountError("รหัสผ่านยาวเกินไป")
    member.password_hash = _hasher.hash(password)
    member.failed_logins, member.locked_until = 0, None
    end_sessions_of(session, member)


def login(session: Session, username: str, password: str, *, now: datetime) -> LoginResult:
    """The member when the password is right and the account active and not locked; counts failures."""
    member = session.exec(select(StaffMember).where(StaffMember.username == username.strip().lower())).first()
    if member is None or member.password_hash is None:
        _verify(_DUMMY_HASH, password)
        return LoginResult(None)
    if member.locked_until is not None and member.locked_until > now:
        return LoginResult(None, locked_until=member.locked_until)
    if not _verify(member.password_hash, password) or not member.active:
        member.failed_logins += 1
        if member.failed_logins >= MAX_FAILURES:
            member.failed_logins, member.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
            return LoginResult(None, locked_until=member.locked_until)
        return LoginResult(None)
    member.failed_logins, member.locked_until = 0, None
    if _hasher.check_needs_rehash(member.password_hash):
        member.password_hash = _hasher.hash(password)
    return LoginResult(member)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def start_session(session: Session, member: StaffMember, *, now: datetime) -> tuple[str, StaffSession]:
    """A new session; returns the cookie value (shown to the browser only) and the row."""
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=_sha(token),
        staff_id=member.id or 0,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=SESSION_HOURS),
    )
    session.add(row)
    session.flush()
    return token, row


def resume(session: Session, token: str, *, now: datetime) -> tuple[StaffMember, StaffSession] | None:
    """The active member behind a session cookie; an expired session or a deactivated member is ended."""
    row = session.exec(select(StaffSession).where(StaffSession.token_hash == _sha(token))).first()
    if row is None:
        return None
    member = session.get(StaffMember, row.staff_id)
    if row.expires_at <= now or member is None or not member.active:
        session.delete(row)
        return None
    if now - row.last_seen_at > timedelta(minutes=5):  # sliding expiry without a write on every request
        row.last_seen_at, row.expires_at = now, now + timedelta(hours=SESSION_HOURS)
    return member, row


def end_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == _sha(token)))  # type: ignore[arg-type]


def end_sessions_of(session: Session, member: StaffMember) -> None:
    session.execute(delete(StaffSession).where(StaffSession.staff_id == member.id))  # type: ignore[arg-type]


def deactivate(session: Session, member: StaffMember, *, by: StaffMember) -> None:
    """No more API calls nor console pages: the token stops working and every session ends now. Nobody
    deactivates themselves (the last admin would lock everyone out of the staff accounts)."""
    if member.id == by.id:
        raise Invalid("ระงับบัญชีของตัวเองไม่ได้")
    member.active = False
    end_sessions_of(session, member)

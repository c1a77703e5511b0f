"""Issuing and checking tracking PINs. Rules only: no HTTP, never commits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlmodel import Session, select

from bot.pins.models import TrackingPin

PIN_DIGITS = 8
# scrypt keeps a stolen table from giving up 10^8 PINs in seconds; n=2^14 costs ~20 ms per check.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def _hash(pin: str, salt: bytes) -> str:
    return hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT).hex()


def normalise(pin: str) -> str:
    """What people type: spaces and dashes dropped (`1234-5678` → `12345678`)."""
    return "".join(ch for ch in pin if ch.isdigit())


def issue(session: Session, *, code: str, record_type: str, now: datetime) -> str:
    """A new PIN for `code` (replacing any earlier one); returned once, stored only as a hash."""
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
    salt = secrets.token_bytes(16)
    stored = f"scrypt${salt.hex()}${_hash(pin, salt)}"
    row = session.exec(select(TrackingPin).where(TrackingPin.code == code)).first()
    if row is None:
        session.add(TrackingPin(code=code, record_type=record_type, pin_hash=stored, created_at=now))
    else:
        row.pin_hash, row.record_type, row.created_at = stored, record_type, now
    return pin


def check(session: Session, code: str, pin: str) -> str | None:
    """The record type when `pin` opens `code`; None otherwise (an unknown code and a wrong PIN look alike,
    and cost the same time)."""
    code = code.strip().upper()
    row = session.exec(select(TrackingPin).where(TrackingPin.code == code)).first()
    stored = row.pin_hash if row is not None else f"scrypt${'00' * 16}${'00' * 32}"
    _, salt_hex, expected = stored.split("$")
    actual = _hash(normalise(pin), bytes.fromhex(salt_hex))
    if hmac.compare_digest(actual, expected) and row is not None and len(normalise(pin)) == PIN_DIGITS:
        return row.record_type
    return None


def display(pin: str) -> str:
    """`1234-5678`: easier to read aloud and copy."""
    return f"{pin[:4]}-{pin[4:]}"

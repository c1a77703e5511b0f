"""Complaints from people without LINE: filed on the web (or recorded by staff) and followed with a code
and a tracking PIN. Rules only: no HTTP, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot import media
from bot.complaints import service, texts
from bot.complaints.models import Complaint, SourceChannel
from bot.config import Settings
from bot.organisation import Organisation
from bot.pins import service as pins

RECORD_TYPE = "complaint"


@dataclass(frozen=True)
class Filed:
    code: str
    pin: str  # shown once, never stored


@dataclass(frozen=True)
class CaseView:
    """What code + PIN reveal: the status, the public notes and the due date; never internal notes."""

    code: str
    status: str
    due_at: datetime
    finished: bool
    timeline: list[tuple[datetime, str]]


def file_from_web(
    session: Session,
    *,
    org: Organisation,
    settings: Settings,
    description: str,
    now: datetime,
    category: str | None = None,
    village_no: int | None = None,
    name: str | None = None,
    phone: str | None = None,
    photo: bytes | None = None,
) -> Filed:
    """File a web complaint; a photo is checked and re-encoded first (PhotoRefused before anything is kept)."""
    clean = media.clean_photo(photo, settings.photo_max_bytes) if photo else None
    complaint = service.file_complaint(
        session,
        org=org,
        settings=settings,
        category=category or "other",
        description=description,
        now=now,
        source=SourceChannel.WEB,
        village_no=village_no,
        contact_name=name or None,
        phone=phone or None,
    )
    if clean is not None:
        service.attach_photo(session, complaint, media.kept(clean, now))
    return Filed(complaint.code, pins.issue(session, code=complaint.code, record_type=RECORD_TYPE, now=now))


def issue_slip(session: Session, complaint: Complaint, now: datetime) -> str:
    """A (new) PIN for a staff-recorded case, to print on the complainant's slip; an earlier PIN stops working."""
    return pins.issue(session, code=complaint.code, record_type=RECORD_TYPE, now=now)


def view(session: Session, complaint: Complaint) -> CaseView:
    return CaseView(
        code=complaint.code,
        status=texts.status_name(complaint.status),
        due_at=complaint.due_at,
        finished=service.is_finished(complaint),
        timeline=service.public_timeline(session, complaint),
    )

"""Staff's reads of one complaint: found by code (or 404), its timeline and its photos. The list and search
are in `queue`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from bot.complaints import service
from bot.complaints.models import (
    Complaint,
    ComplaintPhoto,
    ComplaintUpdate,
    PhotoStatus,
)
from bot.errors import NotFound


def found(session: Session, code: str) -> Complaint:
    complaint = service.get(session, code)
    if complaint is None:
        raise NotFound(f"ไม่พบเรื่องร้องเรียน {code}")
    return complaint


def timeline(session: Session, complaint: Complaint) -> Sequence[ComplaintUpdate]:
    """Every update, internal notes included (staff only)."""
    return session.exec(select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint.id)
                        .order_by(col(ComplaintUpdate.id))).all()


def stored_photo_ids(session: Session, complaint: Complaint) -> list[int]:
    ids = session.exec(select(ComplaintPhoto.id).where(ComplaintPhoto.complaint_id == complaint.id,
                                                       ComplaintPhoto.status == PhotoStatus.STORED)).all()
    return [i for i in ids if i is not None]


def stored_photo(session: Session, complaint: Complaint, photo_id: int) -> ComplaintPhoto:
    stored = session.get(ComplaintPhoto, photo_id)
    if stored is None or stored.complaint_id != complaint.id or stored.status != PhotoStatus.STORED:
        raise NotFound("ไม่พบรูปนี้")
    return stored

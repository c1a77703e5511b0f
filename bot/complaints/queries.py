"""Staff's reads of one complaint: found by code (or 404), its timeline and its photos. The list and search
are in `queue`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from bot import cases
from bot.complaints import queue, service
from bot.complaints.models import Complaint, ComplaintPhoto, ComplaintUpdate
from bot.media import MediaFile, MediaStatus


def found(session: Session, code: str) -> Complaint:
    return cases.found(service.get(session, code), f"ไม่พบเรื่องร้องเรียน {code}")


def timeline(session: Session, complaint: Complaint) -> Sequence[ComplaintUpdate]:
    """Every update, internal notes included (staff only)."""
    return queue.timeline(session, complaint)


def stored_photo_ids(session: Session, complaint: Complaint) -> list[int]:
    return queue.photo_ids(session, complaint)


def stored_photo_counts(session: Session, complaints: Sequence[Complaint]) -> dict[int, int]:
    """How many stored photos each complaint has (by id), in one query: the list shows what the detail shows."""
    ids = [c.id for c in complaints if c.id is not None]
    if not ids:
        return {}
    rows = session.exec(
        select(ComplaintPhoto.complaint_id, func.count())
        .join(MediaFile, col(MediaFile.id) == ComplaintPhoto.media_id)
        .where(col(ComplaintPhoto.complaint_id).in_(ids), MediaFile.status == MediaStatus.STORED)
        .group_by(col(ComplaintPhoto.complaint_id))
    ).all()
    return {complaint_id: int(count) for complaint_id, count in rows}


def stored_photo(session: Session, complaint: Complaint, photo_id: int) -> MediaFile:
    return cases.found(queue.stored_photo(session, complaint, photo_id), "ไม่พบรูปนี้")

"""The staff work queue: filtering and searching complaints, days left, and what needs a staff member now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from bot import cases, media, thai
from bot.complaints.models import FINISHED, Complaint, ComplaintPhoto, ComplaintUpdate, Status
from bot.search import contains
from bot.staff.models import Role, StaffMember

DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    category: str | None = None
    village: int | None = None
    unit: str | None = None
    overdue: bool | None = None
    source_channel: str | None = None
    fiscal_year: int | None = None
    q: str | None = None


def _late(now: datetime) -> ColumnElement[bool]:
    """Unfinished past the 15-day mark: what the plan counts as overdue."""
    return col(Complaint.status).not_in([s.value for s in FINISHED]) & (col(Complaint.first_due_at) <= now)


def search(
    session: Session, wanted: QueueFilter, *, now: datetime, limit: int = 50, offset: int = 0
) -> tuple[list[Complaint], int]:
    """One page of complaints matching every given filter, newest first, and how many match in all."""
    query = select(Complaint)
    filters = {
        Complaint.status: wanted.status,
        Complaint.category: wanted.category,
        Complaint.village_no: wanted.village,
        Complaint.unit: wanted.unit,
        Complaint.source_channel: wanted.source_channel,
        Complaint.fiscal_year: wanted.fiscal_year,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if wanted.overdue is not None:
        query = query.where(_late(now) if wanted.overdue else ~_late(now))
    if wanted.q and wanted.q.strip():  # `%` and `_` taken literally
        query = query.where(contains(wanted.q.strip(), Complaint.code, Complaint.description, Complaint.address))
    return cases.newest_first(session, query, Complaint.id, limit, offset)


def is_overdue(complaint: Complaint, now: datetime) -> bool:
    return complaint.status not in FINISHED and complaint.first_due_at <= now


def days_left(complaint: Complaint, now: datetime) -> int | None:
    """Whole Thai calendar days to the current due date (negative when late); None once finished."""
    if complaint.status in FINISHED:
        return None
    return (thai.local_date(complaint.due_at) - thai.local_date(now)).days


@dataclass(frozen=True)
class NeedsMe:
    new: int
    due_soon: int
    overdue: int


def needs_me(session: Session, member: StaffMember, *, now: datetime) -> NeedsMe:
    """Counts for the console home: new cases, due within 3 days, overdue — in my unit (officers with one)
    or everywhere (managers, admins)."""
    scope = select(Complaint)
    if member.role == Role.OFFICER and member.unit:
        scope = scope.where(Complaint.unit == member.unit)
    open_ = col(Complaint.status).not_in([s.value for s in FINISHED])

    def count(condition: ColumnElement[bool]) -> int:
        return int(session.exec(select(func.count()).select_from(scope.where(condition).subquery())).one())

    soon = now + timedelta(days=DUE_SOON_DAYS)
    return NeedsMe(
        new=count(col(Complaint.status) == Status.RECEIVED),
        due_soon=count(open_ & (col(Complaint.due_at) > now) & (col(Complaint.due_at) <= soon)),
        overdue=count(_late(now)),
    )


def timeline(session: Session, complaint: Complaint) -> list[ComplaintUpdate]:
    """Every line of the case's history, internal notes included (staff only)."""
    query = (
        select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint.id).order_by(col(ComplaintUpdate.id))
    )
    return list(session.exec(query).all())


def photo_ids(session: Session, complaint: Complaint) -> list[int]:
    """The complaint's photos whose bytes are kept (neither awaiting LINE nor refused)."""
    query = (
        select(ComplaintPhoto.id)
        .join(media.MediaFile, col(media.MediaFile.id) == ComplaintPhoto.media_id)
        .where(ComplaintPhoto.complaint_id == complaint.id, media.MediaFile.status == media.MediaStatus.STORED)
        .order_by(col(ComplaintPhoto.id))
    )
    return [i for i in session.exec(query).all() if i is not None]


def stored_photo(session: Session, complaint: Complaint, photo_id: int) -> media.MediaFile | None:
    photo = session.get(ComplaintPhoto, photo_id)
    if photo is None or photo.complaint_id != complaint.id:
        return None
    return media.stored(session, photo.media_id)

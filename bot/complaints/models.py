"""Complaints, their public/internal timeline, and the photos attached to them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import BigInteger, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.db import RowId, UTCDateTime, VillageNumber


class Status(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"  # staff say it is fixed; the resident is asked to confirm
    CLOSED = "closed"
    FORWARDED = "forwarded"  # sent to another agency
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"
    REOPENED = "reopened"


# Cases no longer waiting for us: they stop the 15-day clock.
FINISHED = frozenset(
    {Status.RESOLVED, Status.CLOSED, Status.FORWARDED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN}
)
NEEDS_PUBLIC_NOTE = frozenset({Status.FORWARDED, Status.REJECTED, Status.RESOLVED, Status.DUPLICATE})


class SourceChannel(StrEnum):
    LINE = "line"
    PHONE = "phone"
    WALK_IN = "walk_in"
    LETTER = "letter"
    CENTER_1567 = "center_1567"
    WEB = "web"


class Complaint(SQLModel, table=True):
    __table_args__ = (Index("ix_complaint_fy_status", "fiscal_year", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(16), unique=True, nullable=False))
    fiscal_year: int = Field(index=True)
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    source_channel: str = Field(default=SourceChannel.LINE, sa_type=String(16))
    category: str = Field(sa_type=String(32), index=True)
    village_no: int | None = Field(default=None, index=True)
    description: str = Field(sa_type=Text)
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = Field(default=None, sa_type=String(300))
    contact_name: str | None = Field(default=None, sa_type=String(200))  # staff-recorded cases
    phone: str | None = Field(default=None, sa_type=String(20))
    status: str = Field(default=Status.RECEIVED, sa_type=String(16))
    unit: str = Field(sa_type=String(64), index=True)
    assigned_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    first_due_at: datetime = Field(sa_type=UTCDateTime)  # created + 15 days: what the plan measures
    due_at: datetime = Field(sa_type=UTCDateTime)  # moves when staff give a reason and a new date
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    overdue_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late_notice_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last time told why it is late
    told_why_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # first time: what the plan measures
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rating: int | None = None  # 1–5, complaint-handling satisfaction
    rated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ComplaintUpdate(SQLModel, table=True):
    """One line of a case's timeline; the public note is what the resident sees."""

    __tablename__ = "complaint_update"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(sa_type=String(24))  # transition, delay_reason, reminder, overdue, escalated, rating
    status_from: str | None = Field(default=None, sa_type=String(16))
    status_to: str | None = Field(default=None, sa_type=String(16))
    public_note: str | None = Field(default=None, sa_type=Text)
    internal_note: str | None = Field(default=None, sa_type=Text)
    new_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    actor_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    actor: str = Field(sa_type=String(200))


class ComplaintPhoto(SQLModel, table=True):
    """A photo attached to a complaint; its bytes and state are in `media` (bot.media)."""

    __tablename__ = "complaint_photo"

    id: int | None = Field(default=None, primary_key=True)  # in the staff's photo URLs
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    media_id: int = Field(foreign_key="media.id", unique=True, index=True, sa_type=BigInteger)


class TransitionIn(BaseModel):
    status: Status
    public_note: str | None = PydanticField(default=None, max_length=2000)
    internal_note: str | None = PydanticField(default=None, max_length=4000)
    unit: str | None = PydanticField(default=None, max_length=64)
    assigned_staff_id: RowId | None = None
    expected_date: date | None = PydanticField(default=None, description="new expected completion date, if late")


class ComplaintIn(BaseModel):
    """A complaint staff record from another channel (phone, walk-in, letter, 1567)."""

    source_channel: SourceChannel
    category: str
    description: str = PydanticField(min_length=1, max_length=5000)
    village_no: VillageNumber | None = None
    contact_name: str | None = PydanticField(default=None, max_length=200)
    phone: str | None = PydanticField(default=None, max_length=20)
    address: str | None = PydanticField(default=None, max_length=300)


class UpdateOut(BaseModel):
    at: datetime
    kind: str
    status_from: str | None
    status_to: str | None
    public_note: str | None
    internal_note: str | None
    new_due_at: datetime | None
    actor: str


class ComplaintOut(BaseModel):
    code: str
    fiscal_year: int
    status: str
    source_channel: str
    category: str
    village_no: int | None
    description: str
    latitude: float | None
    longitude: float | None
    address: str | None
    contact_name: str | None
    phone: str | None
    unit: str
    assigned_staff_id: int | None
    created_at: datetime
    due_at: datetime
    first_due_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    late_notice_at: datetime | None
    told_why_at: datetime | None
    rating: int | None
    photos: int = 0


class ComplaintDetail(ComplaintOut):
    timeline: list[UpdateOut]
    photo_ids: list[int]


class ReclassifyIn(BaseModel):
    """Staff correct the category a resident picked (the outcome indicators count by category)."""

    category: str = PydanticField(min_length=1, max_length=32)
    reason: str | None = PydanticField(default=None, max_length=500)

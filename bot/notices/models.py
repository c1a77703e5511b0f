"""Notices, their delivery chunks, residents' opt-outs, and staff members' linked LINE accounts."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel
from pydantic import Field as Input
from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.db import RowId, UTCDateTime, VillageNumber


class AudienceKind(StrEnum):
    ALL = "all"  # every follower (LINE broadcast, unless someone opted out)
    VILLAGES = "villages"
    FORUM = "forum"  # everyone who took part in a forum: RSVP ไป/ยังไม่แน่ใจ, check-in or opinion
    STAFF = "staff"  # staff members who linked their LINE account
    # Set by the forums domain only, never by the API:
    FORUM_GOING = "forum_going"  # RSVP ไป or ยังไม่แน่ใจ (reminders, cancellations)
    FORUM_OUTCOME = "forum_outcome"  # attendees and opinion senders (outcomes)


class NoticePurpose(StrEnum):
    GENERAL = "general"
    FORUM_ANNOUNCEMENT = "forum_announcement"
    FORUM_REMINDER = "forum_reminder"
    FORUM_CANCELLED = "forum_cancelled"
    FORUM_OUTCOME = "forum_outcome"


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENT = "sent"  # handed to the outbox, all chunks at once
    NO_RECIPIENTS = "no_recipients"  # a scheduled notice found nobody to send to when it fell due
    CANCELLED = "cancelled"


class DeliveryMethod(StrEnum):
    BROADCAST = "broadcast"
    MULTICAST = "multicast"


class Notice(SQLModel, table=True):
    __table_args__ = (Index("ix_notice_due", "status", "scheduled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_type=String(200))
    text: str = Field(sa_column=Column(Text, nullable=False))
    image_url: str | None = Field(default=None, sa_type=String(2000))
    images: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list of further images
    link: str | None = Field(default=None, sa_type=String(1000))
    essential: bool = False  # reaches residents who opted out of notices (disasters, water cuts …)
    purpose: str = Field(default=NoticePurpose.GENERAL, sa_type=String(32))
    audience_kind: str = Field(sa_type=String(16))
    audience_villages: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list of numbers
    forum_id: int | None = Field(default=None, foreign_key="forum.id", index=True)
    # The exact LINE message objects, fixed when the notice is written: what staff preview is what is sent.
    messages: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=NoticeStatus.DRAFT, sa_type=String(16))
    created_by: int | None = Field(default=None, foreign_key="staff_member.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    method: str | None = Field(default=None, sa_type=String(16))
    recipient_count: int | None = None  # fixed when sent

    def message_list(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = json.loads(self.messages)
        return messages

    def village_list(self) -> list[int]:
        villages: list[int] = json.loads(self.audience_villages)
        return villages

    def image_list(self) -> list[str]:
        images: list[str] = json.loads(self.images)
        return images


class NoticeDelivery(SQLModel, table=True):
    """One outbox row (one LINE call, one retry key) of a sent notice, and how many it addresses."""

    __tablename__ = "notice_delivery"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    outbox_id: int = Field(foreign_key="outbox_message.id", unique=True)
    recipients: int


class NoticePreference(SQLModel, table=True):
    """A resident's choice about non-essential notices (no row: receives them)."""

    __tablename__ = "notice_preference"

    resident_id: int = Field(foreign_key="resident.id", primary_key=True)
    opted_out: bool = False
    updated_at: datetime = Field(sa_type=UTCDateTime)


# --- shapes of the admin API ---------------------------------------------------------------------


class AudienceIn(BaseModel):
    kind: Literal["all", "villages", "forum", "staff"]
    villages: list[VillageNumber] = Input(default_factory=list, max_length=500)
    forum_id: RowId | None = None


class NoticeCreate(BaseModel):
    title: str = Input(min_length=1, max_length=200)
    # Generous bounds here; LINE's own limits are checked by the service with a Thai explanation.
    text: str = Input(min_length=1, max_length=50_000)
    image_url: str | None = Input(default=None, max_length=10_000)
    images: list[str] = Input(default_factory=list, max_length=50, description="further pictures, after image_url")
    link: str | None = Input(default=None, max_length=10_000)
    essential: bool = Input(default=False, description="also reaches residents who opted out of notices")
    audience: AudienceIn


class SendRequest(BaseModel):
    at: AwareDatetime | None = Input(default=None, description="send later, at this time (ISO 8601 with zone)")


class AudienceRead(BaseModel):
    kind: str
    villages: list[int]
    forum_id: int | None


class DeliveryFigures(BaseModel):
    method: str
    calls: int
    recipients: int
    calls_sent: int
    calls_pending: int
    calls_failed: int
    recipients_delivered: int


class QuotaRead(BaseModel):
    limited: bool
    limit: int | None
    used: int
    remaining: int | None


class NoticeRead(BaseModel):
    id: int
    title: str
    text: str
    image_url: str | None
    images: list[str]
    link: str | None
    essential: bool
    purpose: str
    forum_id: int | None
    audience: AudienceRead
    status: str
    created_at: datetime
    scheduled_at: datetime | None
    sent_at: datetime | None
    cancelled_at: datetime | None
    messages: list[dict[str, Any]]
    method: str | None
    recipient_count: int
    delivery: DeliveryFigures | None
    cost_note: str
    quota: QuotaRead | None = None
    warnings: list[str] = []


class StaffLinkCode(BaseModel):
    code: str
    expires_at: datetime
    how: str

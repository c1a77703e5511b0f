"""The outbox table: one row per LINE API call we owe (reply, push, multicast or broadcast)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from bot.db import UTCDateTime


class OutboxKind(StrEnum):
    REPLY = "reply"
    PUSH = "push"
    MULTICAST = "multicast"
    BROADCAST = "broadcast"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender until `lease_until`
    SENT = "sent"
    DEAD = "dead"  # LINE refused it for good, or we gave up: visible to admins, can be re-queued
    SKIPPED = "skipped"  # the resident blocked us or erased their data before it went out
    # A reply whose outcome is unknown (timeout, 5xx, reset, a sender killed mid-call): LINE gives
    # replies no retry key, so it is never sent again; counted and listed for operators instead.
    SENT_UNCERTAIN = "sent_uncertain"


UNSENT_ONE_TO_ONE = "status IN ('pending', 'sending') AND kind IN ('reply', 'push')"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (
        # The claim walks it in order.
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
        # Its "an earlier row to this person is unsent" check, one probe per candidate. Partial: only unsent
        # one-to-one rows (a multicast's recipient, up to 500 ids, would pass PostgreSQL's 8 KB index row).
        # The claim spells these conditions out as literals, so that the planner can prove they hold.
        Index(
            "ix_outbox_unsent_by_recipient",
            "recipient",
            "id",
            postgresql_where=text(UNSENT_ONE_TO_ONE),
            sqlite_where=text(UNSENT_ONE_TO_ONE),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(sa_type=String(16))
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    # LINE user id for push, JSON list of ids for multicast; empty for broadcast and after erasure.
    recipient: str | None = Field(default=None, sa_column=Column(Text))
    reply_token: str | None = Field(default=None, sa_type=String(64))
    reply_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    messages: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of LINE message objects
    # Generated once, when the row is created: LINE answers 409 to a push it has already accepted.
    retry_key: str = Field(sa_column=Column(String(36), unique=True, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_attempt_kind: str | None = Field(default=None, sa_type=String(16))
    last_error: str | None = Field(default=None, sa_type=Text)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    source_event_id: int | None = Field(default=None, foreign_key="inbox_event.id")
    # Drop the recipient once sent (the goodbye after erasure must still reach the person).
    scrub_after_send: bool = False


class OutboxRead(BaseModel):
    id: int
    created_at: datetime
    kind: str
    resident_id: int | None
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None

"""Tables of the LINE adapter: the inbox of webhook events and small channel facts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.db import UTCDateTime


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    IGNORED = "ignored"  # unknown type, group chat, standby mode: recorded, not acted on
    FAILED = "failed"  # processing raised `inbox_max_attempts` times


class InboxEvent(SQLModel, table=True):
    """One webhook event, stored once (unique `webhookEventId`) before we answer LINE."""

    __tablename__ = "inbox_event"
    __table_args__ = (
        Index("ix_inbox_pending_order", "status", "event_ts", "id"),
        # "has this user an earlier pending event?", asked of every candidate by the claim: one probe. (On
        # source_key alone it read all of the user's handled events; and under a burst PostgreSQL's stale
        # statistics, which think "pending" rare, made it rescan every pending row for each candidate.)
        Index("ix_inbox_source_pending", "source_key", "status", "event_ts", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_event_id: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    event_type: str = Field(sa_type=String(40))
    # Who the event is ordered by: the LINE user id for 1:1 chats, else the group/room id.
    source_key: str = Field(sa_type=String(64))
    user_id: str | None = Field(default=None, sa_type=String(64))
    mode: str = Field(default="active", sa_type=String(16))
    is_redelivery: bool = False
    event_ts: int = Field(sa_type=BigInteger, description="LINE timestamp, milliseconds since the epoch")
    payload: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=InboxStatus.PENDING, sa_type=String(16))
    attempts: int = 0
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, sa_type=Text)


class ChannelFact(SQLModel, table=True):
    """Small facts about the LINE channel learned at run time (our bot id, sending paused until …)."""

    __tablename__ = "channel_fact"

    key: str = Field(sa_type=String(64), primary_key=True)
    value: str = Field(sa_type=Text)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class InboxQuarantine(SQLModel, table=True):
    """A webhook event we will never process (out-of-range or malformed data), kept with the reason.

    Its neighbours in the same body are stored and processed; LINE gets 200, so it stops redelivering.
    `digest` makes a redelivered bad event one row. `excerpt` is ASCII-escaped JSON, cut short, and may hold
    a resident's words: `user_id` (the sender, when recognisable) lets their erasure scrub it
    (`bot.line.privacy.forget_user`), and every row is deleted after `quarantine_retention_days`.
    """

    __tablename__ = "inbox_quarantine"

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)
    digest: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    webhook_event_id: str | None = Field(default=None, sa_type=String(64))  # only when well-formed
    user_id: str | None = Field(default=None, sa_type=String(64), index=True)  # the sender, if recognisable
    reason: str = Field(sa_type=String(200))
    excerpt: str = Field(sa_column=Column(Text, nullable=False))

"""Per-resident conversation state, kept in the database (never in memory) with an expiry."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, String, Text
from sqlmodel import Field, Session, SQLModel

from bot.db import UTCDateTime


class Conversation(SQLModel, table=True):
    resident_id: int = Field(foreign_key="resident.id", primary_key=True)
    state: str | None = Field(default=None, sa_type=String(64))
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def values(self) -> dict[str, Any]:
        return json.loads(self.data)


def load_conversation(session: Session, resident_id: int, now: datetime) -> tuple[Conversation, bool]:
    """The resident's conversation, and whether a state they were in has just expired."""
    conversation = session.get(Conversation, resident_id, with_for_update=True)
    if conversation is None:
        conversation = Conversation(resident_id=resident_id, updated_at=now)
        session.add(conversation)
        return conversation, False
    expired = bool(conversation.state and conversation.expires_at and conversation.expires_at <= now)
    if expired:
        clear(conversation, now)
    return conversation, expired


def enter(conversation: Conversation, state: str, now: datetime, ttl: timedelta, **data: Any) -> None:
    """Move to `state`, merging `data` into what the dialog has collected so far."""
    merged = {**conversation.values(), **data} if conversation.state else dict(data)
    conversation.state = state
    conversation.data = json.dumps(merged, ensure_ascii=False)
    conversation.updated_at = now
    conversation.expires_at = now + ttl


def clear(conversation: Conversation, now: datetime) -> None:
    conversation.state = None
    conversation.data = "{}"
    conversation.updated_at = now
    conversation.expires_at = None

"""Per-resident conversation state, kept in the database (never in memory) with an expiry.

A *sealed* dialog (the corruption-tip channel) keeps its state encrypted: the row then says only
`sealed`, so the table never shows who is in the middle of reporting what.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, String, Text
from sqlmodel import Field, Session, SQLModel

from bot.crypto import Sealer
from bot.db import UTCDateTime

SEALED = "sealed"


class Conversation(SQLModel, table=True):
    resident_id: int = Field(foreign_key="resident.id", primary_key=True)
    state: str | None = Field(default=None, sa_type=String(64))
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


@dataclass
class DialogState:
    """The state a turn starts from, decoded (and unsealed) in memory."""

    name: str | None
    data: dict[str, Any]
    expired: bool
    sealed: bool


def load(session: Session, resident_id: int, now: datetime, sealer: Sealer) -> tuple[Conversation, DialogState]:
    """The resident's conversation row (locked) and the state it holds; an expired state is dropped."""
    conversation = session.get(Conversation, resident_id, with_for_update=True)
    if conversation is None:
        conversation = Conversation(resident_id=resident_id, updated_at=now)
        session.add(conversation)
        return conversation, DialogState(None, {}, expired=False, sealed=False)
    if conversation.state is None:
        return conversation, DialogState(None, {}, expired=False, sealed=False)
    sealed = conversation.state == SEALED
    if conversation.expires_at is not None and conversation.expires_at <= now:
        return conversation, DialogState(None, {}, expired=True, sealed=sealed)
    if sealed:
        opened = sealer.open(conversation.data)
        return conversation, DialogState(opened["state"], opened["data"], expired=False, sealed=True)
    return conversation, DialogState(conversation.state, json.loads(conversation.data), expired=False, sealed=False)


def save(
    conversation: Conversation,
    state: DialogState,
    now: datetime,
    ttl: timedelta,
    sealer: Sealer,
) -> None:
    """Write the turn's final state back; any activity in a dialog restarts its expiry."""
    conversation.updated_at = now
    if state.name is None:
        conversation.state, conversation.data, conversation.expires_at = None, "{}", None
        return
    conversation.expires_at = now + ttl
    if state.sealed:
        conversation.state = SEALED
        conversation.data = sealer.seal({"state": state.name, "data": state.data})
    else:
        conversation.state = state.name
        conversation.data = json.dumps(state.data, ensure_ascii=False)


def forget(session: Session, resident_id: int) -> None:
    """Erasure: whatever dialog the resident was in is dropped."""
    conversation = session.get(Conversation, resident_id)
    if conversation is not None:
        conversation.state, conversation.data = None, "{}"

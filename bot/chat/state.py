"""Per-resident conversation state, kept in the database (never in memory) with an expiry.

A *sealed* dialog (the corruption-tip channel) is not kept in the resident's row at all: its state
is encrypted in a `sealed_dialog` row found by a keyed hash of the LINE user id (bot.crypto
`Sealer.blind`), with no resident id and only hour-precise times. The resident's own row is not
touched by a sealed turn, so neither its key nor its `updated_at` says who is part-way through a tip.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, String, Text, bindparam, delete
from sqlmodel import Field, Session, SQLModel, col, select

from bot.crypto import Sealer, coarse_after
from bot.db import UTCDateTime

SEALED = "sealed"  # the state of a resident row written before sealed dialogs had their own table


class Conversation(SQLModel, table=True):
    resident_id: int = Field(foreign_key="resident.id", primary_key=True)
    state: str | None = Field(default=None, sa_type=String(64))
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SealedDialog(SQLModel, table=True):
    """A sealed dialog in progress: who (a keyed hash), what and until when are all sealed."""

    __tablename__ = "sealed_dialog"

    key: str = Field(sa_type=String(64), primary_key=True)  # Sealer.blind(line_user_id)
    data: str = Field(sa_column=Column(Text, nullable=False))  # sealed {"state", "data", "expires_at"}
    # When an abandoned dialog may be deleted: the hour after its expiry, never the exact moment.
    purge_after: datetime = Field(sa_type=UTCDateTime, index=True)


@dataclass
class DialogState:
    """The state a turn starts from, decoded (and unsealed) in memory."""

    name: str | None
    data: dict[str, Any]
    expired: bool
    sealed: bool


@dataclass
class Stored:
    """Where a turn's state came from, for `save`: the resident's row and/or the sealed row."""

    session: Session
    conversation: Conversation | None
    resident_id: int
    user_id: str
    sealed_row: SealedDialog | None = None


# The dialog of the turn being handled in this thread: the worker reads it when a handler raised, to
# know whether the failed turn was sealed (the Turn itself is lost with the exception).
current_dialog: ContextVar[DialogState | None] = ContextVar("current_dialog", default=None)


def load(
    session: Session,
    resident_id: int,
    now: datetime,
    sealer: Sealer,
    user_id: str = "",
    sealed_possible: bool = True,
    prefetched: dict[int, Conversation] | None = None,
) -> tuple[Stored, DialogState]:
    """The resident's dialog state (its row locked); an expired state is dropped.

    A sealed dialog in progress (found by the LINE `user_id`) wins over the resident's own row, which a
    sealed turn leaves alone. A caller that already knows there is none (`sealed_possible=False`: the
    worker asks once for a whole batch) saves the lookup, as do `prefetched` rows (`lock_many`)."""
    if prefetched is not None:
        conversation = prefetched.get(resident_id)
    else:
        conversation = session.get(Conversation, resident_id, with_for_update=True)  # serialises the user's turns
    stored = Stored(session, conversation, resident_id, user_id)
    sealed_row = _find_sealed(session, sealer, user_id) if user_id and sealed_possible else None
    if sealed_row is not None:
        opened = sealer.open(sealed_row.data)
        if datetime.fromisoformat(opened["expires_at"]) <= now:
            session.delete(sealed_row)
            return stored, _current(DialogState(None, {}, expired=True, sealed=True))
        stored.sealed_row = sealed_row
        return stored, _current(DialogState(opened["state"], opened["data"], expired=False, sealed=True))
    if conversation is None or conversation.state is None:
        return stored, _current(DialogState(None, {}, expired=False, sealed=False))
    if conversation.state == SEALED:  # left from before sealed dialogs moved out: treat as expired
        return stored, _current(DialogState(None, {}, expired=True, sealed=True))
    if conversation.expires_at is not None and conversation.expires_at <= now:
        return stored, _current(DialogState(None, {}, expired=True, sealed=False))
    state = DialogState(conversation.state, json.loads(conversation.data), expired=False, sealed=False)
    return stored, _current(state)


def lock_many(session: Session, resident_ids: list[int]) -> dict[int, Conversation]:
    """The conversation rows of a batch's residents, locked, in one query (in id order: two workers lock
    overlapping sets in the same order). A resident without one has none to lock: `save` creates it."""
    if not resident_ids:
        return {}
    return {row.resident_id: row for row in session.exec(_LOCK_MANY, params={"ids": resident_ids})}


# Built once (the worker asks for every batch): building a statement costs more CPU than running it.
_LOCK_MANY = (
    select(Conversation)
    .where(col(Conversation.resident_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(Conversation.resident_id))
    .with_for_update()
)


def save(stored: Stored, state: DialogState, now: datetime, ttl: timedelta, sealer: Sealer) -> None:
    """Write the turn's final state back; any activity in a dialog restarts its expiry."""
    if state.sealed:
        _save_sealed(stored, state, now, ttl, sealer)
        return
    conversation = stored.conversation
    idle = conversation is None or (conversation.state is None and conversation.expires_at is None)
    if state.name is None and idle:  # no dialog before or after: nothing to write (most one-off messages)
        return
    if conversation is None:
        conversation = stored.conversation = Conversation(resident_id=stored.resident_id, updated_at=now)
        stored.session.add(conversation)
    conversation.updated_at = now
    if state.name is None:
        conversation.state, conversation.data, conversation.expires_at = None, "{}", None
        return
    conversation.expires_at = now + ttl
    conversation.state = state.name
    conversation.data = json.dumps(state.data, ensure_ascii=False)


def _save_sealed(stored: Stored, state: DialogState, now: datetime, ttl: timedelta, sealer: Sealer) -> None:
    """A sealed turn writes only the sealed row; the resident's row loses any dialog it held (the
    resident left it for the sealed one) but keeps its old `updated_at`, so no time of it moves."""
    conversation = stored.conversation
    if conversation is not None and (conversation.state is not None or conversation.data != "{}"):
        conversation.state, conversation.data, conversation.expires_at = None, "{}", None
    row = stored.sealed_row
    if state.name is None:
        if row is not None:
            stored.session.delete(row)
        return
    if not stored.user_id:
        return
    key = sealer.blind(stored.user_id)
    if row is not None and row.key != key:  # written under a key since rotated out: move it
        stored.session.delete(row)
        stored.session.flush()
        row = None
    if row is None:
        row = SealedDialog(key=key, data="", purge_after=now)
        stored.session.add(row)
        stored.sealed_row = row
    expires_at = now + ttl
    row.data = sealer.seal({"state": state.name, "data": state.data, "expires_at": expires_at.isoformat()})
    row.purge_after = coarse_after(expires_at)


def _current(state: DialogState) -> DialogState:
    current_dialog.set(state)
    return state


def _find_sealed(session: Session, sealer: Sealer, user_id: str) -> SealedDialog | None:
    keys = sealer.blinds(user_id)
    query = select(SealedDialog).where(col(SealedDialog.key).in_(keys)).with_for_update()
    return session.exec(query).first()


def sealed_user_ids(session: Session, sealer: Sealer, user_ids: Iterable[str]) -> set[str]:
    """Which of these LINE users are part-way through a sealed dialog (for sealing their events as
    they arrive). An expired dialog still counts: its next turn is sealed too."""
    by_key = {key: user_id for user_id in set(user_ids) for key in sealer.blinds(user_id)}
    if not by_key:
        return set()
    found = session.exec(_SEALED_KEYS, params={"keys": list(by_key)}).all()
    return {by_key[key] for key in found}


_SEALED_KEYS = select(SealedDialog.key).where(col(SealedDialog.key).in_(bindparam("keys", expanding=True)))


def purge_abandoned(session: Session, now: datetime) -> int:
    """Delete sealed dialogs abandoned past their expiry (their owner never came back)."""
    result = session.exec(delete(SealedDialog).where(col(SealedDialog.purge_after) <= now))
    return int(result.rowcount or 0)


def forget(session: Session, resident_id: int) -> None:
    """Erasure: whatever dialog the resident was in is dropped."""
    conversation = session.get(Conversation, resident_id)
    if conversation is not None:
        conversation.state, conversation.data = None, "{}"

"""The webhook payloads kept about one LINE user: counted for ข้อมูลของฉัน, emptied on erasure."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from bot.line.models import InboxEvent, InboxStatus

EMPTIED = "{}"


def stored_events(session: Session, line_user_id: str | None) -> int:
    """How many of the user's messages we still hold (an emptied payload holds nothing)."""
    if line_user_id is None:
        return 0
    query = select(func.count()).select_from(InboxEvent).where(InboxEvent.user_id == line_user_id,
                                                               InboxEvent.payload != EMPTIED)
    return int(session.exec(query).one())


def forget_messages(session: Session, line_user_id: str | None) -> None:
    """A declined consent: empty what the user sent that has been handled. The ones still waiting (the event
    being handled, whose payload the worker empties itself, and any sent after it) are left to be handled."""
    if line_user_id is None:
        return
    session.exec(  # type: ignore[call-overload]
        update(InboxEvent)
        .where(col(InboxEvent.user_id) == line_user_id, col(InboxEvent.status) != InboxStatus.PENDING)
        .values(payload=EMPTIED)
    )


def forget_user(session: Session, line_user_id: str | None, anonymous_key: str) -> None:
    """Erasure: the events stay (their order and outcome matter) without who sent them or what they said."""
    if line_user_id is None:
        return
    session.exec(  # type: ignore[call-overload]
        update(InboxEvent)
        .where(col(InboxEvent.user_id) == line_user_id)
        .values(user_id=None, source_key=anonymous_key, payload=EMPTIED)
    )

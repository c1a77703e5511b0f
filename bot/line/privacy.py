"""The webhook payloads kept about one LINE user: counted for ข้อมูลของฉัน, emptied on erasure."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from bot.line.models import InboxEvent


def stored_events(session: Session, line_user_id: str | None) -> int:
    if line_user_id is None:
        return 0
    query = select(func.count()).select_from(InboxEvent).where(InboxEvent.user_id == line_user_id)
    return int(session.exec(query).one())


def forget_user(session: Session, line_user_id: str | None, anonymous_key: str) -> None:
    """Erasure: the events stay (their order and outcome matter) without who sent them or what they said."""
    if line_user_id is None:
        return
    session.exec(  # type: ignore[call-overload]
        update(InboxEvent)
        .where(col(InboxEvent.user_id) == line_user_id)
        .values(user_id=None, source_key=anonymous_key, payload="{}")
    )

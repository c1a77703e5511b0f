"""The webhook payloads kept about one LINE user: counted for ข้อมูลของฉัน, emptied on erasure; and the
quarantine of bad events, scrubbed on erasure and kept only for a while."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, func, select

from bot.line.models import InboxEvent, InboxQuarantine, InboxStatus
from bot.search import ESCAPE, like_pattern

EMPTIED = "{}"


def stored_events(session: Session, line_user_id: str | None) -> int:
    """How many of the user's messages we still hold (an emptied payload holds nothing)."""
    if line_user_id is None:
        return 0
    query = (
        select(func.count())
        .select_from(InboxEvent)
        .where(InboxEvent.user_id == line_user_id, InboxEvent.payload != EMPTIED)
    )
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
    _scrub_quarantine(session, line_user_id)


def forget_user(session: Session, line_user_id: str | None, anonymous_key: str) -> None:
    """Erasure: the events stay (their order and outcome matter) without who sent them or what they said."""
    if line_user_id is None:
        return
    session.exec(  # type: ignore[call-overload]
        update(InboxEvent)
        .where(col(InboxEvent.user_id) == line_user_id)
        .values(user_id=None, source_key=anonymous_key, payload=EMPTIED)
    )
    _scrub_quarantine(session, line_user_id)


def _scrub_quarantine(session: Session, line_user_id: str) -> None:
    """Quarantined events keep an excerpt: theirs (by sender), and any other naming them (a mention, or a
    malformed event whose sender column could not be filled) lose it; the row (reason, time, digest) stays."""
    session.exec(  # type: ignore[call-overload]
        update(InboxQuarantine)
        .where(
            or_(
                col(InboxQuarantine.user_id) == line_user_id,
                col(InboxQuarantine.excerpt).like(like_pattern(line_user_id), escape=ESCAPE),
            )
        )
        .values(user_id=None, excerpt=EMPTIED)
    )


def purge_quarantine(session: Session, before: datetime) -> int:
    """Delete quarantined events received before `before` (the retention period is over); returns how many."""
    result = session.exec(  # type: ignore[call-overload]
        delete(InboxQuarantine).where(col(InboxQuarantine.received_at) < before)
    )
    return int(result.rowcount or 0)

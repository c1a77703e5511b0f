"""Writing outbox rows inside the caller's transaction, and the state changes of delivering them.

Rows are written by whoever decides to send (a dialog, a scheduler, an admin action) in the same
transaction as the change that caused the message, so either both happen or neither does. The sender
(`bot.line.sender`) claims due rows with a lease, calls LINE, and records the outcome here.
"""

from __future__ import annotations

import functools
import json
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, literal_column, tuple_, update
from sqlalchemy import insert as insert_statement
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, func, select

from bot.chat.messages import MAX_MESSAGES_PER_CALL, MAX_MULTICAST_RECIPIENTS, Message, check_batch
from bot.crypto import coarse_time
from bot.db import UTCDateTime, mark_outbox_pending
from bot.errors import Conflict
from bot.outbox.models import OutboxKind, OutboxMessage, OutboxStatus

LEASE = timedelta(seconds=60)


def _values(kind: OutboxKind, messages: list[Message], now: datetime, **fields: object) -> dict[str, Any]:
    return {
        "kind": kind,
        "messages": json.dumps(check_batch(messages), ensure_ascii=False),
        "retry_key": str(uuid.uuid4()),
        "created_at": now,
        "next_attempt_at": now,
        **fields,
    }


def _row(kind: OutboxKind, messages: list[Message], now: datetime, **fields: object) -> OutboxMessage:
    return OutboxMessage(**_values(kind, messages, now, **fields))


def _queue(session: Session, rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Every enqueue adds its rows here, and marks the session so its committer wakes the sender."""
    session.add_all(rows)
    if rows:
        mark_outbox_pending(session)
    return rows


def _batches(messages: Sequence[Message]) -> list[list[Message]]:
    return [list(messages[i : i + MAX_MESSAGES_PER_CALL]) for i in range(0, len(messages), MAX_MESSAGES_PER_CALL)]


def reply(
    *,
    resident_id: int | None,
    user_id: str,
    reply_token: str | None,
    reply_expires_at: datetime | None,
    messages: Sequence[Message],
    now: datetime,
    source_event_id: int | None = None,
    scrub_after_send: bool = False,
) -> list[dict[str, Any]]:
    """The rows that answer an event: by reply token while fresh (free), the overflow past five messages by
    push. Written by `insert`: the worker writes a whole batch's answers at once."""
    rows = []
    for index, batch in enumerate(_batches(messages)):
        use_token = index == 0 and reply_token is not None
        row = _values(
            OutboxKind.REPLY if use_token else OutboxKind.PUSH,
            batch,
            now,
            resident_id=resident_id,
            recipient=user_id,
            reply_token=reply_token if use_token else None,
            reply_expires_at=reply_expires_at if use_token else None,
            source_event_id=source_event_id,
            scrub_after_send=scrub_after_send,
        )
        rows.append(row)
    return rows


def insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write rows built by `reply` in one statement, without ORM objects: building an OutboxMessage and
    having the unit of work insert it cost the worker about a third of its time an event. They take their
    ids (and so their place in each person's order) now: the session's own pending rows must be flushed
    first."""
    if rows:
        session.execute(insert_statement(OutboxMessage.__table__), [{**_DEFAULTS, **row} for row in rows])
        mark_outbox_pending(session)


_DEFAULTS = {"status": OutboxStatus.PENDING, "attempts": 0}  # the columns `reply` leaves to the table's defaults


def enqueue_push(
    session: Session, *, resident_id: int | None, user_id: str, messages: Sequence[Message], now: datetime
) -> list[OutboxMessage]:
    """Messages to one person at any time (each call its own retry key)."""
    rows = [
        _row(OutboxKind.PUSH, batch, now, resident_id=resident_id, recipient=user_id) for batch in _batches(messages)
    ]
    return _queue(session, rows)


def enqueue_multicast(
    session: Session, *, user_ids: Sequence[str], messages: list[Message], now: datetime
) -> list[OutboxMessage]:
    """The same messages to many people: one row (one retry key) per chunk of at most 500 ids."""
    rows = [
        _row(OutboxKind.MULTICAST, messages, now, recipient=json.dumps(list(chunk)))
        for chunk in (user_ids[i : i + MAX_MULTICAST_RECIPIENTS] for i in range(0, len(user_ids), 500))
    ]
    return _queue(session, rows)


def enqueue_broadcast(session: Session, *, messages: list[Message], now: datetime) -> OutboxMessage:
    [row] = _queue(session, [_row(OutboxKind.BROADCAST, messages, now)])
    return row


@functools.cache
def _due_queries(limit: int) -> tuple[Any, Any]:
    """The claim's two queries (abandoned leases, then due rows), `now` a parameter: built once per `limit`,
    not for every claim (building them, alias and all, cost more CPU than PostgreSQL spent running them).

    A row waits while an earlier row to the same recipient is unsent, so each person receives our
    messages in the order we wrote them (a reply and its overflow push, an apology and what follows)."""
    earlier = aliased(OutboxMessage)
    one_to_one = [OutboxKind.REPLY, OutboxKind.PUSH]  # multicast chunks are paced by their notice instead
    unsent = [OutboxStatus.PENDING, OutboxStatus.SENDING]
    queued_behind = col(OutboxMessage.kind).in_(one_to_one) & exists().where(
        # Our enum values written into the SQL, not parameters: they are ix_outbox_unsent_by_recipient's
        # condition, which PostgreSQL can then prove even in a prepared statement's generic plan (without
        # that index it walked every unsent row to find this person's: 3-5 ms a claim under a backlog).
        col(earlier.kind).in_([literal_column(f"'{kind}'") for kind in one_to_one]),
        col(earlier.status).in_([literal_column(f"'{status}'") for status in unsent]),
        earlier.recipient == OutboxMessage.recipient,
        earlier.id < OutboxMessage.id,
    )
    now = bindparam("now", type_=UTCDateTime())

    def due(condition: Any, order: list[Any]) -> Any:
        # Two plain queries, not one with OR: each walks its index in order and stops at `limit` rows
        # (with the OR, every due row was checked and sorted first: most of a claim's time under a backlog).
        query = select(OutboxMessage).where(condition, ~queued_behind).order_by(*order).limit(limit)
        return query.with_for_update(skip_locked=True)

    return (
        due(
            (col(OutboxMessage.status) == OutboxStatus.SENDING) & (col(OutboxMessage.lease_until) <= now),
            [col(OutboxMessage.lease_until), col(OutboxMessage.id)],
        ),
        due(
            (col(OutboxMessage.status) == OutboxStatus.PENDING) & (col(OutboxMessage.next_attempt_at) <= now),
            [col(OutboxMessage.next_attempt_at), col(OutboxMessage.id)],
        ),
    )


# The claim of a plain row, for a whole batch in one statement (the unit of work would send one UPDATE per row).
_LEASE = (
    update(OutboxMessage)
    .where(col(OutboxMessage.id).in_(bindparam("ids", expanding=True)))
    .values(
        status=OutboxStatus.SENDING,
        lease_until=bindparam("lease_until", type_=UTCDateTime()),
        last_attempt_kind=OutboxMessage.kind,
        attempts=col(OutboxMessage.attempts) + 1,
    )
    .execution_options(synchronize_session=False)
)


def claim_due(session: Session, now: datetime, limit: int = 20) -> list[OutboxMessage]:
    """Lease due rows to this sender, each person's in the order written; an expired lease (a crashed
    sender) makes a row due again."""
    abandoned_query, pending_query = _due_queries(limit)
    abandoned = list(session.exec(abandoned_query, params={"now": now}).all())
    pending = list(session.exec(pending_query, params={"now": now}).all()) if len(abandoned) < limit else []
    claimed, plain = [], []
    for row in [*abandoned, *pending][:limit]:
        if row.kind == OutboxKind.REPLY and row.status == OutboxStatus.SENDING:
            # Its sender died during the call (the claim committed before it): LINE may have it.
            mark_uncertain(row, now, "the sender stopped during the reply; outcome unknown")
            continue
        claimed.append(row)
        if row.kind == OutboxKind.REPLY and (row.reply_expires_at is None or row.reply_expires_at <= now):
            # Never sent with this token, or LINE said plainly it did not deliver: safe to push.
            reply_to_push(row, now, row.last_error or "reply token too old before the first try")
            _lease(row, now)
        else:
            plain.append(row)
    # Committed by the caller BEFORE anything is sent: this is the record that an attempt started.
    if plain:
        session.execute(_LEASE, {"ids": [row.id for row in plain], "lease_until": now + LEASE})
        for row in plain:  # as the UPDATE left them, without marking them changed
            for name, value in _leased_values(row, now).items():
                set_committed_value(row, name, value)
    return claimed


def _leased_values(row: OutboxMessage, now: datetime) -> dict[str, Any]:
    return {
        "status": OutboxStatus.SENDING,
        "lease_until": now + LEASE,
        "last_attempt_kind": row.kind,
        "attempts": row.attempts + 1,
    }


def _lease(row: OutboxMessage, now: datetime) -> None:
    for name, value in _leased_values(row, now).items():
        setattr(row, name, value)


def next_due(session: Session) -> datetime | None:
    """When the earliest waiting row becomes due (the sender sleeps until then, not a whole poll)."""
    query = select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == OutboxStatus.PENDING)
    return session.exec(query).one()


def mark_sent(row: OutboxMessage, now: datetime) -> None:
    row.status = OutboxStatus.SENT
    row.sent_at = now
    row.lease_until = None
    row.last_error = None
    if row.scrub_after_send:
        row.recipient = None
        row.messages = "[]"
        _coarsen_sealed(row)
    elif row.kind == OutboxKind.MULTICAST:
        row.recipient = None  # 500 user ids we no longer need once LINE has them


def is_plain(row: OutboxMessage) -> bool:
    """Marked sent, it changes only its status and times (see mark_sent): `mark_many_sent` can do it."""
    return not row.scrub_after_send and row.kind != OutboxKind.MULTICAST


def mark_many_sent(session: Session, claims: Sequence[tuple[int, int]], now: datetime) -> None:
    """`mark_sent` for plain rows, as (id, attempts) claimed, in one UPDATE instead of one per row: the
    sender records every batch it sends. A row another sender has taken over since (its lease expired: a
    new attempt) is left alone."""
    session.execute(_MARK_SENT, {"claims": list(claims), "sent_at": now})


_MARK_SENT = (  # built once, like the claim's queries
    update(OutboxMessage)
    .where(
        tuple_(col(OutboxMessage.id), col(OutboxMessage.attempts)).in_(bindparam("claims", expanding=True)),
        col(OutboxMessage.status) == OutboxStatus.SENDING,
    )
    .values(
        status=OutboxStatus.SENT, sent_at=bindparam("sent_at", type_=UTCDateTime()), lease_until=None, last_error=None
    )
    .execution_options(synchronize_session=False)
)


def mark_skipped(row: OutboxMessage, reason: str) -> None:
    row.status = OutboxStatus.SKIPPED
    row.lease_until = None
    row.last_error = reason


def mark_uncertain(row: OutboxMessage, now: datetime, error: str) -> None:
    """A reply LINE may have delivered: never sent again (it has no retry key), shown to operators."""
    row.status = OutboxStatus.SENT_UNCERTAIN
    row.lease_until = None
    row.sent_at = now
    row.last_error = error[:2000]
    if row.scrub_after_send:
        row.recipient = None
        row.messages = "[]"


def mark_dead(row: OutboxMessage, error: str) -> None:
    row.status = OutboxStatus.DEAD
    row.lease_until = None
    row.last_error = error[:2000]
    _coarsen_sealed(row)


def _coarsen_sealed(row: OutboxMessage) -> None:
    """A settled sealed row (no resident: the tip channel) keeps hours, not moments, so it cannot be
    matched to the exact times of the reporter's ordinary rows."""
    if row.resident_id is not None or not row.scrub_after_send:
        return
    row.created_at, row.next_attempt_at = coarse_time(row.created_at), coarse_time(row.next_attempt_at)
    row.sent_at = coarse_time(row.sent_at) if row.sent_at else None
    if row.status == OutboxStatus.SENT:
        row.reply_token = row.reply_expires_at = None


def backoff(attempts: int, base: float, cap: float) -> float:
    """Capped exponential back-off with full jitter, in seconds."""
    return random.uniform(0, min(cap, base * 2 ** max(0, attempts - 1)))


def schedule_retry(row: OutboxMessage, now: datetime, delay_seconds: float, error: str) -> None:
    row.status = OutboxStatus.PENDING
    row.lease_until = None
    row.next_attempt_at = now + timedelta(seconds=delay_seconds)
    row.last_error = error[:2000]


def reply_to_push(row: OutboxMessage, now: datetime, error: str) -> None:
    """A reply whose token LINE no longer takes is delivered by push instead (same row, same key)."""
    row.kind = OutboxKind.PUSH
    row.reply_token = None
    row.reply_expires_at = None
    schedule_retry(row, now, 0, error)


def forget_resident(session: Session, resident_id: int) -> None:
    """Erasure: drop unsent messages to the resident and scrub those already sent."""
    session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.resident_id) == resident_id)
        .where(col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        .values(status=OutboxStatus.SKIPPED, last_error="resident erased", recipient=None, messages="[]")
    )
    session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.resident_id) == resident_id)
        .values(recipient=None, messages="[]", reply_token=None)
    )


def list_dead(session: Session, limit: int = 100, offset: int = 0) -> list[OutboxMessage]:
    return list_by_status(session, OutboxStatus.DEAD, limit, offset)


def list_by_status(session: Session, status: OutboxStatus, limit: int = 100, offset: int = 0) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == status)
        .order_by(col(OutboxMessage.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(query).all())


def count_by_status(session: Session) -> dict[str, int]:
    """How many rows are in each state (every state present, zero when none)."""
    query = select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update({status: count for status, count in session.exec(query).all()})
    return counts


class NotDeadError(Conflict):
    """Only a dead letter can be queued again (409)."""


def requeue(session: Session, outbox_id: int, now: datetime) -> OutboxMessage | None:
    """Put a dead letter back in line, keeping its retry key so LINE still deduplicates it."""
    row = session.get(OutboxMessage, outbox_id, with_for_update=True)
    if row is None:
        return None
    if row.status != OutboxStatus.DEAD:
        raise NotDeadError(f"ส่งซ้ำได้เฉพาะข้อความที่ส่งไม่สำเร็จ (สถานะปัจจุบัน: {row.status})")
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    if row.kind == OutboxKind.REPLY:  # its reply token is long gone
        row.kind = OutboxKind.PUSH
        row.reply_token = None
    mark_outbox_pending(session)
    return row


# Why each of these residents can no longer be written to ("resident blocked"; those who can are left
# out): the residents domain's answer, handed in by bot.main, since the outbox knows no domain.
Unreachable = Callable[[Session, list[int]], dict[int, str]]


def skip_unreachable(session: Session, rows: list[OutboxMessage], unreachable: Unreachable) -> list[OutboxMessage]:
    """Drop rows to residents who blocked us or were erased since; the rest are to be sent."""
    sendable = []
    reasons = unreachable(session, [row.resident_id for row in rows if row.resident_id and not row.scrub_after_send])
    for row in rows:
        reason = reasons.get(row.resident_id) if row.resident_id and not row.scrub_after_send else None
        if reason is not None:
            mark_skipped(row, reason)
            continue
        sendable.append(row)
    return sendable


def list_waiting(session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Messages not yet delivered (pending or being sent), oldest first: what an admin watches."""
    query = (
        select(OutboxMessage)
        .where(col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    return list(session.exec(query).all())

"""Handing a notice to the outbox, paced for LINE's rate limit, and reading back how delivery went.

A multicast notice becomes ⌈N/500⌉ outbox rows (`enqueue_multicast`: one retry key per chunk, so a
failed chunk is retried alone and LINE drops a duplicate). The rows are staggered: chunk i falls due
i/`per_second` seconds after the first, and after any fresh multicast rows already waiting, so the
sender never goes faster than the configured rate however many notices go out at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, func, select

from bot.chat.messages import MAX_MULTICAST_RECIPIENTS, Message
from bot.notices.audience import Recipients
from bot.notices.models import DeliveryFigures, DeliveryMethod, Notice, NoticeDelivery
from bot.outbox import service as outbox
from bot.outbox.models import OutboxKind, OutboxMessage, OutboxStatus

# LINE allows 200 multicast requests a second per channel; keep half of it for everything else.
DEFAULT_MULTICAST_PER_SECOND = 100.0


def hand_over(
    session: Session, notice: Notice, recipients: Recipients, now: datetime, per_second: float
) -> list[OutboxMessage]:
    """Write the outbox rows for `notice` (in the caller's transaction) and link them to it."""
    messages: list[Message] = notice.message_list()
    if recipients.method == DeliveryMethod.BROADCAST:
        rows = [outbox.enqueue_broadcast(session, messages=messages, now=now)]
        sizes = [recipients.count]
    else:
        start = _first_free_slot(session, now, per_second)
        rows = outbox.enqueue_multicast(session, user_ids=recipients.user_ids, messages=messages, now=now)
        for index, row in enumerate(rows):
            row.next_attempt_at = start + timedelta(seconds=index / per_second)
        sizes = [len(chunk) for chunk in _chunks(recipients.user_ids)]
    session.flush()
    session.add_all(
        NoticeDelivery(notice_id=notice.id or 0, outbox_id=row.id or 0, recipients=size)
        for row, size in zip(rows, sizes, strict=True)
    )
    return rows


def _chunks(user_ids: list[str]) -> list[list[str]]:
    size = MAX_MULTICAST_RECIPIENTS
    return [user_ids[i : i + size] for i in range(0, len(user_ids), size)]


def _first_free_slot(session: Session, now: datetime, per_second: float) -> datetime:
    """After the last fresh multicast row still waiting (retries back off on their own clock)."""
    last = session.exec(
        select(func.max(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.kind == OutboxKind.MULTICAST,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
        )
    ).one()
    if last is None:
        return now
    last = outbox_time(last)
    return max(now, last + timedelta(seconds=1 / per_second))


def outbox_time(value: datetime) -> datetime:
    """Aggregates bypass the column type on SQLite: give the naive UTC value its zone back."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def figures(session: Session, notice: Notice) -> DeliveryFigures | None:
    """How far delivery of a sent notice has come, from its outbox rows."""
    if notice.method is None:
        return None
    rows = session.exec(
        select(NoticeDelivery.recipients, OutboxMessage.status)
        .join(OutboxMessage, col(OutboxMessage.id) == col(NoticeDelivery.outbox_id))
        .where(NoticeDelivery.notice_id == notice.id)
    ).all()
    sent = [size for size, status in rows if status == OutboxStatus.SENT]
    failed = [size for size, status in rows if status in (OutboxStatus.DEAD, OutboxStatus.SKIPPED)]
    return DeliveryFigures(
        method=notice.method,
        calls=len(rows),
        recipients=sum(size for size, _ in rows),
        calls_sent=len(sent),
        calls_pending=len(rows) - len(sent) - len(failed),
        calls_failed=len(failed),
        recipients_delivered=sum(sent),
    )

"""The outbox's rules called directly: batching, per-recipient order, leases, reply tokens that aged,
dead letters, and the residents' "unreachable" answer handed in. Rolled back per test (`db`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.chat import messages as m
from bot.db import take_outbox_pending
from bot.outbox import service as outbox
from bot.outbox.models import OutboxKind, OutboxMessage, OutboxStatus

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
ALICE, BOB = "U" + "a" * 32, "U" + "b" * 32


def texts(count: int) -> list[m.Message]:
    return [m.text(f"ข้อความ {i}") for i in range(count)]


def queue_reply(db: Session, **fields: object) -> list[OutboxMessage]:
    """`outbox.reply`'s rows written by `outbox.insert`, as the worker does, and read back in order."""
    rows = outbox.reply(**fields)  # type: ignore[arg-type]
    outbox.insert(db, rows)
    keys = [row["retry_key"] for row in rows]
    found = {r.retry_key: r for r in db.exec(select(OutboxMessage).where(col(OutboxMessage.retry_key).in_(keys)))}
    return [found[key] for key in keys]


def test_a_reply_of_seven_messages_is_a_reply_of_five_then_a_push_of_two(db: Session) -> None:
    rows = queue_reply(
        db,
        resident_id=None,
        user_id=ALICE,
        reply_token="t" * 32,
        reply_expires_at=NOW + timedelta(seconds=50),
        messages=texts(7),
        now=NOW,
    )
    assert [(r.kind, len(json.loads(r.messages))) for r in rows] == [(OutboxKind.REPLY, 5), (OutboxKind.PUSH, 2)]
    assert rows[1].reply_token is None
    assert len({r.retry_key for r in rows}) == 2


def test_a_multicast_is_one_row_per_500_recipients(db: Session) -> None:
    rows = outbox.enqueue_multicast(db, user_ids=[f"U{i:032d}" for i in range(1001)], messages=texts(1), now=NOW)
    assert len(rows) == 3


def test_every_way_of_queueing_marks_the_session_for_its_committer_to_wake_the_sender(db: Session) -> None:
    take_outbox_pending(db)
    queue = [
        lambda: queue_reply(
            db, resident_id=None, user_id=ALICE, reply_token="t" * 32, reply_expires_at=NOW, messages=texts(1), now=NOW
        ),
        lambda: outbox.enqueue_push(db, resident_id=None, user_id=ALICE, messages=texts(1), now=NOW),
        lambda: outbox.enqueue_multicast(db, user_ids=[ALICE, BOB], messages=texts(1), now=NOW),
        lambda: outbox.enqueue_broadcast(db, messages=texts(1), now=NOW),
    ]
    for enqueue in queue:
        enqueue()
        assert take_outbox_pending(db) and not take_outbox_pending(db)  # marked, and the take forgets it
    outbox.enqueue_multicast(db, user_ids=[], messages=texts(1), now=NOW)
    assert not take_outbox_pending(db)  # nobody to write to: nothing to wake for
    row = outbox.enqueue_push(db, resident_id=None, user_id=BOB, messages=texts(1), now=NOW)[0]
    outbox.mark_dead(row, "400 invalid")
    db.flush()
    take_outbox_pending(db)
    outbox.requeue(db, row.id or 0, NOW)
    assert take_outbox_pending(db)  # a dead letter put back in line is queued again


def test_a_recipients_second_message_waits_for_the_first(db: Session) -> None:
    first = outbox.enqueue_push(db, resident_id=None, user_id=ALICE, messages=texts(1), now=NOW)[0]
    second = outbox.enqueue_push(db, resident_id=None, user_id=ALICE, messages=texts(1), now=NOW)[0]
    other = outbox.enqueue_push(db, resident_id=None, user_id=BOB, messages=texts(1), now=NOW)[0]
    db.flush()
    assert {r.id for r in outbox.claim_due(db, NOW)} == {first.id, other.id}
    assert outbox.claim_due(db, NOW) == []  # leased, and the second still waits behind the first
    outbox.mark_sent(first, NOW)
    db.flush()
    assert [r.id for r in outbox.claim_due(db, NOW)] == [second.id]


def test_a_crashed_senders_lease_expires_and_the_row_is_claimed_again(db: Session) -> None:
    row = outbox.enqueue_push(db, resident_id=None, user_id=ALICE, messages=texts(1), now=NOW)[0]
    db.flush()
    assert outbox.claim_due(db, NOW) == [row]
    assert outbox.claim_due(db, NOW + timedelta(seconds=1)) == []
    again = outbox.claim_due(db, NOW + outbox.LEASE + timedelta(seconds=1))
    assert again == [row] and row.attempts == 2


def test_a_reply_whose_token_aged_before_the_first_try_goes_as_a_push(db: Session) -> None:
    row = queue_reply(
        db,
        resident_id=None,
        user_id=ALICE,
        reply_token="t" * 32,
        reply_expires_at=NOW + timedelta(seconds=50),
        messages=texts(1),
        now=NOW,
    )[0]
    db.flush()
    assert outbox.claim_due(db, NOW + timedelta(minutes=5)) == [row]
    assert (row.kind, row.reply_token, row.status) == (OutboxKind.PUSH, None, OutboxStatus.SENDING)


def test_rows_to_unreachable_residents_are_skipped_with_the_reason(db: Session) -> None:
    rows = [
        OutboxMessage(
            kind=OutboxKind.PUSH,
            resident_id=rid,
            recipient=ALICE,
            messages="[]",
            retry_key=str(rid),
            created_at=NOW,
            next_attempt_at=NOW,
        )
        for rid in (1, 2)
    ]
    sendable = outbox.skip_unreachable(db, rows, lambda session, ids: {1: "resident blocked"} if 1 in ids else {})
    assert sendable == [rows[1]]
    assert (rows[0].status, rows[0].last_error) == (OutboxStatus.SKIPPED, "resident blocked")


def test_a_dead_letter_is_requeued_as_a_push_with_its_retry_key(db: Session) -> None:
    row = queue_reply(
        db, resident_id=None, user_id=ALICE, reply_token="t" * 32, reply_expires_at=NOW, messages=texts(1), now=NOW
    )[0]
    db.flush()
    with pytest.raises(outbox.NotDeadError):
        outbox.requeue(db, row.id or 0, NOW)
    key = row.retry_key
    outbox.mark_dead(row, "400 invalid")
    db.flush()
    again = outbox.requeue(db, row.id or 0, NOW)
    assert again is row and (row.status, row.kind, row.retry_key, row.attempts) == (
        OutboxStatus.PENDING,
        OutboxKind.PUSH,
        key,
        0,
    )
    assert outbox.requeue(db, 10**9, NOW) is None


def test_back_off_is_jittered_under_a_doubling_bound_and_capped() -> None:
    for attempt, bound in ((1, 1.0), (2, 2.0), (4, 8.0), (12, 60.0)):
        assert all(0 <= outbox.backoff(attempt, base=1.0, cap=60.0) <= bound for _ in range(50))


def test_under_a_backlog_a_claim_takes_each_persons_first_unsent_message_only(db: Session) -> None:
    """The "queued behind an earlier unsent row" check (through ix_outbox_unsent_by_recipient on PostgreSQL),
    over a burst's replies to 500 people, four each."""
    rows = [
        outbox.enqueue_push(db, resident_id=None, user_id=f"U{n % 500:032d}", messages=texts(1), now=NOW)[0]
        for n in range(2000)
    ]
    db.flush()
    claimed = outbox.claim_due(db, NOW)
    assert [row.id for row in claimed] == [row.id for row in rows[:20]]
    assert outbox.claim_due(db, NOW) == rows[20:40]  # the others of these 20 wait behind the ones leased


def test_plain_sends_are_recorded_together_but_not_over_a_row_another_sender_took_over(db: Session) -> None:
    ours, taken, scrubbed = (
        outbox.enqueue_push(db, resident_id=None, user_id=user, messages=texts(1), now=NOW)[0]
        for user in (ALICE, BOB, "U" + "c" * 32)
    )
    scrubbed.scrub_after_send = True
    db.flush()
    claimed = outbox.claim_due(db, NOW)
    assert [outbox.is_plain(row) for row in claimed] == [True, True, False]
    claims = [(row.id or 0, row.attempts) for row in claimed[:2]]
    taken.attempts += 1  # its lease expired and another sender claimed it again
    db.flush()
    outbox.mark_many_sent(db, claims, NOW)
    db.expire_all()
    assert (ours.status, ours.sent_at, ours.lease_until) == (OutboxStatus.SENT, NOW, None)
    assert taken.status == OutboxStatus.SENDING and taken.sent_at is None

"""Batches: events of different residents share one transaction; each resident's stay in order; one
event's failure undoes only its own changes."""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, select

from bot.chat.messages import text
from bot.chat.state import Conversation
from bot.errors import Conflict
from bot.line.models import InboxEvent, InboxStatus
from bot.main import build_dispatcher
from bot.outbox import service as outbox
from bot.outbox.models import OutboxMessage
from bot.worker import InboxProcessor
from tests.harness import Harness


def stored(harness: Harness) -> list[InboxEvent]:
    with Session(harness.engine) as session:
        return list(session.exec(select(InboxEvent).order_by(InboxEvent.id)).all())


def test_a_batch_takes_one_event_per_resident_and_commits_once(harness: Harness) -> None:
    users = [harness.new_user(f"u{i}") for i in range(6)]
    base = int(harness.clock().timestamp() * 1000)
    harness.post_events(
        *[harness.event("text", users[i % 6], text="ช่วยเหลือ") | {"timestamp": base + i} for i in range(12)]
    )
    commits = [0]
    event.listen(harness.engine, "commit", lambda _: commits.__setitem__(0, commits[0] + 1))
    assert harness.processor.process_batch(20) == 6  # the second event of each resident waits its turn
    assert commits[0] == 1
    done = [e for e in stored(harness) if e.status == InboxStatus.DONE]
    assert sorted(e.event_ts - base for e in done) == [0, 1, 2, 3, 4, 5]
    assert harness.processor.process_batch(20) == 6 and harness.processor.process_batch(20) == 0


def test_a_batch_without_failures_runs_straight_through_with_one_sealed_dialog_lookup(harness: Harness) -> None:
    users = [harness.new_user(f"u{i}") for i in range(5)]
    for user in users[:4]:
        harness.onboard(user)  # known residents; the fifth is new
    harness.post_events(*[harness.event("text", user, text="ช่วยเหลือ") for user in users])
    statements: list[str] = []
    event.listen(
        harness.engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement.upper())
    )
    assert harness.processor.process_batch(20) == 5
    # Savepoints only when a handler has failed, and one around the newcomers' INSERT (another process may
    # have created one of them meanwhile).
    assert len([s for s in statements if s.startswith("SAVEPOINT")]) == 1
    assert len([s for s in statements if "FROM SEALED_DIALOG" in s]) == 1  # once for the batch, not per event
    # The residents once for the batch, and one INSERT for the newcomer(s).
    assert len([s for s in statements if "FROM RESIDENT" in s]) == 1
    assert len([s for s in statements if s.startswith("INSERT INTO RESIDENT")]) == 1
    assert len([s for s in statements if "FROM CONVERSATION" in s]) == 1  # their dialogs, locked at once
    assert all(e.status == InboxStatus.DONE for e in stored(harness))


def test_a_failing_event_leaves_its_neighbours_done_and_is_retried_alone(harness: Harness) -> None:
    good, bad = harness.new_user("good"), harness.new_user("bad")
    harness.post_events(harness.event("text", good, text="ช่วยเหลือ"), harness.event("text", bad, text="ช่วยเหลือ"))
    processor = InboxProcessor(harness.runtime, build_dispatcher(harness.runtime), clock=harness.clock)
    real = processor.dispatcher.handle

    def handle(session: Session, org: Any, incoming: Any, now: Any, **hints: Any) -> Any:
        turn = real(session, org, incoming, now, **hints)  # the failing event's changes are written, then undone
        if incoming.user_id == bad:
            raise RuntimeError("a bug in a handler")
        return turn

    processor.dispatcher.handle = handle  # type: ignore[method-assign]
    assert processor.process_batch(20) == 2
    by_user = {e.user_id: e for e in stored(harness)}
    assert by_user[good].status == InboxStatus.DONE
    assert by_user[bad].status == InboxStatus.PENDING and by_user[bad].attempts == 1
    with Session(harness.engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
    assert [r.recipient for r in rows] == [good]  # nothing of the failed event survived
    for _ in range(5):
        processor.process_batch(20)
    assert {e.user_id: e.status for e in stored(harness)}[bad] == InboxStatus.FAILED


def test_a_refusal_reruns_the_batch_carefully_and_undoes_only_the_refused_turn(harness: Harness) -> None:
    good, refused = harness.new_user("good"), harness.new_user("refused")
    for user in (good, refused):
        harness.onboard(user)
    harness.post_events(harness.event("text", good, text="อะไรก็ได้"), harness.event("text", refused, text="อะไรก็ได้"))
    processor = InboxProcessor(harness.runtime, build_dispatcher(harness.runtime), clock=harness.clock)
    hooks = processor.dispatcher.hooks
    runs: list[bool] = []

    def fallback(turn: Any) -> None:
        turn.goto("half-way")  # a write the refusal must undo
        if turn.incoming.user_id == refused:
            runs.append(turn.session.in_nested_transaction())
            raise Conflict("ขออภัยค่ะ ทำรายการนี้ไม่ได้")
        turn.reply(text("รับทราบค่ะ"))

    processor.dispatcher.hooks = dataclasses.replace(hooks, fallback=fallback)
    assert processor.process_batch(20) == 2
    assert runs == [False, True]  # straight through first (no savepoint), then carefully
    assert {e.user_id: e.status for e in stored(harness)} == {good: InboxStatus.DONE, refused: InboxStatus.DONE}
    harness.deliver()
    assert harness.last_message(refused)["text"] == "ขออภัยค่ะ ทำรายการนี้ไม่ได้"
    with Session(harness.engine) as session:
        states = {c.resident_id: c.state for c in session.exec(select(Conversation)).all()}
    assert sorted(states.values(), key=str) == [None, "half-way"]  # the good turn's state only


def test_what_a_turn_queues_for_its_resident_goes_before_the_reply_and_the_replies_are_one_insert(
    harness: Harness,
) -> None:
    """The answers are written after the batch's other rows (straight) or after a flush (careful): a push a
    handler queued to the same person keeps its place before the reply, in both runs."""
    users = [harness.new_user(f"u{i}") for i in range(3)]
    for user in users:
        harness.onboard(user)
    with Session(harness.engine) as session:
        onboarding = len(session.exec(select(OutboxMessage)).all())  # the welcome and its questions
    harness.post_events(*[harness.event("text", user, text="อะไรก็ได้") for user in users])
    processor = InboxProcessor(harness.runtime, build_dispatcher(harness.runtime), clock=harness.clock)
    hooks = processor.dispatcher.hooks
    refuse = {users[2]}

    def fallback(turn: Any) -> None:
        outbox.enqueue_push(
            turn.session, resident_id=None, user_id=turn.incoming.user_id, messages=[text("ก่อน")], now=turn.now
        )
        if turn.incoming.user_id in refuse:
            raise Conflict("ขออภัยค่ะ ทำรายการนี้ไม่ได้")
        turn.reply(text("หลัง"))

    processor.dispatcher.hooks = dataclasses.replace(hooks, fallback=fallback)
    inserts: list[str] = []
    event.listen(
        harness.engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_: inserts.append(sql) if sql.upper().startswith("INSERT INTO OUTBOX") else None,
    )
    refuse.clear()  # a straight run first: the replies written in one INSERT, after the pushes
    assert processor.process_batch(20) == 3
    assert len([sql for sql in inserts if "RETURNING" not in sql.upper()]) == 1  # the replies (the pushes: ORM)
    harness.post_events(*[harness.event("text", user, text="อะไรก็ได้") for user in users])
    refuse.add(users[2])  # a careful run: each event's push, then its reply (or, refused, its apology)
    assert processor.process_batch(20) == 3
    with Session(harness.engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()[onboarding:]
    for user in users[:2]:
        texts = [json.loads(r.messages)[0]["text"] for r in rows if r.recipient == user]
        assert texts == ["ก่อน", "หลัง", "ก่อน", "หลัง"]
    assert [json.loads(r.messages)[0]["text"] for r in rows if r.recipient == users[2]] == [
        "ก่อน",
        "หลัง",
        "ขออภัยค่ะ ทำรายการนี้ไม่ได้",
    ]


def test_concurrent_batches_never_hold_two_events_of_one_resident(harness: Harness) -> None:
    users = [harness.new_user(f"u{i}") for i in range(4)]
    base = int(harness.clock().timestamp() * 1000)
    for start in range(0, 80, 20):
        harness.post_events(
            *[
                harness.event("text", users[i % 4], text="ช่วยเหลือ") | {"timestamp": base + i}
                for i in range(start, start + 20)
            ]
        )
    workers = [
        InboxProcessor(harness.runtime, build_dispatcher(harness.runtime), clock=harness.clock) for _ in range(3)
    ]
    handled: list[tuple[str, Any]] = []  # (resident, LINE timestamp) in the order handlers ran
    for worker in workers:
        real = worker.dispatcher.handle

        def handle(session: Session, org: Any, incoming: Any, now: Any, real: Any = real, **hints: Any) -> Any:
            handled.append((incoming.user_id, incoming.at))
            return real(session, org, incoming, now, **hints)

        worker.dispatcher.handle = handle  # type: ignore[method-assign]
    errors: list[BaseException] = []

    def work(processor: InboxProcessor) -> None:
        try:
            while processor.process_batch(3):
                pass
        except BaseException as error:  # surface in the test thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    events = stored(harness)
    assert all(e.status == InboxStatus.DONE for e in events) and len(events) == 80
    assert len(handled) == 80
    for user in users:  # each resident's events handled once each, in the order LINE stamped them
        mine = [at for who, at in handled if who == user]
        assert mine == sorted(mine) and len(mine) == 20

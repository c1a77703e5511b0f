"""Several workers at once: every event handled exactly once, one at a time and in order per resident."""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict

from sqlmodel import Session, select

from bot.line.models import InboxEvent, InboxStatus
from bot.main import build_dispatcher, build_sender
from bot.outbox.models import OutboxMessage
from bot.worker import InboxProcessor, _show_loading
from tests.harness import Harness


def test_concurrent_workers_process_each_event_once_in_order_per_user(harness: Harness) -> None:
    users = [harness.new_user(f"u{i}") for i in range(5)]
    base = int(harness.clock().timestamp() * 1000)
    batch = [harness.event("text", users[i % 5], text="ช่วยเหลือ") | {"timestamp": base + i} for i in range(60)]
    for start in range(0, 60, 10):
        harness.post_events(*batch[start : start + 10])
    workers = [
        InboxProcessor(harness.runtime, build_dispatcher(harness.runtime), clock=harness.clock) for _ in range(4)
    ]
    errors: list[BaseException] = []

    def work(processor: InboxProcessor) -> None:
        try:
            while processor.process_one():
                pass
        except BaseException as error:  # surface in the test thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Session(harness.engine) as session:
        events = session.exec(select(InboxEvent)).all()
        replies = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {e.status for e in events} == {InboxStatus.DONE} and all(e.attempts == 0 for e in events)
    per_event = defaultdict(int)
    for reply in replies:
        per_event[reply.source_event_id] += 1
    assert len(per_event) == 60 and set(per_event.values()) == {1}
    ts_of = {e.id: (e.event_ts, e.source_key) for e in events}
    order: dict[str, list[int]] = defaultdict(list)
    for reply in replies:  # outbox ids grow in commit order
        stamp, user = ts_of[reply.source_event_id]
        order[user].append(stamp)
    assert all(stamps == sorted(stamps) for stamps in order.values())


def test_residents_kept_waiting_see_the_loading_animation(harness: Harness) -> None:
    user = harness.new_user()
    harness.post_events(harness.event("text", user, text="เมนู") | {"timestamp": 1_000})

    async def go() -> None:
        async with build_sender(harness.runtime) as sender:
            shown: set[str] = set()
            await _show_loading(harness.runtime, sender, shown)
            await _show_loading(harness.runtime, sender, shown)  # once per wait, not every poll

    asyncio.run(go())
    calls = harness.line.calls("showLoadingAnimation")
    assert len(calls) == 1 and calls[0].body["chatId"] == user

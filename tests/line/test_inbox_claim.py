"""The worker's claim under a backlog: it reads the pending events in order and stops at its batch, instead of
gathering and sorting all of them (38 ms a claim at 3,400 pending on PostgreSQL, most of the database's time
during a burst); and PostgreSQL connections do not JIT-compile our short queries (30 ms each)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.line import inbox
from bot.line.models import InboxEvent, InboxStatus


def backlog(engine: Engine, users: int, each: int) -> None:
    """`users` residents with `each` pending events apiece, interleaved in time, as a burst leaves them."""
    now = datetime.now(UTC)
    rows = [
        {
            "webhook_event_id": f"ev{n:08d}",
            "event_type": "message",
            "source_key": f"U{n % users:032d}",
            "user_id": f"U{n % users:032d}",
            "mode": "active",
            "is_redelivery": False,
            "event_ts": 1_700_000_000_000 + n,
            "payload": "{}",
            "received_at": now,
            "status": InboxStatus.PENDING,
            "attempts": 0,
        }
        for n in range(users * each)
    ]
    with Session(engine) as session:
        session.execute(insert(InboxEvent), rows)
        session.commit()


def test_a_claim_takes_the_first_event_of_each_user_in_time_order(engine: Engine) -> None:
    backlog(engine, users=30, each=5)
    with Session(engine) as session:
        first = inbox.claim_batch(session, 20)
        assert [row.event_ts - 1_700_000_000_000 for row in first] == list(range(20))
        session.rollback()
    with Session(engine) as session:
        for row in inbox.claim_batch(session, 25):  # 25 of the 30 users handled: their second events come next
            row.status = InboxStatus.DONE
        session.commit()
    with Session(engine) as session:
        nxt = [row.event_ts - 1_700_000_000_000 for row in inbox.claim_batch(session, 10)]
        assert nxt == [25, 26, 27, 28, 29, 30, 31, 32, 33, 34]


def test_on_postgresql_the_claim_walks_the_pending_index_in_order_without_sorting(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner")
    backlog(engine, users=500, each=8)  # 4,000 pending, never analysed: the planner's worst guess
    plans: list[str] = []

    def explain(connection: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT inbox_event.id") and "SKIP LOCKED" in statement:
            cursor.execute("EXPLAIN " + statement, parameters)
            plans.append("\n".join(line for (line,) in cursor.fetchall()))

    event.listen(engine, "before_cursor_execute", explain)
    try:
        with Session(engine) as session:
            claimed = inbox.claim_batch(session, 20)
            settings = session.execute(text("SELECT current_setting('enable_sort'), current_setting('jit')")).one()
    finally:
        event.remove(engine, "before_cursor_execute", explain)
    assert len(claimed) == 20
    [plan] = plans
    assert "Sort" not in plan and "Bitmap" not in plan, plan
    assert "ix_inbox_pending_order" in plan and "ix_inbox_source_pending" in plan, plan
    assert tuple(settings) == ("on", "off")  # back to normal after the claim; no JIT on our connections

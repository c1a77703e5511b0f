"""The worker through a database outage: one log line per change of state, backing off, and events
left pending (not counted as the event's failure) until the store is back."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from structlog.testing import capture_logs

from bot.line.models import InboxEvent, InboxStatus
from bot.worker import LoopHealth, _guard
from tests.harness import Harness


def outage(times: int):  # type: ignore[no-untyped-def]
    """A loop step that fails like an unreachable PostgreSQL `times` times, then works."""
    calls = {"n": 0}

    async def step() -> None:
        calls["n"] += 1
        if calls["n"] <= times:
            raise OperationalError("SELECT 1", None, ConnectionRefusedError("connection refused"))
        await asyncio.sleep(0.001)

    return step, calls


def run_guard(step, seconds: float, health: LoopHealth) -> None:  # type: ignore[no-untyped-def]
    async def go() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(_guard("inbox", step, stop, health))
        await asyncio.sleep(seconds)
        stop.set()
        await task

    asyncio.run(go())


def test_an_outage_logs_one_line_when_it_starts_and_one_when_it_ends() -> None:
    step, calls = outage(times=8)
    with capture_logs() as logs:
        run_guard(step, 1.5, LoopHealth("inbox", first_delay=0.01, max_delay=0.05))
    assert calls["n"] > 8  # it kept trying, and got through
    events = [(e["event"], e["log_level"]) for e in logs]
    assert events == [("worker.loop_failing", "error"), ("worker.loop_recovered", "warning")]
    assert "exc_info" not in logs[0]  # an outage is expected: no traceback
    assert logs[1]["failures"] == 8


def test_the_back_off_grows_to_its_cap() -> None:
    health = LoopHealth("outbox", first_delay=0.5, max_delay=30)
    error = OperationalError("SELECT 1", None, ConnectionRefusedError())
    with capture_logs() as logs:
        delays = [health.failed(error) for _ in range(10)]
    assert delays[:4] == [0.5, 1, 2, 4] and delays[-1] == 30
    assert len(logs) == 1


def test_a_bug_is_logged_with_its_traceback_once_per_kind() -> None:
    health = LoopHealth("periodic")
    with capture_logs() as logs:
        for _ in range(5):
            health.failed(KeyError("x"))
        health.failed(OperationalError("SELECT 1", None, ConnectionRefusedError()))
    assert [e.get("exc_info") for e in logs] == [True, None]


def test_a_database_error_while_handling_leaves_the_event_pending(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = harness.new_user()
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))

    def store_gone(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("UPDATE", None, ConnectionResetError("server closed the connection"))

    monkeypatch.setattr(harness.processor, "_apply", store_gone)
    for _ in range(harness.settings.inbox_max_attempts + 1):
        with pytest.raises(OperationalError):
            harness.processor.process_one()
    with Session(harness.engine) as session:
        [event] = session.query(InboxEvent).all()
        assert (event.status, event.attempts) == (InboxStatus.PENDING, 0)
    monkeypatch.undo()
    harness.run()
    assert len(harness.line.state.messages_to(user)) == 1

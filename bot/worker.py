"""The background worker: processes stored webhook events, then delivers the outbox.

Each event is claimed, handled and marked done in one transaction together with every change and
outbox row it causes, so a crash at any point leaves either all of it or none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

import structlog
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, select

from bot.chat.engine import Dispatcher
from bot.chat.texts import processing_failed
from bot.db import claiming
from bot.line import inbox
from bot.line.content import ContentFetcher
from bot.line.models import InboxEvent, InboxStatus
from bot.line.sender import Sender
from bot.outbox import service as outbox
from bot.residents.models import FollowStatus, Resident
from bot.runtime import Runtime
from bot.scheduler import Job, run_jobs
from bot.thai import utcnow

log = structlog.get_logger(__name__)

Clock = Callable[[], datetime]


class InboxProcessor:
    """Turns stored events into domain changes and outbox rows."""

    def __init__(self, runtime: Runtime, dispatcher: Dispatcher, clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.dispatcher = dispatcher
        self.clock = clock or runtime.clock

    def process_one(self) -> bool:
        """Handle the next event in line; False when there is none."""
        with Session(claiming(self.runtime.engine), expire_on_commit=False) as session:
            row = inbox.claim_next(session)
            if row is None:
                return False
            event_id = row.id
            try:
                self._apply(session, row)
                session.commit()
                return True
            except DATABASE_ERRORS:  # the store, not the event: it stays pending, the loop backs off
                raise
            except Exception as error:  # a bug in a handler must not wedge the user's queue
                session.rollback()
                log.exception("inbox.processing_failed", event_id=event_id)
                failure = f"{type(error).__name__}: {error}"
        self._record_failure(event_id, failure)
        return True

    def process_all(self, limit: int = 500) -> int:
        done = 0
        while done < limit and self.process_one():
            done += 1
        return done

    def _apply(self, session: Session, row: InboxEvent) -> None:
        now = self.clock()
        row.processed_at = now
        incoming = inbox.to_incoming(row)
        if incoming is None or row.mode != "active":
            row.status = InboxStatus.IGNORED  # standby, group chats, unknown types: kept, not acted on
            row.error = "standby mode" if row.mode != "active" else "not handled"
            return
        turn = self.dispatcher.handle(session, self.runtime.org, incoming, now)
        row.status = InboxStatus.DONE
        if turn.sealed:  # a confidential dialog: keep no trace linking this person to what they said
            row.payload, row.user_id, row.source_key = '{"sealed": true}', None, "sealed"
        resident = turn.resident
        if not turn.replies or resident.status == FollowStatus.BLOCKED:
            return
        ttl = timedelta(seconds=self.runtime.settings.reply_token_ttl_seconds)
        outbox.enqueue_reply(
            session,
            resident_id=None if turn.sealed else resident.id,
            user_id=self.runtime.sealer.seal_recipient(incoming.user_id) if turn.sealed else incoming.user_id,
            reply_token=incoming.reply_token,
            reply_expires_at=min(incoming.at, row.received_at) + ttl,
            messages=turn.replies,
            now=now,
            source_event_id=None if turn.sealed else row.id,
            scrub_after_send=turn.sealed or resident.status == FollowStatus.ERASED,
        )

    def _record_failure(self, event_id: int | None, failure: str) -> None:
        now = self.clock()
        with Session(self.runtime.engine) as session:
            row = session.get(InboxEvent, event_id, with_for_update=True)
            if row is None or row.status != InboxStatus.PENDING:
                return
            row.attempts += 1
            row.error = failure[:2000]
            if row.attempts < self.runtime.settings.inbox_max_attempts:
                session.commit()
                return
            row.status = InboxStatus.FAILED
            row.processed_at = now
            resident = session.exec(select(Resident).where(Resident.line_user_id == row.user_id)).first()
            if row.user_id and (resident is None or resident.can_receive):
                outbox.enqueue_push(
                    session,
                    resident_id=resident.id if resident else None,
                    user_id=row.user_id,
                    messages=[processing_failed(self.runtime.org)],
                    now=now,
                )
            session.commit()


async def run_worker(runtime: Runtime, processor: InboxProcessor, sender: Sender, stop: asyncio.Event,
                     fetcher: ContentFetcher, jobs: Sequence[tuple[str, Job]]) -> None:
    """Process the inbox, deliver the outbox, fetch photos and run due `jobs` until `stop` is set."""
    poll = runtime.settings.worker_poll_seconds
    runtime.loop = asyncio.get_running_loop()
    lanes = 1 if runtime.engine.dialect.name == "sqlite" else max(1, runtime.settings.worker_concurrency)

    async def wait(signal: asyncio.Event, timeout: float = poll) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signal.wait(), timeout=timeout)
        signal.clear()

    def until_next_due() -> float:
        """Seconds until the next scheduled row (paced notice chunks, back-offs), at most one poll."""
        with Session(runtime.engine) as session:
            due = outbox.next_due(session)
        if due is None:
            return poll
        return min(poll, max(0.005, (due - utcnow()).total_seconds()))

    shown: set[str] = set()  # residents already shown the loading dots while they wait
    last_jobs = [0.0]

    async def inbox_step() -> None:
        await _show_loading(runtime, sender, shown)
        batches = await asyncio.gather(*(asyncio.to_thread(processor.process_all, 20) for _ in range(lanes)))
        if sum(batches):
            runtime.outbox_signal.set()
        else:
            shown.clear()
            await wait(runtime.inbox_signal)

    async def outbox_step() -> None:
        if not await sender.deliver_due():
            await wait(runtime.outbox_signal, await asyncio.to_thread(until_next_due))

    async def periodic_step() -> None:
        if time.monotonic() - last_jobs[0] >= runtime.settings.scheduler_interval_seconds:
            last_jobs[0] = time.monotonic()
            await asyncio.to_thread(run_jobs, runtime, runtime.clock(), jobs)
            runtime.outbox_signal.set()
        if await fetcher.fetch_pending():
            runtime.outbox_signal.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=2.0)

    async with sender:
        await asyncio.gather(_guard("inbox", inbox_step, stop), _guard("outbox", outbox_step, stop),
                             _guard("periodic", periodic_step, stop))


DATABASE_ERRORS = (OperationalError, InterfaceError, TimeoutError)


class LoopHealth:
    """One log line per change of state (failing ↔ working), and the back-off while failing: an outage
    of a minute is two lines per loop, not a traceback a second."""

    def __init__(self, name: str, first_delay: float = 0.5, max_delay: float = 30.0) -> None:
        self.name, self.first_delay, self.max_delay = name, first_delay, max_delay
        self.failing_since: float | None = None
        self.failures = 0
        self.error = ""

    def failed(self, error: Exception) -> float:
        """Record a failure; returns how long to wait before trying again."""
        kind = type(error).__name__
        if self.failing_since is None or kind != self.error:
            fields = {"loop": self.name, "error": kind}
            if isinstance(error, DATABASE_ERRORS):  # expected in an outage: no traceback, no parameters
                log.error("worker.loop_failing", **fields)
            else:
                log.exception("worker.loop_failing", **fields)
            self.failing_since = self.failing_since or time.monotonic()
            self.error = kind
        self.failures += 1
        return min(self.max_delay, self.first_delay * 2 ** (self.failures - 1))

    def succeeded(self) -> None:
        if self.failing_since is not None:
            log.warning("worker.loop_recovered", loop=self.name, failures=self.failures,
                        seconds=round(time.monotonic() - self.failing_since, 1))
        self.failing_since, self.failures, self.error = None, 0, ""


async def _guard(name: str, step: Callable[[], Awaitable[object]], stop: asyncio.Event,
                 health: LoopHealth | None = None) -> None:
    """Run one loop's step until `stop`, across errors (the database restarting, say), backing off."""
    health = health or LoopHealth(name)
    while not stop.is_set():
        try:
            await step()
        except Exception as error:
            delay = health.failed(error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
        else:
            health.succeeded()


async def _show_loading(runtime: Runtime, sender: Sender, shown: set[str]) -> None:
    """Residents whose message has waited longer than the threshold see LINE's loading dots."""
    threshold = runtime.settings.loading_animation_after_seconds
    cutoff = int((utcnow().timestamp() - threshold) * 1000)

    def waiting() -> list[str]:
        with Session(runtime.engine) as session:
            return inbox.waiting_users(session, cutoff)

    for user_id in await asyncio.to_thread(waiting):
        if user_id not in shown:
            shown.add(user_id)
            await sender.show_loading(user_id)

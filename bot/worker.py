"""The background worker: processes stored webhook events, then delivers the outbox.

Each event is claimed, handled and marked done in one transaction together with every change and
outbox row it causes, so a crash at any point leaves either all of it or none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, select

from bot.chat import state as conversation_state
from bot.chat.engine import Dispatcher, Prefetched
from bot.chat.texts import processing_failed
from bot.crypto import coarse_time
from bot.db import claiming
from bot.line import inbox, privacy
from bot.line import sealed as sealed_inbox
from bot.line.content import ContentFetcher
from bot.line.models import InboxEvent, InboxStatus
from bot.line.sender import Sender
from bot.metrics import HANDLER_SECONDS
from bot.outbox import service as outbox
from bot.outbox.models import OutboxMessage
from bot.residents.models import FollowStatus, Resident
from bot.runtime import Runtime
from bot.scheduler import Job, run_jobs

log = structlog.get_logger(__name__)

Clock = Callable[[], datetime]


class InboxProcessor:
    """Turns stored events into domain changes and outbox rows."""

    def __init__(self, runtime: Runtime, dispatcher: Dispatcher, clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.dispatcher = dispatcher
        self.clock = clock or runtime.clock

    def process_batch(self, limit: int | None = None) -> int:
        """Handle up to `limit` events of different residents in one transaction; returns how many.

        The batch commits once (one fsync for all of them). It first runs straight through, its writes
        flushed together at the end; should a handler fail or a service refuse, it is rolled back and run
        again `careful`ly: each event (and each refusable route) behind a savepoint, so a failure undoes only
        that event's changes, and failures are recorded after the commit. (A savepoint flushes: savepoints for
        every event would cost a flush and two statements each, for the rare batch that needs them.)"""
        limit = limit or self.runtime.settings.worker_batch_size
        try:
            return self._batch(limit, careful=False)
        except _Redo:
            pass  # outside the except block, so the careful run's own errors carry no _Redo context
        return self._batch(limit, careful=True)

    def _batch(self, limit: int, careful: bool) -> int:
        failures: list[tuple[int | None, str, bool]] = []
        with Session(claiming(self.runtime.engine), expire_on_commit=False) as session:
            rows = inbox.claim_batch(session, limit)
            # One lookup for the batch instead of some per event (a batch holds one event per user). Local to
            # this batch: one processor serves several threads (the worker's lanes) at once.
            active = {row.user_id for row in rows if row.user_id and row.mode == "active"}
            batch = self.dispatcher.prefetch(session, active, self.clock())
            answers: list[dict[str, Any]] = []  # the straight run's outbox rows, written after its flush
            for row in rows:
                event_id = row.id
                failed = self._handle(session, row, careful, batch, answers)
                if failed is not None:
                    failures.append((event_id, *failed))
            if not careful:
                self._flush_straight(session, answers)
            session.commit()
        for event_id, failure, sealed in failures:
            self._record_failure(event_id, failure, sealed)
        return len(rows)

    @staticmethod
    def _flush_straight(session: Session, answers: list[dict[str, Any]]) -> None:
        """The straight run's writes reach the database only here, all at once: one event's bad row (a
        constraint it breaks) must send the batch to the careful run, which pins it on that event. The
        answers go last, so that what a handler queued for a person comes before the reply to them."""
        try:
            session.flush()
            outbox.insert(session, answers)
        except DATABASE_ERRORS:
            raise
        except Exception:
            raise _Redo from None

    def _handle(
        self, session: Session, row: InboxEvent, careful: bool, batch: Prefetched, answers: list[dict[str, Any]]
    ) -> tuple[str, bool] | None:
        """One event of the batch; returns why it failed (and whether the turn was sealed), or None.
        Not `careful`, a failure raises _Redo instead (nothing logged: the careful run will say it)."""
        started = time.perf_counter()
        arrived_sealed = sealed_inbox.is_sealed(row)
        conversation_state.current_dialog.set(None)
        # A sealed event's id is never logged: it would tie log lines to the tip's inbox row.
        with structlog.contextvars.bound_contextvars(**({} if arrived_sealed else {"event_id": row.id})):
            try:
                if careful:
                    with session.begin_nested():
                        self._apply(session, row, batch, careful)
                else:
                    self._apply(session, row, batch, careful, answers)
                return None
            except DATABASE_ERRORS:  # the store, not the event: the batch stays pending, the loop backs off
                raise
            except Exception as error:  # a bug in a handler must not wedge the user's queue
                if not careful:
                    raise _Redo from None
                dialog = conversation_state.current_dialog.get()
                sealed = arrived_sealed or (dialog is not None and dialog.sealed)
                if sealed:  # the message (and SQL parameters) may hold the tip: its type and place only
                    structlog.contextvars.unbind_contextvars("event_id")
                    failure = type(error).__name__
                    log.error("inbox.sealed_turn_failed", error=failure, where=_where(error))
                else:
                    log.exception("inbox.processing_failed")
                    failure = f"{type(error).__name__}: {error}"
                return failure, sealed
            finally:
                HANDLER_SECONDS.observe(time.perf_counter() - started)

    def process_one(self) -> bool:
        """Handle the next event in line; False when there is none."""
        return self.process_batch(1) > 0

    def process_all(self, limit: int = 500) -> int:
        done = 0
        while done < limit:
            handled = self.process_batch(min(self.runtime.settings.worker_batch_size, limit - done))
            if not handled:
                break
            done += handled
        return done

    def _apply(
        self,
        session: Session,
        row: InboxEvent,
        batch: Prefetched,
        careful: bool = True,
        answers: list[dict[str, Any]] | None = None,
    ) -> None:
        """One event's changes; its answer is added to `answers`, or without them written at once."""
        now = self.clock()
        sealer = self.runtime.sealer
        arrived_sealed = sealed_inbox.is_sealed(row)
        if sealed_inbox.already_handled(session, sealer, row):
            session.delete(row)  # a copy of a sealed event handled before: nothing to keep
            return
        if arrived_sealed:
            row.payload = sealed_inbox.opened_payload(row, sealer)  # in memory only: redacted below
        incoming = inbox.to_incoming(row)
        if incoming is None or row.mode != "active":
            row.processed_at = now
            row.status = InboxStatus.IGNORED  # standby, group chats, unknown types: kept, not acted on
            row.error = "standby mode" if row.mode != "active" else "not handled"
            if arrived_sealed:
                sealed_inbox.redact(row, sealer, now)
            return
        turn = self.dispatcher.handle(session, self.runtime.org, incoming, now, batch=batch, careful=careful)
        if turn.sealed:
            batch.not_sealed.discard(incoming.user_id)
        row.processed_at = now  # after the handler: one UPDATE of the row (an autoflush would make two)
        row.status = InboxStatus.DONE
        sealed = turn.sealed or arrived_sealed
        reply_expires_at = min(incoming.at, row.received_at) + timedelta(
            seconds=self.runtime.settings.reply_token_ttl_seconds
        )
        if sealed:  # a confidential dialog: keep no trace linking this person to what they said, or when
            sealed_inbox.redact(row, sealer, now)
        elif turn.forget_event:  # e.g. ไม่ยินยอม: nothing they sent is kept, this message included
            row.payload = privacy.EMPTIED
        resident = turn.resident
        if not turn.replies or resident.status == FollowStatus.BLOCKED:
            return
        rows = outbox.reply(
            resident_id=None if sealed else resident.id,
            user_id=sealer.seal_recipient(incoming.user_id) if sealed else incoming.user_id,
            reply_token=incoming.reply_token,
            reply_expires_at=reply_expires_at,
            messages=turn.replies,
            now=coarse_time(now) if sealed else now,  # sealed rows carry the hour (still due at once)
            source_event_id=None if sealed else row.id,
            scrub_after_send=sealed or resident.status == FollowStatus.ERASED,
        )
        if answers is not None:
            answers.extend(rows)
        else:
            session.flush()  # what the handler queued first gets its id (its place in line) first
            outbox.insert(session, rows)

    def _record_failure(self, event_id: int | None, failure: str, sealed: bool = False) -> None:
        now = self.clock()
        sealer = self.runtime.sealer
        with Session(self.runtime.engine) as session:
            row = session.get(InboxEvent, event_id, with_for_update=True)
            if row is None or row.status != InboxStatus.PENDING:
                return
            row.attempts += 1
            row.error = failure[:2000]
            user_id = sealed_inbox.user_of(row, sealer) if sealed else row.user_id
            if sealed:
                sealed_inbox.seal_row(row, sealer)  # kept to be retried, but no longer readable
            if row.attempts < self.runtime.settings.inbox_max_attempts:
                session.commit()
                return
            row.status = InboxStatus.FAILED
            row.processed_at = now
            if sealed:
                sealed_inbox.redact(row, sealer, now)
                self._tell_sealed_failure(session, user_id, now)
                session.commit()
                return
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

    def _tell_sealed_failure(self, session: Session, user_id: str | None, now: datetime) -> None:
        """Say sorry through a sealed recipient: no resident id, no readable user id, no exact time."""
        resident = session.exec(select(Resident).where(Resident.line_user_id == user_id)).first() if user_id else None
        if not user_id or (resident is not None and not resident.can_receive):
            return
        rows = outbox.enqueue_push(
            session,
            resident_id=None,
            user_id=self.runtime.sealer.seal_recipient(user_id),
            messages=[processing_failed(self.runtime.org)],
            now=now,
        )
        for row in rows:
            row.scrub_after_send = True
        _coarsen(rows, now)


class _Redo(Exception):
    """A handler failed in a batch run straight through: the batch is run again, carefully."""


def _coarsen(rows: list[OutboxMessage], now: datetime) -> None:
    """Sealed outbox rows carry the hour, not the moment (still due at once: the hour is in the past)."""
    for row in rows:
        row.created_at = row.next_attempt_at = coarse_time(now)


def _where(error: BaseException) -> str:
    """Where an exception was raised (file:line of our frames, then the raising one), without its
    message or any value."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/bot/" in f.filename][-3:]
    shown = [*ours, frames[-1]] if frames and (not ours or ours[-1] is not frames[-1]) else ours
    return " > ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in shown)


async def run_worker(
    runtime: Runtime,
    processor: InboxProcessor,
    sender: Sender,
    stop: asyncio.Event,
    fetcher: ContentFetcher,
    jobs: Sequence[tuple[str, Job]],
) -> None:
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
        return min(poll, max(0.005, (due - runtime.clock()).total_seconds()))

    shown: set[str] = set()  # residents already shown the loading dots while they wait
    last_jobs = [0.0]

    async def inbox_step() -> None:
        await _show_loading(runtime, sender, shown)
        batch = runtime.settings.worker_batch_size  # each lane a batch, then the loading dots again
        batches = await asyncio.gather(*(asyncio.to_thread(processor.process_all, batch) for _ in range(lanes)))
        if sum(batches):
            runtime.outbox_signal.set()
        else:
            shown.clear()
            await wait(runtime.inbox_signal)

    async def outbox_step() -> None:
        # Lanes here too: while one batch's calls to LINE are in flight, the next is claimed or recorded (one
        # at a time, a sender spent most of its turn in the database and answered 220/s with replies waiting).
        # Claims skip each other's rows and a person's later rows wait behind their unsent ones: order holds.
        sent = await asyncio.gather(*(sender.deliver_due() for _ in range(lanes)))
        if not sum(sent):
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
        await asyncio.gather(
            _guard("inbox", inbox_step, stop),
            _guard("outbox", outbox_step, stop),
            _guard("periodic", periodic_step, stop),
        )


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
            log.warning(
                "worker.loop_recovered",
                loop=self.name,
                failures=self.failures,
                seconds=round(time.monotonic() - self.failing_since, 1),
            )
        self.failing_since, self.failures, self.error = None, 0, ""


async def _guard(
    name: str, step: Callable[[], Awaitable[object]], stop: asyncio.Event, health: LoopHealth | None = None
) -> None:
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
    cutoff = int((runtime.clock().timestamp() - threshold) * 1000)

    def waiting() -> list[str]:
        with Session(runtime.engine) as session:
            return inbox.waiting_users(session, cutoff)

    due = [user_id for user_id in await asyncio.to_thread(waiting) if user_id not in shown]
    shown.update(due)
    await asyncio.gather(*(sender.show_loading(user_id) for user_id in due))  # side by side, not one by one

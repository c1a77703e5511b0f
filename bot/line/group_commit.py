"""Group commit for the webhook: concurrent requests share one transaction and one fsync.

Each request hands its events to the writer and awaits its own outcome; the writer commits whatever has
gathered in one transaction, one batch at a time. While a batch commits, the next one fills, so under
load a batch holds as many requests as arrived during one commit, and a lone request waits for nothing
but its own commit. The acknowledgement still follows the durable commit of the request's own events.

The writer gets the whole batch at once, so it can read and insert for every request together (one
round trip each, not one per request). A batch that fails is rolled back and its requests are retried one
transaction each, `careful` (each event behind its own savepoint), so one request's problem never becomes
its neighbours' (and the error each then meets is its own).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")
# Adds every request's rows to the session and returns each request's result; never commits. `careful`:
# the batch is retried request by request after a failure, each event to be isolated from the others.
Write = Callable[[Session, list[Any], bool], list[T]]

# Connection-level failures: the store cannot be reached or is too slow. Retrying each request apart
# would only multiply the wait, so the whole batch gets the error (LINE redelivers on our 503).
UNREACHABLE = (OperationalError, InterfaceError, TimeoutError)


@dataclass
class _Request(Generic[T]):
    work: Any
    done: asyncio.Future[T] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class GroupCommit(Generic[T]):
    def __init__(self, engine: Engine, write: Write[T], max_batch: int = 256) -> None:
        self.engine = engine
        self.write = write
        self.max_batch = max_batch
        self._waiting: list[_Request[T]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, work: Any) -> T:
        """Write `work` in the next batch; returns once that batch is committed (or raises its error)."""
        request: _Request[T] = _Request(work)
        self._waiting.append(request)
        flusher = self._flusher
        if flusher is None or flusher.done() or flusher.get_loop() is not asyncio.get_running_loop():
            self._flusher = asyncio.create_task(self._flush())
        return await request.done

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the requests already on the loop join this batch
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            try:
                outcomes = await run_in_threadpool(self._commit, [r.work for r in batch])
            except BaseException as failure:  # cancelled at shutdown: nobody is left waiting forever
                outcomes = [(None, failure)] * len(batch)
                if isinstance(failure, asyncio.CancelledError):
                    for request in batch:
                        request.done.cancel()
                    raise
            for request, (result, error) in zip(batch, outcomes, strict=True):
                if request.done.cancelled():
                    continue
                if error is not None:
                    request.done.set_exception(error)
                else:
                    request.done.set_result(result)  # type: ignore[arg-type]  # T itself, when no error

    def _commit(self, works: list[Any]) -> list[tuple[T | None, BaseException | None]]:
        try:
            return [(result, None) for result in self._transaction(works, careful=False)]
        except UNREACHABLE as error:
            return [(None, error)] * len(works)
        except Exception:  # some request's data problem: retry each on its own, carefully
            pass
        outcomes: list[tuple[T | None, BaseException | None]] = []
        for work in works:
            try:
                outcomes.append((self._transaction([work], careful=True)[0], None))
            except Exception as error:  # handed to that request's awaiter
                outcomes.append((None, error))
        return outcomes

    def _transaction(self, works: list[Any], careful: bool) -> list[T]:
        with Session(self.engine) as session:
            results = self.write(session, works, careful)
            session.commit()
        return results

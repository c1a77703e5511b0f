"""The store: engine construction for SQLite and PostgreSQL, sessions, and shared column types."""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

# One column type for aware UTC datetimes. It lives in the surveys package because that package may not
# import bot; bot may import it, so everything shares this single definition.
from surveys.types import UTCDateTime

__all__ = [
    "MAX_INT32",
    "Count",
    "RowId",
    "UTCDateTime",
    "VillageNumber",
    "check_write_path",
    "claiming",
    "make_engine",
    "mark_outbox_pending",
    "normalise_url",
    "quick",
    "take_outbox_pending",
]

# Integers a caller sends in a JSON body, bounded by what the columns hold (INTEGER: 32 bits on PostgreSQL), so an
# out-of-range number is a 422 naming the field, never an overflow deep in a driver. Strict: a JSON whole
# number only (not true/false, not "7", not 7.0).
MAX_INT32 = 2**31 - 1
RowId = Annotated[int, Field(strict=True, ge=1, le=MAX_INT32, description="a record's id")]
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_INT32)]
VillageNumber = Annotated[int, Field(strict=True, ge=1, le=999, description="village (หมู่ที่) number")]

# Every PostgreSQL connection: no statement may run, nor wait for a lock, forever (a hung table must
# not hang a worker). Transactions begun inside `quick()` get far tighter bounds.
STATEMENT_TIMEOUT_MS = 30_000
LOCK_TIMEOUT_MS = 10_000
SQLITE_BUSY_MS = 30_000
_deadline_ms: contextvars.ContextVar[int | None] = contextvars.ContextVar("db_deadline_ms", default=None)


@contextlib.contextmanager
def quick(seconds: float) -> Iterator[None]:
    """Transactions begun in this block (in this thread) give up after about `seconds` waiting for a
    lock or a statement: PostgreSQL's statement/lock timeouts, SQLite's busy timeout. The failure is
    an OperationalError, which callers answer with 503 (the webhook must answer LINE within 2 s)."""
    token = _deadline_ms.set(max(1, int(seconds * 1000)))
    try:
        yield
    finally:
        _deadline_ms.reset(token)


# A transaction that queues outbox messages says so on its session, so that whoever commits it (the request's
# unit of work) can wake the sender afterwards without knowing the outbox.
_OUTBOX_PENDING = "outbox_pending"


def mark_outbox_pending(session: Session) -> None:
    """This session's transaction queued messages (new rows, or a dead letter put back in line)."""
    session.info[_OUTBOX_PENDING] = True


def take_outbox_pending(session: Session) -> bool:
    """Whether messages were queued since the last take, forgetting the mark."""
    return bool(session.info.pop(_OUTBOX_PENDING, False))


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain `postgresql://` URLs (SQLAlchemy would otherwise look for psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for our workload: WAL + busy timeout on SQLite, pre-ping on PostgreSQL."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")  # freed row space is zeroed (old message versions)
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        # SQLite's own busy wait sleeps in growing steps (up to 100 ms), so threads of one process
        # first queue on a plain lock, held from BEGIN until the connection goes back to the pool.
        writer = threading.Lock()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # Every transaction takes SQLite's write lock up front. A deferred transaction that reads
            # and then writes fails at once ("database is locked", no busy wait) when another writer
            # committed in between; and SQLite has no row locks, so this is also what makes a claim
            # exclusive. Read-only work is short here, so serialising it costs little.
            deadline = _deadline_ms.get()
            if not connection.info.get("holds_writer"):
                wait = deadline / 1000 if deadline else SQLITE_BUSY_MS / 1000
                if not writer.acquire(timeout=wait):
                    raise OperationalError("BEGIN IMMEDIATE", None, TimeoutError(f"writer lock busy for {wait} s"))
                connection.info["holds_writer"] = True
            busy = deadline or SQLITE_BUSY_MS
            if connection.info.get("busy_ms") != busy:  # another process may hold SQLite's own lock
                connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy)}")
                connection.info["busy_ms"] = busy
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "checkin")
        @event.listens_for(engine, "invalidate")
        def _sqlite_release(_dbapi_connection: Any, record: Any, *_: Any) -> None:
            if record is not None and record.info.pop("holds_writer", False):
                writer.release()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # jit=off: our queries are short lookups, but a large table's cost estimate passes jit_above_cost and
    # compiling took 30 ms of CPU for a claim that runs in 0.1 ms (most of PostgreSQL's CPU under a burst).
    options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS} -c jit=off"
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5, "options": options}, **kwargs)

    @event.listens_for(engine, "begin")
    def _postgresql_begin(connection: Any) -> None:
        deadline = _deadline_ms.get()
        if deadline:  # SET LOCAL: ends with this transaction, the pooled connection keeps its defaults
            connection.exec_driver_sql(
                f"SELECT set_config('statement_timeout', '{deadline}', true),"
                f" set_config('lock_timeout', '{max(1, deadline * 2 // 3)}', true)"
            )

    return engine


def check_write_path(engine: Engine, seconds: float) -> None:
    """What the webhook needs, within `seconds`: a writable transaction that can take the inbox's
    insert lock (PostgreSQL; not a read-only standby, no one holding the table) or SQLite's write
    lock. Rolled back: nothing is written. Raises OperationalError (or another SQLAlchemyError)."""
    with quick(seconds), engine.connect() as connection, connection.begin() as transaction:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE inbox_event IN ROW EXCLUSIVE MODE")
        else:
            connection.exec_driver_sql("SELECT 1 FROM inbox_event LIMIT 1")  # BEGIN IMMEDIATE holds the lock
        transaction.rollback()


def claiming(engine: Engine) -> Engine:
    """The engine for transactions that claim work. On PostgreSQL their `FOR UPDATE SKIP LOCKED`
    does the job; on SQLite every transaction already takes the write lock first (see make_engine).
    Kept so that claims read as such where they are made."""
    return engine

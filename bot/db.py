"""The store: engine construction for SQLite and PostgreSQL, sessions, and shared column types."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

# One column type for aware UTC datetimes. It lives in the surveys package because that package may not
# import bot; bot may import it, so everything shares this single definition.
from surveys.types import UTCDateTime

__all__ = ["UTCDateTime", "claiming", "is_sqlite", "make_engine", "normalise_url", "session_scope"]


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
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
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
            if not connection.info.get("holds_writer"):
                if not writer.acquire(timeout=30):
                    raise TimeoutError("SQLite writer lock not free after 30 s")
                connection.info["holds_writer"] = True
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "checkin")
        @event.listens_for(engine, "invalidate")
        def _sqlite_release(_dbapi_connection: Any, record: Any, *_: Any) -> None:
            if record is not None and record.info.pop("holds_writer", False):
                writer.release()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **kwargs)


def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose unit of work the caller commits; rolled back if left uncommitted."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def claiming(engine: Engine) -> Engine:
    """The engine for transactions that claim work. On PostgreSQL their `FOR UPDATE SKIP LOCKED`
    does the job; on SQLite every transaction already takes the write lock first (see make_engine).
    Kept so that claims read as such where they are made."""
    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"

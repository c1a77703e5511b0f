"""Database upkeep the worker runs on a schedule: VACUUM of the tables that briefly held plaintext.

On PostgreSQL an UPDATE or DELETE leaves the old row version (a *dead tuple*) in the table file until
VACUUM marks its space reusable. The inbox rewrites every event it handles (and redacts sealed ones),
so without a regular VACUUM old versions of messages linger longer than they need to. VACUUM does not
reach the write-ahead log, base backups or replicas (see the README's tips section).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine

VACUUM_EVERY = timedelta(hours=1)
VACUUMED_TABLES = ("inbox_event", "inbox_quarantine", "outbox_message", "sealed_dialog")

_last_run: dict[str, datetime] = {}
_lock = threading.Lock()


def vacuum_if_due(engine: Engine, now: datetime, every: timedelta = VACUUM_EVERY) -> list[str]:
    """VACUUM (ANALYZE) the tables above at most once per `every` in this process (PostgreSQL only;
    SQLite overwrites freed pages with `secure_delete` instead, see bot/db.py). Returns what ran."""
    if engine.dialect.name != "postgresql":
        return []
    key = engine.url.render_as_string(hide_password=True)
    with _lock:
        last = _last_run.get(key)
        if last is not None and now - last < every and now >= last:
            return []
        _last_run[key] = now
    return vacuum(engine)


def vacuum(engine: Engine) -> list[str]:
    # VACUUM cannot run inside a transaction block, and must not be cut short by a statement timeout.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SET statement_timeout = 0"))
        for table in VACUUMED_TABLES:
            connection.execute(text(f'VACUUM (ANALYZE) "{table}"'))
    return list(VACUUMED_TABLES)

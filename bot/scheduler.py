"""Running the work the clock makes due (`bot.main.JOBS`: the 15-day rule, unhandled tips, scheduled
notices and forum reminders), every `SCHEDULER_INTERVAL_SECONDS`, in the worker.

Each job is idempotent and runs in its own transaction; on PostgreSQL an advisory lock keeps two
workers from running the same job at the same moment (on SQLite the write lock does it).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import text
from sqlmodel import Session

from bot.db import claiming
from bot.runtime import Runtime

log = structlog.get_logger(__name__)

Job = Callable[[Session, datetime, Runtime], Any]


def run_jobs(runtime: Runtime, now: datetime, jobs: Sequence[tuple[str, Job]]) -> dict[str, Any]:
    """Run every job once (`bot.main.JOBS`); a failing job is logged and does not stop the others."""
    results: dict[str, Any] = {}
    for name, job in jobs:
        with Session(claiming(runtime.engine)) as session:
            if not _lock(session, name):
                continue
            try:
                results[name] = job(session, now, runtime)
                session.commit()
            except Exception:
                session.rollback()
                log.exception("scheduler.job_failed", job=name)
    return results


def _lock(session: Session, name: str) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"tambon.job.{name}".encode())
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}).scalar())

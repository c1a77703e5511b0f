"""Work the clock makes due (the 15-day rule, unhandled tips, scheduled notices and forum reminders),
run every `SCHEDULER_INTERVAL_SECONDS` by the worker.

Each job is idempotent and runs in its own transaction; on PostgreSQL an advisory lock keeps two
workers from running the same job at the same moment (on SQLite the write lock does it).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import text
from sqlmodel import Session

from bot.complaints import scheduler as complaints
from bot.db import claiming
from bot.notices import scheduler as notices
from bot.runtime import Runtime
from bot.surveys import reminders as survey_reminders
from bot.tips import service as tips

log = structlog.get_logger(__name__)

Job = Callable[[Session, datetime, Runtime], Any]


def _complaints(session: Session, now: datetime, runtime: Runtime) -> Any:
    return complaints.run_due(session, now, settings=runtime.settings, org=runtime.org)


def _tips(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"flagged": tips.flag_unhandled(session, now)}


def _notices(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"handled": notices.run_due(session, now, runtime.settings.notice_multicast_per_second)}


def _survey_reminders(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"reminded": survey_reminders.remind_rostered(session, now, runtime.org)}


JOBS: list[tuple[str, Job]] = [
    ("complaints", _complaints),
    ("tips", _tips),
    ("notices", _notices),  # scheduled notices and forum reminders
    ("survey_reminders", _survey_reminders),  # rostered staff who have not answered, two weeks before the end
]


def run_jobs(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """Run every job once; a failing job is logged and does not stop the others."""
    results: dict[str, Any] = {}
    for name, job in JOBS:
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

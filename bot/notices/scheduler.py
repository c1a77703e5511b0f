"""Scheduled notices (staff's "send at", forum announcements, forum reminders) sent when they fall due.

The worker calls `run_due(session, now)` every little while in a claiming session and commits: each
due notice is marked sent together with its outbox rows in that one transaction, and rows are taken
with `FOR UPDATE SKIP LOCKED` (SQLite: the claiming session's write lock), so running it twice, or in
two workers at once, sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.notices import audience, delivery, service
from bot.notices.audience import Forums
from bot.notices.models import Notice, NoticePurpose, NoticeStatus

# Notices about a forum that mean nothing once it has begun (or was cancelled).
_FORUM_TIMED = (NoticePurpose.FORUM_ANNOUNCEMENT, NoticePurpose.FORUM_REMINDER)


def run_due(
    session: Session, now: datetime, forums: Forums, per_second: float = delivery.DEFAULT_MULTICAST_PER_SECOND
) -> int:
    """Send every scheduled notice due at `now`; returns how many were handled. The caller commits."""
    due = session.exec(
        select(Notice)
        .where(Notice.status == NoticeStatus.SCHEDULED, col(Notice.scheduled_at) <= now)
        .order_by(col(Notice.scheduled_at), col(Notice.id))
        .with_for_update(skip_locked=True)
    ).all()
    for notice in due:
        if _too_late(session, forums, notice, now):
            service.cancel(notice, now)
            continue
        recipients = audience.resolve(session, notice, forums)
        if recipients.count == 0:
            notice.status = NoticeStatus.NO_RECIPIENTS
            notice.recipient_count = 0
            notice.sent_at = now
            continue
        service.dispatch(session, notice, recipients, now, per_second)
    return len(due)


def _too_late(session: Session, forums: Forums, notice: Notice, now: datetime) -> bool:
    if notice.forum_id is None or notice.purpose not in _FORUM_TIMED:
        return False
    return not forums.still_ahead(session, notice.forum_id, now)

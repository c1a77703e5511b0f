"""Complaint statistics for a fiscal year, computed by the database (a few aggregate queries).

Definitions (also in the README):
- completed: resolved, closed, forwarded, rejected, duplicate or withdrawn; in_progress: the rest.
- overdue: unfinished and past the 15-day mark now.
- resolved_within_15_days: of the cases whose 15-day window has ended or that were finished, the share
  finished (resolved_at) by their first due date.
- late_told_why: of the late cases (finished after, or still open past, the 15-day mark), the share whose
  complainant was told why by that mark (a delay reason, or the automatic notice, within a day of it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from bot import thai
from bot.complaints.models import FINISHED, Complaint

TOLD_GRACE_DAYS = 1.0  # the scheduler runs every minute; a day of grace covers a short outage


def _local_month(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("month", func.timezone("Asia/Bangkok", column))
    return cast(func.strftime("%m", column, "+7 hours"), Float)


def _days_between(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def complaint_stats(session: Session, fiscal_year: int, now: datetime) -> dict[str, Any]:
    """Everything `GET /api/v1/complaints/stats` and the public page show, for one B.E. fiscal year."""
    c = Complaint
    in_year = col(c.fiscal_year) == fiscal_year
    finished = col(c.status).in_([s.value for s in FINISHED])
    late = or_(col(c.resolved_at) > col(c.first_due_at), and_(~finished, col(c.first_due_at) <= now))
    told = and_(
        col(c.told_why_at).is_not(None),
        _days_between(session, col(c.first_due_at), col(c.told_why_at)) <= TOLD_GRACE_DAYS,
    )
    window_ended = or_(col(c.resolved_at).is_not(None), col(c.first_due_at) <= now)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    totals = session.execute(
        select(
            func.count(),
            count(finished),
            count(and_(~finished, col(c.first_due_at) <= now)),
            count(window_ended),
            count(col(c.resolved_at) <= col(c.first_due_at)),
            count(late),
            count(and_(late, told)),
            func.count(c.rating),
            func.avg(c.rating),
            count(col(c.rating) >= 4),
        ).where(in_year)
    ).one()
    received, completed, overdue, window, on_time, late_n, told_n, rated, rating_mean, top2 = (v or 0 for v in totals)

    def grouped(column: Any) -> dict[str, int]:
        rows = session.execute(select(column, func.count()).where(in_year).group_by(column)).all()
        return {str(key): int(n) for key, n in rows if key is not None}

    ratings = {str(k): v for k, v in grouped(c.rating).items()}
    month = _local_month(session, c.created_at)
    months = session.execute(select(month, func.count(), count(finished)).where(in_year).group_by(month)).all()
    by_month = {int(m): {"received": int(n), "completed": int(done or 0)} for m, n, done in months}
    return {
        "fiscal_year": fiscal_year,
        "received": int(received),
        "completed": int(completed),
        "in_progress": int(received) - int(completed),
        "overdue": int(overdue),
        "by_category": grouped(c.category),
        "by_village": grouped(c.village_no),
        "by_source_channel": grouped(c.source_channel),
        "by_status": grouped(c.status),
        "days_to_resolve": _percentiles(session, in_year),
        "resolved_within_15_days": _share(on_time, window),
        "late_cases": int(late_n),
        "late_told_why": _share(told_n, late_n),
        "satisfaction": {
            "n": int(rated),
            "mean": round(float(rating_mean), 2) if rated else None,
            "top2_share": _share(top2, rated),
            "mean_percent": round(float(rating_mean) / 5 * 100, 1) if rated else None,
            "levels": ratings,
        },
        "by_month": _months(fiscal_year, by_month),
        "by_quarter": _quarters(fiscal_year, by_month),
    }


def _share(part: int, whole: int) -> float | None:
    return round(int(part) / int(whole), 4) if whole else None


def _percentiles(session: Session, in_year: Any) -> dict[str, int | float | None]:
    """Median and 90th percentile of days from filing to resolution (nearest rank, in SQL)."""
    days = _days_between(session, col(Complaint.created_at), col(Complaint.resolved_at)).label("days")
    resolved = and_(in_year, col(Complaint.resolved_at).is_not(None))
    n = int(session.execute(select(func.count()).where(resolved).select_from(Complaint)).scalar_one())
    out: dict[str, int | float | None] = {"n": n, "median": None, "p90": None}  # n counts cases: an integer
    for name, q in (("median", 0.5), ("p90", 0.9)):
        if n:
            rank = max(0, -(-int(q * n * 1000) // 1000) - 1)  # ceil(q·n) − 1, free of float surprises
            value = session.execute(
                select(days).where(resolved).order_by(literal_column("days")).offset(rank).limit(1)
            ).scalar_one()
            out[name] = round(float(value), 1)
    return out


def _months(fiscal_year: int, by_month: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
    first, _ = thai.fiscal_year_bounds(fiscal_year)
    order = [(first.month + i - 1) % 12 + 1 for i in range(12)]
    return [{"month": m, "name": thai.MONTHS[m - 1], **by_month.get(m, {"received": 0, "completed": 0})} for m in order]


def _quarters(fiscal_year: int, by_month: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
    quarters = []
    for q in range(1, 5):
        months = [((q - 1) * 3 + 9 + i) % 12 + 1 for i in range(3)]
        quarters.append(
            {
                "quarter": q,
                "received": sum(by_month.get(m, {}).get("received", 0) for m in months),
                "completed": sum(by_month.get(m, {}).get("completed", 0) for m in months),
            }
        )
    return quarters

"""The annual (or six-monthly) complaint report the plan asks for (measure 16): the statistics page's
figures plus the 15-day record with the reasons given, and repeat problems (same category and village).

Six-monthly: half 1 is October–March, half 2 April–September, by filing date (Thai time).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot import thai
from bot.complaints import texts
from bot.complaints.models import FINISHED, Complaint, ComplaintUpdate
from bot.complaints.stats import complaint_stats
from bot.organisation import Organisation

REPEAT_AT_LEAST = 3  # the same category in the same village this many times is a repeat problem


half_bounds = thai.half_year_bounds  # Oct–Mar and Apr–Sep, shared with the information centre's report


def complaint_report(session: Session, org: Organisation, fiscal_year: int, now: datetime,
                     half: int | None = None) -> dict[str, Any]:
    stats = complaint_stats(session, fiscal_year, now)
    query = select(Complaint).where(Complaint.fiscal_year == fiscal_year).order_by(col(Complaint.id))
    if half in (1, 2):
        begin, end = half_bounds(fiscal_year, half)
        query = query.where(col(Complaint.created_at) >= begin, col(Complaint.created_at) < end)
    cases = list(session.exec(query).all())
    names = {c.key: c.name for c in org.categories}
    late = [c for c in cases if (c.resolved_at is not None and c.resolved_at > c.first_due_at)
            or (c.status not in FINISHED and c.first_due_at <= now)]
    reasons = _reasons(session, [c.id or 0 for c in late])
    repeats = Counter((c.category, c.village_no) for c in cases if c.village_no is not None)
    finished = [c for c in cases if c.status in FINISHED]
    return {
        "fiscal_year": fiscal_year,
        "half": half,
        "stats": stats,
        "received": len(cases),
        "completed": len(finished),
        "in_progress": len(cases) - len(finished),
        "by_category": [[names.get(k, k), n] for k, n in Counter(c.category for c in cases).most_common()],
        "by_village": [[org.village(v).label if v and org.village(v) else "ไม่ระบุหมู่บ้าน", n]  # type: ignore[union-attr]
                       for v, n in Counter(c.village_no for c in cases).most_common()],
        "by_channel": [[texts.SOURCE_NAMES.get(k, k), n]
                       for k, n in Counter(c.source_channel for c in cases).most_common()],
        "late": [[c.code, names.get(c.category, c.category), thai.format_date(c.first_due_at, short=True),
                  thai.format_date(c.resolved_at, short=True) if c.resolved_at else "ยังไม่แล้วเสร็จ",
                  reasons.get(c.id or 0, "ไม่ได้แจ้งเหตุผล")] for c in late],
        "repeats": [[names.get(cat, cat), org.village(v).label if org.village(v) else str(v), n]  # type: ignore[union-attr]
                    for (cat, v), n in repeats.most_common() if n >= REPEAT_AT_LEAST],
    }


def _reasons(session: Session, ids: list[int]) -> dict[int, str]:
    """The latest delay reason told to each late case's complainant."""
    if not ids:
        return {}
    updates = session.exec(select(ComplaintUpdate).where(col(ComplaintUpdate.complaint_id).in_(ids),
                                                         ComplaintUpdate.kind == "delay_reason")
                           .order_by(col(ComplaintUpdate.id))).all()
    return {u.complaint_id: u.public_note or "" for u in updates}

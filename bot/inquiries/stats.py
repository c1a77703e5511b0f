"""The information centre's service statistics for a fiscal year, or half of one (the plan's measure 8, item 9:
a service statistics report every half fiscal year, Oct–Mar and Apr–Sep, by the date the inquiry came in).

Definitions:
- answered_on_time: of the inquiries answered, or unanswered past their promised date, the share
  answered by the promised date (an unanswered overdue one counts as late).
- median_days: median of (answered_at − created_at) in days, over answered inquiries.
- satisfaction: mean of the askers' 1–5 ratings, and as a percentage of 5 (the survey's mean_percent).
An information centre answers hundreds of inquiries a year, not millions: one query, summed here.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot import thai
from bot.inquiries.models import Inquiry, InquiryChannel, InquiryKind, InquiryStatus
from bot.inquiries.service import is_overdue


def inquiry_stats(session: Session, fiscal_year: int, now: datetime, half: int | None = None) -> dict[str, Any]:
    query = select(Inquiry).where(Inquiry.fiscal_year == fiscal_year)
    period_start, period_end = thai.half_year_bounds(fiscal_year, half) if half in (1, 2) else (None, None)
    if period_start is not None and period_end is not None:
        query = query.where(col(Inquiry.created_at) >= period_start, col(Inquiry.created_at) < period_end)
    rows = list(session.exec(query.order_by(col(Inquiry.id))).all())
    answered = [i for i in rows if i.answered_at is not None]
    judged = [i for i in rows if i.answered_at is not None or is_overdue(i, now)]
    on_time = [i for i in answered if i.answered_at is not None and i.answered_at <= i.due_at]
    days = [(i.answered_at - i.created_at).total_seconds() / 86400 for i in answered if i.answered_at]
    ratings = [i.rating for i in rows if i.rating is not None]
    mean = statistics.fmean(ratings) if ratings else None
    return {
        "fiscal_year": fiscal_year,
        "half": half,
        "period": thai.half_year_period(fiscal_year, half),
        "received": len(rows),
        "answered": len(answered),
        "unanswered": len(rows) - len(answered),
        "overdue": sum(1 for i in rows if is_overdue(i, now)),
        "by_kind": {k.value: sum(1 for i in rows if i.kind == k) for k in InquiryKind},
        "by_channel": {c.value: sum(1 for i in rows if i.channel == c) for c in InquiryChannel},
        "answered_on_time": {
            "count": len(on_time),
            "of": len(judged),
            "share": round(len(on_time) / len(judged), 4) if judged else None,
        },
        "median_days": round(statistics.median(days), 2) if days else None,
        "satisfaction": {
            "ratings": len(ratings),
            "mean": round(mean, 2) if mean is not None else None,
            "percent": round(mean / 5 * 100, 1) if mean is not None else None,
        },
        "suggestions": [
            {
                "code": i.code,
                "kind": i.kind,
                "received_at": i.created_at,
                "text": i.text,
                "answered": i.status == InquiryStatus.ANSWERED,
                "answer": i.answer_text,
            }
            for i in rows
            if i.kind in (InquiryKind.SUGGESTION, InquiryKind.FEEDBACK)
        ],
    }

"""The periods answers are filed under: Thai fiscal year (B.E., 1 Oct – 30 Sep), its quarter, the month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")


@dataclass(frozen=True)
class Period:
    fiscal_year: int  # B.E.: FY 2570 = 1 Oct 2026 – 30 Sep 2027
    quarter: int  # 1–4 within the fiscal year (Q1 = Oct–Dec)
    month: int  # yyyymm of the Thai local date, Christian era (labels are made where dates are shown)


def period_of(moment: datetime) -> Period:
    """The fiscal year, quarter and month a UTC moment falls in, by Thai local date."""
    day = moment.astimezone(BANGKOK).date()
    return Period(fiscal_year_of(day), ((day.month - 10) % 12) // 3 + 1, day.year * 100 + day.month)


def fiscal_year_of(day: date) -> int:
    return day.year + 543 + (1 if day.month >= 10 else 0)


def fiscal_year_end(fiscal_year: int) -> datetime:
    """The first moment after the fiscal year (1 October, Thai time), as an aware datetime."""
    return datetime(fiscal_year - 543, 10, 1, tzinfo=BANGKOK)

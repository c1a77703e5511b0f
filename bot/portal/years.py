"""The fiscal-year picker every public statistics page shares: which year is shown, and which years are offered."""

from __future__ import annotations

from datetime import datetime

from fastapi import Query

from bot import thai

FiscalYear = Query(None, ge=2500, le=2700, description="B.E. fiscal year, e.g. 2570")


def current_fiscal_year(fiscal_year: int | None, now: datetime) -> int:
    return fiscal_year or thai.fiscal_year(now)


def recent_fiscal_years(selected: int, now: datetime) -> list[int]:
    """The picker's years: the current one back five years, and the selected one if older."""
    current = thai.fiscal_year(now)
    years = list(range(current, current - 6, -1))
    return years if selected in years else [*years, selected]

"""B.E. dates and fiscal years (1 Oct – 30 Sep, named by the B.E. year they end in)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot import thai


def test_fiscal_year_boundaries() -> None:
    assert thai.fiscal_year(date(2026, 9, 30)) == 2569
    assert thai.fiscal_year(date(2026, 10, 1)) == 2570
    assert thai.fiscal_year_bounds(2570) == (date(2026, 10, 1), date(2027, 9, 30))
    assert [thai.fiscal_quarter(date(2026, m, 1)) for m in (10, 12, 1, 3, 4, 7, 9)] == [1, 1, 2, 2, 3, 4, 4]


def test_utc_moments_are_shown_in_thai_time_and_buddhist_era() -> None:
    late_evening_utc = datetime(2026, 9, 30, 18, 30, tzinfo=UTC)  # 01:30 on 1 Oct in Bangkok
    assert thai.fiscal_year(late_evening_utc) == 2570
    assert thai.format_date(late_evening_utc) == "1 ตุลาคม 2569"
    assert thai.format_date(date(2027, 1, 5), short=True) == "5 ม.ค. 70"
    assert thai.format_datetime(late_evening_utc) == "1 ตุลาคม 2569 เวลา 01.30 น."


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_falls_inside_its_fiscal_year(day: date) -> None:
    first, last = thai.fiscal_year_bounds(thai.fiscal_year(day))
    assert first <= day <= last
    assert 1 <= thai.fiscal_quarter(day) <= 4

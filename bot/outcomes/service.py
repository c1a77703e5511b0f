"""The plan's outcome indicators from live data, per fiscal year (B.E., Oct–Sep).

What each counts (complaints marked duplicate are not counted; a year's count is the figure staff
entered for it when there is one — years before the system — else the live count):
- bribery (measure 1, target 0): complaints in a category tagged `bribery` + tips typed `bribery`.
- procurement (measure 3, falling): complaints in categories tagged `procurement` + tips so typed.
- staff_conduct (measure 11, falling): complaints tagged `staff_conduct` + tips so typed.
- corruption_cases (measures 9–10, 10–50 % fewer than FY 2565): every corruption tip + complaints
  tagged `corruption` or `bribery`.
Status: not_met as soon as the count can no longer meet the target (counts only grow within a year);
met once the year is over (or its count was entered by staff, a final figure) and the target holds;
not_yet_provable otherwise, and whenever the comparison year's figure is missing.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot import thai
from bot.complaints.models import Complaint, Status
from bot.organisation import Organisation
from bot.outcomes.models import OutcomeCount, OutcomeRow
from bot.tips.models import Tip
from surveys.indicators import BASELINE_YEAR, CASE_REDUCTION_TARGETS
from surveys.models import PlanIndicator

INDICATORS = ("bribery", "procurement", "staff_conduct", "corruption_cases")
TITLES = {
    "bribery": "เรื่องร้องเรียนการเรียกรับสินบนในการให้บริการ (เป้าหมาย 0)",
    "procurement": "เรื่องร้องเรียนเกี่ยวกับการจัดซื้อจัดจ้าง (ลดลง)",
    "staff_conduct": "เรื่องร้องเรียนพฤติกรรมเจ้าหน้าที่ (ลดลง)",
    "corruption_cases": "เรื่องร้องเรียน/คดีทุจริต (ลดลงจากปี 2565)",
}
PLAN_MEASURES = {"bribery": 1, "procurement": 3, "staff_conduct": 11, "corruption_cases": 9}
# Which org-file tags each indicator counts; corruption_cases also counts every tip.
TAGS = {
    "bribery": {"bribery"},
    "procurement": {"procurement"},
    "staff_conduct": {"staff_conduct"},
    "corruption_cases": {"corruption", "bribery"},
}


def live_count(session: Session, org: Organisation, indicator: str, fiscal_year: int) -> int:
    tags = TAGS[indicator]
    categories = [c.key for c in org.categories if c.indicator in tags]
    complaints = 0
    if categories:
        complaints = int(
            session.exec(
                select(func.count())
                .select_from(Complaint)
                .where(
                    col(Complaint.fiscal_year) == fiscal_year,
                    col(Complaint.category).in_(categories),
                    col(Complaint.status) != Status.DUPLICATE,
                )
            ).one()
        )
    tip_query = select(func.count()).select_from(Tip).where(col(Tip.fiscal_year) == fiscal_year)
    if indicator != "corruption_cases":
        types = [t.key for t in org.tip_types if t.indicator in tags]
        if not types:
            return complaints
        tip_query = tip_query.where(col(Tip.type).in_(types))
    return complaints + int(session.exec(tip_query).one())


def recorded_count(session: Session, indicator: str, fiscal_year: int) -> int | None:
    row = session.get(OutcomeCount, (fiscal_year, indicator))
    if row is not None:
        return row.count
    if indicator == "corruption_cases":  # the figure managers record with the ITA score
        plan = session.get(PlanIndicator, fiscal_year)
        return plan.corruption_cases if plan else None
    return None


def count_of(session: Session, org: Organisation, indicator: str, fiscal_year: int) -> tuple[int, bool]:
    """The year's count and whether it is a staff-entered (final) figure."""
    recorded = recorded_count(session, indicator, fiscal_year)
    if recorded is not None:
        return recorded, True
    return live_count(session, org, indicator, fiscal_year), False


def record(
    session: Session, fiscal_year: int, counts: dict[str, int | None], *, now: datetime, staff_id: int | None
) -> None:
    """Enter a past year's counts (None leaves one as it was). Never commits."""
    for indicator, value in counts.items():
        if value is None:
            continue
        row = session.get(OutcomeCount, (fiscal_year, indicator))
        if row is None:
            row = OutcomeCount(fiscal_year=fiscal_year, indicator=indicator, count=value, recorded_at=now)
            session.add(row)
        row.count, row.recorded_at, row.recorded_by_staff_id = value, now, staff_id


def _change(count: int, before: int | None) -> float | None:
    if before is None or before == 0:
        return None
    return round((count - before) / before * 100, 2)


def rows(session: Session, org: Organisation, fiscal_year: int, now: datetime) -> list[OutcomeRow]:
    """One row per outcome indicator for `fiscal_year`, judged at `now`."""
    year_over = thai.local_date(now) > thai.fiscal_year_bounds(fiscal_year)[1]
    result = []
    for indicator in INDICATORS:
        count, recorded = count_of(session, org, indicator, fiscal_year)
        final = year_over or recorded
        previous, _ = count_of(session, org, indicator, fiscal_year - 1)
        baseline = recorded_count(session, indicator, BASELINE_YEAR)
        reduction = None
        if indicator == "bribery":
            target: float | str | None = 0
            status = "not_met" if count > 0 else "met" if final else "not_yet_provable"
            change = _change(count, previous)
        elif indicator == "corruption_cases":
            reduction = CASE_REDUCTION_TARGETS.get(fiscal_year)
            target = (
                None if baseline is None or reduction is None else math.floor(baseline * (100 - reduction) / 100 + 1e-9)
            )
            status = (
                "not_yet_provable"
                if target is None
                else "not_met"
                if count > target
                else "met"
                if final
                else "not_yet_provable"
            )
            change = _change(count, baseline)
        else:
            target = "falling"
            status = "not_met" if count >= previous and count > 0 else "met" if final else "not_yet_provable"
            change = _change(count, previous)
        result.append(
            OutcomeRow(
                indicator=indicator,
                title=TITLES[indicator],
                plan_measure=PLAN_MEASURES[indicator],
                fiscal_year=fiscal_year,
                count=count,
                previous_count=previous,
                baseline_count=baseline,
                change_percent=change,
                target=target,
                target_reduction_percent=reduction,
                status=status,
                recorded=recorded,
            )
        )
    return result

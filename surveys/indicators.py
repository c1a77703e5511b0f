"""The plan's indicators per fiscal year (part 1 §4): the ITA score and the number of corruption cases,
compared with the plan's targets (ITA 70/75/80/85/90 for 2566–2570; cases down 10–50 % from 2565)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from surveys.models import PlanIndicator

BASELINE_YEAR = 2565
ITA_TARGETS = {2566: 70.0, 2567: 75.0, 2568: 80.0, 2569: 85.0, 2570: 90.0}
CASE_REDUCTION_TARGETS = {2566: 10, 2567: 20, 2568: 30, 2569: 40, 2570: 50}  # percent fewer than in 2565


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: str  # "ita_score" | "corruption_cases"
    fiscal_year: int
    target: float | None  # ITA: the minimum score; cases: the maximum number of cases
    value: float | None
    status: str  # met | not_met | not_recorded | no_target
    baseline: int | None = None
    reduction_percent: float | None = None  # cases: the reduction achieved against the baseline
    target_reduction_percent: int | None = None


def record(
    session: Session,
    fiscal_year: int,
    *,
    ita_score: float | None,
    corruption_cases: int | None,
    now: datetime,
    staff_id: int | None,
) -> PlanIndicator:
    """Set one fiscal year's figures (None leaves a figure as it was)."""
    row = session.get(PlanIndicator, fiscal_year)
    if row is None:
        row = PlanIndicator(fiscal_year=fiscal_year, recorded_at=now)
        session.add(row)
    if ita_score is not None:
        row.ita_score = ita_score
    if corruption_cases is not None:
        row.corruption_cases = corruption_cases
    row.recorded_at = now
    row.recorded_by_staff_id = staff_id
    return row


def statuses(session: Session, fiscal_year: int) -> list[IndicatorStatus]:
    """Both indicators of a fiscal year against the plan."""
    row = session.get(PlanIndicator, fiscal_year)
    baseline_row = session.get(PlanIndicator, BASELINE_YEAR)
    baseline = baseline_row.corruption_cases if baseline_row else None
    ita = row.ita_score if row else None
    ita_target = ITA_TARGETS.get(fiscal_year)
    cases = row.corruption_cases if row else None
    reduction = CASE_REDUCTION_TARGETS.get(fiscal_year)
    # "Down 30 %" from a baseline of 7 allows at most 4.9 → 4 cases.
    max_cases = None if baseline is None or reduction is None else math.floor(baseline * (100 - reduction) / 100 + 1e-9)
    achieved = None
    if cases is not None and baseline:
        achieved = (baseline - cases) / baseline * 100
    return [
        IndicatorStatus(
            "ita_score",
            fiscal_year,
            ita_target,
            ita,
            _judge(ita, ita_target, ita is not None and ita_target is not None and ita >= ita_target),
        ),
        IndicatorStatus(
            "corruption_cases",
            fiscal_year,
            max_cases,
            cases,
            "no_baseline"
            if reduction is not None and baseline is None
            else _judge(cases, max_cases, cases is not None and max_cases is not None and cases <= max_cases),
            baseline=baseline,
            reduction_percent=achieved,
            target_reduction_percent=reduction,
        ),
    ]


def _judge(value: float | None, target: float | None, met: bool) -> str:
    if target is None:
        return "no_target"
    if value is None:
        return "not_recorded"
    return "met" if met else "not_met"

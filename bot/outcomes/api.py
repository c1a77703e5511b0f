"""Managers enter the outcome counts of years before the system (FY 2565, the baseline), and read the rows;
and every target of a year in one table (`targets`), surveys' and outcomes' together."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from bot.errors import Invalid
from bot.http import RuntimeDep, SessionDep
from bot.outcomes import service
from bot.outcomes.models import OutcomeCountsIn, OutcomeRow
from bot.outcomes.targets import all_targets
from bot.staff.roles import Manager
from bot.staff.service import audit
from bot.surveys.models import TargetRow
from bot.thai import fiscal_year as fiscal_year_of

router = APIRouter(prefix="/api/v1/outcomes", tags=["survey reports"])
targets_router = APIRouter(prefix="/api/v1", tags=["survey reports"])


@router.get("", response_model=list[OutcomeRow])
def outcome_rows(
    _: Manager,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: Annotated[int | None, Query(ge=2500, le=2700)] = None,
) -> list[OutcomeRow]:
    now = runtime.clock()
    return service.rows(session, runtime.org, fiscal_year or fiscal_year_of(now), now)


@router.put("/{fiscal_year}", response_model=list[OutcomeRow])
def record_counts(
    body: OutcomeCountsIn,
    member: Manager,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: Annotated[int, Path(ge=2500, le=2700)],
) -> list[OutcomeRow]:
    """A past year's counts from the office's records; they replace the live count of that year."""
    counts = body.model_dump()
    if all(v is None for v in counts.values()):
        raise Invalid("ต้องระบุจำนวนอย่างน้อยหนึ่งตัวชี้วัด")
    now = runtime.clock()
    if fiscal_year >= fiscal_year_of(now):
        raise Invalid("บันทึกได้เฉพาะปีงบประมาณที่สิ้นสุดแล้ว ปีปัจจุบันนับจากข้อมูลจริง")
    service.record(session, fiscal_year, counts, now=now, staff_id=member.id)
    audit(
        session,
        actor=member,
        action="outcome.record",
        record_type="outcome_count",
        record_id=fiscal_year,
        now=now,
        detail={k: v for k, v in counts.items() if v is not None},
    )
    return service.rows(session, runtime.org, fiscal_year, now)


@targets_router.get("/targets", response_model=list[TargetRow])
def targets(
    _: Manager,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: Annotated[int | None, Query(ge=2500, le=2700)] = None,
) -> list[TargetRow]:
    """Every target of a fiscal year (default: the current one): each survey's (census ones judged on their
    roster), the ITA score, then the outcome indicators counted from complaints and tips."""
    now = runtime.clock()
    return all_targets(session, runtime.org, fiscal_year or fiscal_year_of(now), now)

"""Managers' reports: a survey's summary (computed in the database), exports, and the plan's indicators
(ITA score, corruption cases). Every target in one table is the outcomes' report (`bot.outcomes.api`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from bot.errors import Invalid
from bot.http import Key, Now, RuntimeDep, SessionDep
from bot.staff.roles import Manager
from bot.staff.service import audit
from bot.surveys import exports, present, service
from bot.surveys.models import IndicatorUpdate, RosterFigures, SummaryOut, TargetRow
from bot.thai import fiscal_year as current_fiscal_year
from surveys import catalogue, indicators, roster

router = APIRouter(prefix="/api/v1", tags=["survey reports"])
FiscalYear = Annotated[int | None, Query(ge=2500, le=2700, description="B.E.; all years when absent")]
By = Literal["fiscal_year", "quarter", "month", "village", "channel"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/surveys/{key}/summary", response_model=SummaryOut)
def summary(
    key: Key, _: Manager, session: SessionDep, runtime: RuntimeDep, fiscal_year: FiscalYear = None, by: By | None = None
) -> SummaryOut:
    """n, mean, SD, band, both percentages and 95 % intervals for the survey, each dimension and item;
    target status; optional breakdown (groups under 5 respondents hidden)."""
    survey, now = service.find(session, key), runtime.clock()
    report = service.report(session, survey, runtime.org, now, fiscal_year, by)
    out = present.summary_out(report, runtime.org)
    census = roster.census(
        session, survey, catalogue.definition_of(session, survey), fiscal_year or current_fiscal_year(now)
    )
    if census is not None:  # a census target is judged on its roster, not on a sample's interval
        out.status = census.status  # type: ignore[assignment]
        out.roster = RosterFigures(size=census.size, answered=census.answered, missing=census.missing)
    return out


def _filename(key: Key, fiscal_year: int | None, extension: str) -> str:
    return f"survey_{key}_{fiscal_year or 'all'}.{extension}"


@router.get(
    "/surveys/{key}/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_csv(
    key: Key, member: Manager, session: SessionDep, runtime: RuntimeDep, fiscal_year: FiscalYear = None
) -> StreamingResponse:
    survey = service.find(session, key)
    audit(
        session,
        actor=member,
        action="survey.export",
        record_type="survey",
        record_id=key,
        now=runtime.clock(),
        detail={"format": "csv", "fiscal_year": fiscal_year},
    )
    table = list(exports.rows(session, survey, catalogue.definition_of(session, survey), runtime.org, fiscal_year))
    return StreamingResponse(
        exports.to_csv(iter(table)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(key, fiscal_year, "csv")}"'},
    )


@router.get(
    "/surveys/{key}/export.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
)
def export_xlsx(
    key: Key, member: Manager, session: SessionDep, runtime: RuntimeDep, fiscal_year: FiscalYear = None
) -> Response:
    survey, now = service.find(session, key), runtime.clock()
    definition = catalogue.definition_of(session, survey)
    report = service.report(session, survey, runtime.org, now, fiscal_year)
    body = exports.to_xlsx(exports.rows(session, survey, definition, runtime.org, fiscal_year), report, runtime.org)
    audit(
        session,
        actor=member,
        action="survey.export",
        record_type="survey",
        record_id=key,
        now=now,
        detail={"format": "xlsx", "fiscal_year": fiscal_year},
    )
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_filename(key, fiscal_year, "xlsx")}"'},
    )


INDICATOR_TITLES = {"ita_score": "คะแนนการประเมิน ITA", "corruption_cases": "จำนวนคดีทุจริต (ลดลงจากปี 2565)"}


def _indicator_rows(session: Session, year: int) -> list[TargetRow]:
    return [
        TargetRow(
            indicator=item.indicator,
            title=INDICATOR_TITLES[item.indicator],
            fiscal_year=year,
            target=item.target,
            value=item.value,
            status=item.status,
            baseline=item.baseline,
            reduction_percent=None if item.reduction_percent is None else round(item.reduction_percent, 2),
            target_reduction_percent=item.target_reduction_percent,
        )
        for item in indicators.statuses(session, year)
    ]


@router.put("/indicators/{fiscal_year}", response_model=list[TargetRow])
def record_indicators(
    body: IndicatorUpdate,
    member: Manager,
    session: SessionDep,
    now: Now,
    fiscal_year: Annotated[int, Path(ge=2500, le=2700)],
) -> list[TargetRow]:
    """Record a fiscal year's ITA score and/or number of corruption cases (2565 is the cases baseline)."""
    if body.ita_score is None and body.corruption_cases is None:
        raise Invalid("ต้องระบุ ita_score หรือ corruption_cases")
    indicators.record(
        session,
        fiscal_year,
        ita_score=body.ita_score,
        corruption_cases=body.corruption_cases,
        now=now,
        staff_id=member.id,
    )
    audit(
        session,
        actor=member,
        action="indicator.record",
        record_type="plan_indicator",
        record_id=fiscal_year,
        now=now,
        detail=body.model_dump(exclude_none=True),
    )
    return _indicator_rows(session, fiscal_year)

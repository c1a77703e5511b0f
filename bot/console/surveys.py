"""Survey dashboard and the plan's targets, for managers and admins (the API's rule for reports).

Every figure comes from the survey reports' own route functions (computed by the database); charts are
server-rendered SVG, so nothing is fetched from elsewhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from bot import thai
from bot.console.web import ConsoleUser, back_to, only, posting, render
from bot.http import RuntimeDep, SessionDep
from bot.outcomes.targets import all_targets
from bot.staff.models import Role
from bot.surveys import api as surveys_api
from bot.surveys import present
from bot.surveys import reports_api as reports
from bot.surveys.models import SummaryOut

router = APIRouter(prefix="/console", include_in_schema=False)

Manager = Annotated[ConsoleUser, Depends(only(Role.MANAGER, Role.ADMIN))]
ManagerPost = Annotated[ConsoleUser, Depends(posting(Role.MANAGER, Role.ADMIN))]
PLAN_YEARS = range(2566, 2571)  # the plan's five fiscal years


def _year(request: Request, runtime: RuntimeDep) -> int:
    value = request.query_params.get("fiscal_year", "")
    return int(value) if value.isdigit() and 2500 <= int(value) <= 2700 else thai.fiscal_year(runtime.clock())


def _bars(summary: SummaryOut, method: str) -> list[dict[str, object]]:
    """One chart row per breakdown group: the official figure and its 95 % interval."""
    rows = []
    for group in summary.breakdown.groups if summary.breakdown else []:
        value = getattr(group, method)
        low, high = group.ci95.get(method) or (None, None)
        rows.append({"label": group.label, "value": value, "low": low, "high": high, "n": group.n})
    return rows


@router.get("/surveys", response_class=HTMLResponse)
def dashboard(request: Request, user: Manager, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    year = _year(request, runtime)
    rows = [r for r in all_targets(session, runtime.org, year, runtime.clock()) if r.official_method]
    surveys = surveys_api.list_surveys(user.member, session)
    return render(request, user, "surveys/dashboard.html", rows=rows, surveys=surveys, year=year,
                  years=list(PLAN_YEARS), status_names=present.STATUS, methods=present.METHODS,
                  done=request.query_params.get("done"))


@router.get("/surveys/{key}", response_class=HTMLResponse)
def survey_page(key: str, request: Request, user: Manager, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    year = _year(request, runtime)
    overall = reports.summary(key, user.member, session, runtime, year, "village")
    months = reports.summary(key, user.member, session, runtime, year, "month")
    quarters = reports.summary(key, user.member, session, runtime, year, "quarter")
    method = overall.official_method
    return render(request, user, "surveys/survey.html", s=overall, year=year, years=list(PLAN_YEARS),
                  method=method, villages=_bars(overall, method), months=_bars(months, method),
                  quarters=_bars(quarters, method), status_names=present.STATUS, methods=present.METHODS)


@router.get("/surveys/{key}/export.{extension}")
def export(key: str, extension: str, request: Request, user: Manager, session: SessionDep,
           runtime: RuntimeDep) -> Response:
    year = _year(request, runtime)
    if extension == "csv":
        return reports.export_csv(key, user.member, session, runtime, year)
    if extension == "xlsx":
        return reports.export_xlsx(key, user.member, session, runtime, year)
    raise HTTPException(404, "Not Found")


@router.post("/surveys/{key}/{action}")
def open_or_close(key: str, action: str, user: ManagerPost, session: SessionDep) -> Response:
    if action == "open":
        surveys_api.open_survey(key, user.member, session)
    elif action == "close":
        surveys_api.close_survey(key, user.member, session)
    else:
        raise HTTPException(404, "Not Found")
    return back_to(f"/console/surveys?done={action}")


@router.get("/targets", response_class=HTMLResponse)
def targets(request: Request, user: Manager, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    """The plan's table for one fiscal year, and the five-year view of every indicator."""
    year, now = _year(request, runtime), runtime.clock()
    plan = {fy: all_targets(session, runtime.org, fy, now) for fy in PLAN_YEARS}
    this_year = plan[year] if year in plan else all_targets(session, runtime.org, year, now)
    indicators = list(dict.fromkeys(row.indicator for rows in plan.values() for row in rows))
    grid = {(row.indicator, fy): row for fy, rows in plan.items() for row in rows}
    titles = {row.indicator: row.title for rows in plan.values() for row in rows}
    return render(request, user, "surveys/targets.html", rows=this_year, year=year, years=list(PLAN_YEARS),
                  indicators=indicators, grid=grid, titles=titles, status_names=TARGET_STATUS)


TARGET_STATUS = {**present.STATUS, "not_recorded": "ยังไม่ได้บันทึก", "no_baseline": "ไม่มีค่าฐาน",
                 "no_target": "ไม่มีค่าเป้าหมาย"}

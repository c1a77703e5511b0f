"""The public satisfaction reports: an index per fiscal year and each survey's report, stable Thai pages,
no login, usable as ITA evidence. Only residents' surveys are published; groups under 5 respondents stay hidden."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from bot import thai
from bot.errors import NotFound
from bot.http import Key, Now, RuntimeDep, SessionDep
from bot.portal import charts
from bot.portal.render import render
from bot.portal.years import current_fiscal_year, recent_fiscal_years
from bot.surveys import present, service, staff_tests
from surveys import catalogue
from surveys.summary import MIN_GROUP, WHOLE, Figures

router = APIRouter(prefix="/public/surveys", tags=["public"])
staff_test_router = APIRouter(prefix="/public/staff-tests", tags=["public"])
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _row(name: str, f: Figures) -> list[object]:
    return [name, f.n, f.mean, f.sd, f.band or "–", f.mean_percent, f.top2_share]


@router.get("", response_class=HTMLResponse)
def reports_index(
    request: Request, session: SessionDep, now: Now, fiscal_year: int | None = Query(None, ge=2500, le=2700)
) -> HTMLResponse:
    """Every residents' survey, each linking its report for the chosen fiscal year."""
    year = current_fiscal_year(fiscal_year, now)
    surveys = [s for s in catalogue.all_surveys(session) if s.audience == "residents"]
    return render(
        request,
        "surveys.html",
        title=f"รายงานผลการสำรวจความพึงพอใจ ปีงบประมาณ {year}",
        year=year,
        years=recent_fiscal_years(year, now),
        surveys=surveys,
    )


@router.get("/{key}/{fiscal_year}", response_class=HTMLResponse)
def report_page(
    request: Request,
    key: Key,
    fiscal_year: Annotated[int, Path(ge=2500, le=2700)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> HTMLResponse:
    survey = catalogue.get(session, key)
    if survey is None or survey.audience != "residents":
        raise NotFound("ไม่พบรายงานนี้")
    org = runtime.org
    summary = service.report(session, survey, org, runtime.clock(), fiscal_year, by="village")
    status_text = present.STATUS[summary.status]
    if summary.status == "not_yet_provable" and summary.more_responses_needed:
        status_text += f" (ต้องการผู้ตอบเพิ่มอีกประมาณ {summary.more_responses_needed:,} คน)"
    first, last = thai.fiscal_year_bounds(fiscal_year)
    # Like the breakdowns, no figure of fewer than 5 respondents is published: one person's answers would show.
    shown = summary.overall.n >= MIN_GROUP
    dimensions = [_row(WHOLE, summary.overall)] + [
        _row(d.title, d.figures) for d in summary.dimensions if d.figures.n >= MIN_GROUP
    ]
    items = [_row(i.text, i.figures) for i in summary.items if i.figures.n >= MIN_GROUP]
    hidden_rows = len(summary.dimensions) + len(summary.items) + 1 - len(dimensions) - len(items)
    if not shown:
        dimensions, items, hidden_rows = [], [], hidden_rows + 1
    chart = (
        charts.bars(
            [(d.title, d.figures.mean_percent or 0) for d in summary.dimensions if d.figures.n >= MIN_GROUP],
            title=f"{summary.title}: ร้อยละความพึงพอใจรายด้าน",
            unit=" %",
        )
        if shown
        else ""
    )
    return render(
        request,
        "survey_report.html",
        title=f"{summary.title} ปีงบประมาณ {fiscal_year}",
        summary=summary,
        year=fiscal_year,
        first=first,
        last=last,
        status_text=status_text,
        method=present.METHODS[summary.official_method],
        dimensions=dimensions,
        items=items,
        shown=shown,
        hidden_rows=hidden_rows,
        min_group=MIN_GROUP,
        groups=[_row(present.group_label("village", g.key, org), g.figures) for g in summary.groups],
        chart=chart,
        headers={"Cache-Control": "public, max-age=300"},
    )


# --- a rostered person's personal one-time page (people without LINE or a console account) ---------------

Code = Annotated[str, Path(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9-]+$")]


def _invited(session: SessionDep, runtime: RuntimeDep, code: str) -> staff_tests.Taker:
    taker = staff_tests.redeem(session, code, runtime.clock())
    if taker is None:
        raise NotFound("ลิงก์แบบทดสอบนี้ใช้ไม่ได้ อาจใช้ไปแล้วหรือหมดอายุ กรุณาขอลิงก์ใหม่จากงานการเจ้าหน้าที่")
    return taker


def _test_page(
    request: Request,
    taker: staff_tests.Taker,
    code: str,
    *,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    result: object = None,
    status_code: int = 200,
) -> HTMLResponse:
    # Only the question texts and choices reach the page: the answer key stays on the server.
    return render(
        request,
        "staff_test.html",
        title=taker.definition.title,
        name=taker.name,
        code=code,
        definition=taker.definition,
        errors=errors or [],
        values=values or {},
        result=result,
        status_code=status_code,
        headers=NO_STORE,
    )


@staff_test_router.get("/{code}", response_class=HTMLResponse, summary="a rostered person's personal test page")
def staff_test_form(request: Request, code: Code, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    return _test_page(request, _invited(session, runtime, code), code)


@staff_test_router.post("/{code}", response_class=HTMLResponse, summary="answer a staff test once, by personal link")
async def staff_test_submit(request: Request, code: Code, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    form = await request.form()
    taker = _invited(session, runtime, code)
    values = {q.key: str(form.get(q.key, "")) for q in taker.definition.questions if form.get(q.key)}
    outcome = staff_tests.answer_by_code(session, taker, code, values, runtime.clock())
    if outcome.error is not None:
        return _test_page(request, taker, code, errors=[outcome.error], values=values, status_code=outcome.status)
    return _test_page(request, taker, code, result=outcome.filed)

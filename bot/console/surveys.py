"""Survey dashboard and the plan's targets, for managers and admins (the API's rule for reports).

Every figure comes from the survey reports' own route functions (computed by the database); charts are
server-rendered SVG, so nothing is fetched from elsewhere."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, Response

from bot import thai
from bot.console.web import HANDLERS, ConsoleUser, FormFields, back_to, only, posting, render, whole
from bot.errors import Conflict, DomainError
from bot.http import UNPROCESSABLE, Now, RuntimeDep, SessionDep
from bot.outcomes.targets import all_targets
from bot.staff.models import Role
from bot.surveys import api as surveys_api
from bot.surveys import present, roster_api, staff_tests
from bot.surveys import reports_api as reports
from bot.surveys import service as surveys
from bot.surveys.models import PaperResponse, StaffAnswers, SummaryOut
from surveys import catalogue
from surveys.catalogue import SurveyConflict
from surveys.definition import Definition
from surveys.flow import AnswerError

router = APIRouter(prefix="/console", include_in_schema=False)

Manager = Annotated[ConsoleUser, Depends(only(Role.MANAGER, Role.ADMIN))]
ManagerPost = Annotated[ConsoleUser, Depends(posting(Role.MANAGER, Role.ADMIN))]
Clerk = Annotated[ConsoleUser, Depends(only(*HANDLERS))]
ClerkPost = Annotated[ConsoleUser, Depends(posting(*HANDLERS))]
PLAN_YEARS = range(2566, 2571)  # the plan's five fiscal years


def _year(request: Request, runtime: RuntimeDep) -> int:
    value = request.query_params.get("fiscal_year", "")
    return year if (year := whole(value)) and 2500 <= year <= 2700 else thai.fiscal_year(runtime.clock())


def _bars(summary: SummaryOut, method: str) -> list[dict[str, object]]:
    """One chart row per breakdown group: the official figure and its 95 % interval."""
    rows = []
    for group in summary.breakdown.groups if summary.breakdown else []:
        value = getattr(group, method)
        low, high = group.ci95.get(method) or (None, None)
        rows.append({"label": group.label, "value": value, "low": low, "high": high, "n": group.n})
    return rows


def _dashboard(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    year = _year(request, runtime)
    rows = [r for r in all_targets(session, runtime.org, year, runtime.clock()) if r.official_method]
    surveys = surveys_api.list_surveys(user.member, session, runtime.clock())
    return render(
        request,
        user,
        "surveys/dashboard.html",
        status_code=status_code,
        rows=rows,
        surveys=surveys,
        year=year,
        years=list(PLAN_YEARS),
        status_names=present.STATUS,
        methods=present.METHODS,
        survey_states=SURVEY_STATES,
        done=request.query_params.get("done"),
        error=error,
    )


@router.get("/surveys", response_class=HTMLResponse)
def dashboard(request: Request, user: Manager, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    return _dashboard(request, user, session, runtime)


# --- paper questionnaires typed in by staff (they count in the figures, channel "paper") ---------------------


@router.get("/surveys/paper", response_class=HTMLResponse)
def paper_list(request: Request, user: Clerk, session: SessionDep, now: Now) -> HTMLResponse:
    """Residents' surveys that take answers now: the ones a paper form can be typed in for."""
    open_ = [
        s
        for s in surveys_api.list_surveys(user.member, session, now)
        if s.audience == "residents" and s.accepting_answers
    ]
    return render(request, user, "surveys/paper_list.html", surveys=open_)


def _answers(definition: Definition, form: FormData) -> dict[str, Any]:
    """The form's fields as answer values (levels and numbers as numbers; blanks left out). The survey
    domain checks them all (`surveys.flow.check_answers`); this only decodes HTML form strings."""
    answers: dict[str, Any] = {}
    for question in definition.questions:
        name = f"q_{question.key}"
        if question.type == "multiple":
            picked = [str(v) for v in form.getlist(name) if str(v)]
            if picked:
                answers[question.key] = picked
            continue
        raw = str(form.get(name) or "").strip().translate(THAI_DIGITS)
        if not raw:
            continue
        if question.type in ("satisfaction", "number"):
            try:
                number = float(raw)
            except ValueError:
                answers[question.key] = raw  # refused by the domain with its own message
                continue
            answers[question.key] = int(number) if number.is_integer() else number
        else:
            answers[question.key] = raw
    return answers


def _numbered(message: str, definition: Definition) -> str:
    """The domain names questions by key ("ข้อ overall: ต้องตอบ"); the officer sees the number on the form."""
    for number, question in enumerate(definition.questions, 1):
        message = message.replace(f"ข้อ {question.key}:", f"ข้อ {number}:")
    return message


def _paper_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    key: str,
    form: dict[str, Any],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    survey = surveys.find(session, key)
    definition = catalogue.definition_of(session, survey)
    return render(
        request,
        user,
        "surveys/paper.html",
        status_code=status_code,
        survey=survey,
        definition=definition,
        form=form,
        error=error,
        done=request.query_params.get("done"),
        levels=LEVELS,
    )


@router.get("/surveys/{key}/paper", response_class=HTMLResponse)
def paper_form(key: str, request: Request, user: Clerk, session: SessionDep) -> HTMLResponse:
    return _paper_page(request, user, session, key, {})


@router.post("/surveys/{key}/paper", response_class=HTMLResponse)
def paper_entry(
    key: str, request: Request, user: ClerkPost, session: SessionDep, runtime: RuntimeDep, data: FormFields
) -> Response:
    """One paper form typed in, recorded by the survey API's own route function (channel "paper", the
    officer kept as the one who entered it, audited)."""
    form: dict[str, Any] = {k: data.getlist(k) if k.startswith("q_") else data.get(k) for k in data}
    definition = catalogue.definition_of(session, surveys.find(session, key))
    village, answered_on = str(data.get("village_no") or ""), str(data.get("answered_on") or "")
    try:
        answered_at = (
            datetime.combine(datetime.strptime(answered_on, "%Y-%m-%d").date(), time(12), thai.BANGKOK)
            if answered_on
            else None
        )
    except ValueError:
        return _paper_page(request, user, session, key, form, "วันที่ตอบไม่ถูกต้อง", UNPROCESSABLE)
    body = PaperResponse(
        answers=_answers(definition, data), village_no=whole(village), channel="paper", answered_at=answered_at
    )
    try:
        filed = surveys_api.enter_paper_response(key, body, user.member, session, runtime, runtime.clock())
    except (AnswerError, SurveyConflict, DomainError) as refused:
        session.rollback()
        code = 409 if isinstance(refused, Conflict | SurveyConflict) else UNPROCESSABLE
        return _paper_page(request, user, session, key, form, _numbered(str(refused), definition), code)
    return back_to(f"/console/surveys/{key}/paper?done={filed.id}")


Anyone = Annotated[ConsoleUser, Depends(only(*Role))]
AnyonePost = Annotated[ConsoleUser, Depends(posting(*Role))]


@router.get("/tests", response_class=HTMLResponse)
def my_tests(request: Request, user: Anyone, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    """The staff tests open now (law, conflict of interest, NO Gift), each with whether I took it this year."""
    rows = staff_tests.open_for_staff(session, user.member, runtime.clock())
    return render(request, user, "surveys/tests.html", rows=rows)


def _test_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    key: str,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    result: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    taker = staff_tests.for_staff(session, user.member, key, runtime.clock())
    if taker is None:
        raise HTTPException(404, "Not Found")
    taken = result is None and staff_tests.has_taken(session, taker, runtime.clock())
    # The definition goes to the template, which shows questions and choices only: never `correct`.
    return render(
        request,
        user,
        "surveys/test.html",
        status_code=status_code,
        survey=taker.survey,
        definition=taker.definition,
        form=form or {},
        error=error,
        result=result,
        taken=taken,
        levels=LEVELS,
    )


@router.get("/tests/{key}", response_class=HTMLResponse)
def test_form(key: str, request: Request, user: Anyone, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    return _test_page(request, user, session, runtime, key)


@router.post("/tests/{key}", response_class=HTMLResponse)
def take_test(
    key: str, request: Request, user: AnyonePost, session: SessionDep, runtime: RuntimeDep, data: FormFields
) -> Response:
    """My answers, filed by the survey API's own route (one scored attempt a year); the score shown at once."""
    form: dict[str, Any] = {k: data.getlist(k) for k in data if k.startswith("q_")}
    definition = catalogue.definition_of(session, surveys.find(session, key))
    try:
        filed = surveys_api.answer_as_staff(
            key, StaffAnswers(answers=_answers(definition, data)), user.member, session, runtime.clock()
        )
    except (AnswerError, SurveyConflict, DomainError) as refused:
        session.rollback()
        code = 409 if isinstance(refused, Conflict | SurveyConflict) else UNPROCESSABLE
        return _test_page(
            request, user, session, runtime, key, form, _numbered(str(refused), definition), status_code=code
        )
    return _test_page(request, user, session, runtime, key, result=filed)


LEVELS = [(5, "มากที่สุด"), (4, "มาก"), (3, "ปานกลาง"), (2, "น้อย"), (1, "น้อยที่สุด")]
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
SURVEY_STATES = {"draft": "ร่าง", "open": "เปิด", "closed": "ปิดแล้ว"}


@router.get("/surveys/{key}", response_class=HTMLResponse)
def survey_page(key: str, request: Request, user: Manager, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    year = _year(request, runtime)
    overall = reports.summary(key, user.member, session, runtime, year, "village")
    months = reports.summary(key, user.member, session, runtime, year, "month")
    quarters = reports.summary(key, user.member, session, runtime, year, "quarter")
    method = overall.official_method
    return render(
        request,
        user,
        "surveys/survey.html",
        s=overall,
        year=year,
        years=list(PLAN_YEARS),
        method=method,
        villages=_bars(overall, method),
        months=_bars(months, method),
        quarters=_bars(quarters, method),
        status_names=present.STATUS,
        methods=present.METHODS,
    )


@router.get("/surveys/{key}/export.{extension}")
def export(
    key: str, extension: str, request: Request, user: Manager, session: SessionDep, runtime: RuntimeDep
) -> Response:
    year = _year(request, runtime)
    if extension == "csv":
        return reports.export_csv(key, user.member, session, runtime, year)
    if extension == "xlsx":
        return reports.export_xlsx(key, user.member, session, runtime, year)
    raise HTTPException(404, "Not Found")


@router.post("/surveys/{key}/invitations", response_class=HTMLResponse)
def invitations(key: str, request: Request, user: ManagerPost, session: SessionDep, runtime: RuntimeDep) -> Response:
    """Personal one-time codes for rostered people without an account who have not answered, as printable
    slips (the roster API's own route: audited, earlier codes replaced)."""
    try:
        issued = roster_api.issue_invitations(key, user.member, session, runtime)
    except HTTPException as refused:
        session.rollback()
        return _dashboard(request, user, session, runtime, str(refused.detail), refused.status_code)
    base = str(request.base_url).rstrip("/")
    return render(request, user, "surveys/invitations.html", survey=surveys.find(session, key), slips=issued, base=base)


@router.post("/surveys/{key}/{action}")
def open_or_close(
    key: str, action: str, request: Request, user: ManagerPost, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """The API's own open and close; a transition the survey's state forbids (closing one that is not open,
    opening one already taking answers) is the dashboard again with the reason, status 409."""
    if action not in ("open", "close"):
        raise HTTPException(404, "Not Found")
    try:
        if action == "open":
            surveys_api.open_survey(key, user.member, session, runtime.clock())
        else:
            surveys_api.close_survey(key, user.member, session, runtime.clock())
    except SurveyConflict as refused:
        session.rollback()
        return _dashboard(request, user, session, runtime, str(refused), 409)
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
    return render(
        request,
        user,
        "surveys/targets.html",
        rows=this_year,
        year=year,
        years=list(PLAN_YEARS),
        indicators=indicators,
        grid=grid,
        titles=titles,
        status_names=TARGET_STATUS,
    )


TARGET_STATUS = {
    **present.STATUS,
    "no_responses": "ยังไม่มีผู้ตอบ",
    "not_recorded": "ยังไม่ได้บันทึก",
    "no_baseline": "ไม่มีค่าฐาน",
    "no_target": "ไม่มีค่าเป้าหมาย",
}

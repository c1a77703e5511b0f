"""The information centre's public service report (no login, printable): counts by kind and channel,
answers on time, median days, satisfaction and how many suggestions came in. Nothing about people:
the suggestions' own words stay on the staff side (they may name someone)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from bot import thai
from bot.complaints.public import recent_fiscal_years
from bot.http import RuntimeDep, SessionDep
from bot.inquiries import texts
from bot.inquiries.stats import inquiry_stats
from bot.organisation import Organisation
from bot.portal.pdf import html_to_pdf
from bot.portal.render import render_html
from bot.staff.models import Role, StaffMember
from bot.staff.roles import require_role

router = APIRouter(prefix="/public", tags=["public pages"])
report_router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Staff = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN, Role.INTEGRITY_OFFICER))]

FiscalYear = Query(None, ge=2500, le=2700, description="B.E. fiscal year, e.g. 2570")


def public_figures(org: Organisation, stats: dict[str, Any]) -> dict[str, Any]:
    days = org.inquiry_answer_days
    return {
        "organisation": org.name,
        "fiscal_year": stats["fiscal_year"],
        "received": stats["received"],
        "answered": stats["answered"],
        "overdue": stats["overdue"],
        "by_kind": {texts.KIND_NAMES[k]: v for k, v in stats["by_kind"].items()},
        "by_channel": {texts.CHANNEL_NAMES[k]: v for k, v in stats["by_channel"].items()},
        "answered_on_time": stats["answered_on_time"],
        "median_days": stats["median_days"],
        "satisfaction": stats["satisfaction"],
        "suggestions_received": len(stats["suggestions"]),
        "promised_days": {texts.KIND_NAMES[k]: getattr(days, k) for k in stats["by_kind"]},
    }


@router.get("/information-centre.json")
def information_centre_json(session: SessionDep, runtime: RuntimeDep,
                            fiscal_year: int | None = FiscalYear) -> dict[str, Any]:
    year = fiscal_year or thai.fiscal_year(runtime.clock())
    return public_figures(runtime.org, inquiry_stats(session, year, runtime.clock()))


def _page(request: Request, session: SessionDep, runtime: RuntimeDep, year: int) -> str:
    now = runtime.clock()
    s = public_figures(runtime.org, inquiry_stats(session, year, now))
    first, last = thai.fiscal_year_bounds(year)
    kinds = [[k, v, s["promised_days"][k]] for k, v in s["by_kind"].items()]
    return render_html(request, "information_centre.html",
                       title=f"รายงานสถิติการให้บริการศูนย์ข้อมูลข่าวสาร ปีงบประมาณ {year}", year=year,
                       years=recent_fiscal_years(year), first=first, last=last, s=s, kinds=kinds)


@router.get("/information-centre", response_class=HTMLResponse)
def information_centre_page(request: Request, session: SessionDep, runtime: RuntimeDep,
                            fiscal_year: int | None = FiscalYear) -> HTMLResponse:
    return HTMLResponse(_page(request, session, runtime, fiscal_year or thai.fiscal_year(runtime.clock())))


@report_router.get("/information-centre/{fiscal_year}.pdf", response_class=Response,
                   responses={200: {"content": {"application/pdf": {}}}})
def information_centre_pdf(request: Request, _: Staff, session: SessionDep, runtime: RuntimeDep,
                           fiscal_year: Annotated[int, Path(ge=2500, le=2700)]) -> Response:
    """The information centre's service report (measure 8, item 9) as PDF, the same as the public page."""
    pdf = html_to_pdf(_page(request, session, runtime, fiscal_year))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="information_centre_{fiscal_year}.pdf"'})

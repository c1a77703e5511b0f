"""The information centre's public service report (no login, printable): counts by kind and channel,
answers on time, median days, satisfaction and how many suggestions came in. Nothing about people:
the suggestions' own words stay on the staff side (they may name someone)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from bot import thai
from bot.http import RuntimeDep, SessionDep
from bot.inquiries import texts
from bot.inquiries.stats import inquiry_stats
from bot.organisation import Organisation
from bot.portal.pdf import html_to_pdf
from bot.portal.render import render_html
from bot.portal.years import FiscalYear, recent_fiscal_years
from bot.staff.models import Role, StaffMember
from bot.staff.roles import require_role

router = APIRouter(prefix="/public", tags=["public pages"])
report_router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Staff = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN, Role.INTEGRITY_OFFICER))]

Half = Annotated[int | None, Query(ge=1, le=2, description="1: Oct–Mar, 2: Apr–Sep; the whole year when absent")]


def public_figures(org: Organisation, stats: dict[str, Any]) -> dict[str, Any]:
    days = org.inquiry_answer_days
    return {
        "organisation": org.name,
        "fiscal_year": stats["fiscal_year"],
        "half": stats["half"],
        "period": stats["period"],
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
def information_centre_json(
    session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = FiscalYear, half: Half = None
) -> dict[str, Any]:
    year = fiscal_year or thai.fiscal_year(runtime.clock())
    return public_figures(runtime.org, inquiry_stats(session, year, runtime.clock(), half))


def _title(year: int, half: int | None) -> str:
    period = "ปีงบประมาณ" if half is None else f"รอบ 6 เดือน{'แรก' if half == 1 else 'หลัง'} ปีงบประมาณ"
    return f"รายงานสถิติการให้บริการศูนย์ข้อมูลข่าวสาร {period} {year}"


def _page(request: Request, session: SessionDep, runtime: RuntimeDep, year: int, half: int | None = None) -> str:
    now = runtime.clock()
    s = public_figures(runtime.org, inquiry_stats(session, year, now, half))
    kinds = [[k, v, s["promised_days"][k]] for k, v in s["by_kind"].items()]
    halves = [(None, "ทั้งปี"), (1, "6 เดือนแรก (ต.ค.–มี.ค.)"), (2, "6 เดือนหลัง (เม.ย.–ก.ย.)")]
    return render_html(
        request,
        "information_centre.html",
        title=_title(year, half),
        year=year,
        half=half,
        halves=halves,
        years=recent_fiscal_years(year, now),
        period=s["period"],
        s=s,
        kinds=kinds,
    )


@router.get("/information-centre", response_class=HTMLResponse)
def information_centre_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = FiscalYear, half: Half = None
) -> HTMLResponse:
    return HTMLResponse(_page(request, session, runtime, fiscal_year or thai.fiscal_year(runtime.clock()), half))


@report_router.get(
    "/information-centre/{fiscal_year}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def information_centre_pdf(
    request: Request,
    _: Staff,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: Annotated[int, Path(ge=2500, le=2700)],
    half: Half = None,
) -> Response:
    """The information centre's service report (measure 8, item 9) as PDF, the same as the public page."""
    pdf = html_to_pdf(_page(request, session, runtime, fiscal_year, half))
    name = f"information_centre_{fiscal_year}{'' if half is None else f'_h{half}'}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})

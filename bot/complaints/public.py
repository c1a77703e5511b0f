"""Public pages (no login): complaint statistics by fiscal year and how to complain. Stable URLs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot import thai
from bot.complaints.stats import complaint_stats
from bot.complaints.texts import SOURCE_NAMES
from bot.http import RuntimeDep, SessionDep
from bot.organisation import Organisation
from bot.portal import charts
from bot.portal.render import render
from bot.portal.years import FiscalYear, current_fiscal_year, recent_fiscal_years

router = APIRouter(prefix="/public", tags=["public pages"])

QUARTER_MONTHS = ("ต.ค.–ธ.ค.", "ม.ค.–มี.ค.", "เม.ย.–มิ.ย.", "ก.ค.–ก.ย.")


def public_stats(org: Organisation, stats: dict[str, Any]) -> dict[str, Any]:
    """The published figures: counts and shares only, names instead of keys, nothing about people."""
    categories = {c.key: c.name for c in org.categories}
    villages = {str(v.number): v.label for v in org.villages}
    return {
        "organisation": org.name,
        "fiscal_year": stats["fiscal_year"],
        "received": stats["received"],
        "completed": stats["completed"],
        "in_progress": stats["in_progress"],
        "overdue": stats["overdue"],
        "by_category": {categories.get(k, k): v for k, v in stats["by_category"].items()},
        "by_village": {villages.get(k, k): v for k, v in stats["by_village"].items()},
        "by_source_channel": {SOURCE_NAMES.get(k, k): v for k, v in stats["by_source_channel"].items()},
        "median_days_to_resolve": stats["days_to_resolve"]["median"],
        "p90_days_to_resolve": stats["days_to_resolve"]["p90"],
        "resolved_within_15_days": stats["resolved_within_15_days"],
        "late_told_why": stats["late_told_why"],
        "satisfaction": stats["satisfaction"],
        "by_month": stats["by_month"],
        "by_quarter": stats["by_quarter"],
    }


@router.get("/complaints.json")
def complaints_json(session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = FiscalYear) -> dict[str, Any]:
    now = runtime.clock()
    return public_stats(runtime.org, complaint_stats(session, current_fiscal_year(fiscal_year, now), now))


@router.get("/complaints", response_class=HTMLResponse)
def complaints_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = FiscalYear
) -> HTMLResponse:
    now = runtime.clock()
    year = current_fiscal_year(fiscal_year, now)
    s = public_stats(runtime.org, complaint_stats(session, year, now))
    first, last = thai.fiscal_year_bounds(year)
    months = [[m["name"], m["received"], m["completed"]] for m in s["by_month"]]
    quarters = [
        [f"ไตรมาส {q['quarter']} ({QUARTER_MONTHS[q['quarter'] - 1]})", q["received"], q["completed"]]
        for q in s["by_quarter"]
    ]
    month_chart = charts.columns(
        [thai.MONTHS_SHORT[m["month"] - 1] for m in s["by_month"]],
        [("รับเรื่อง", [m["received"] for m in s["by_month"]]), ("แล้วเสร็จ", [m["completed"] for m in s["by_month"]])],
        title=f"จำนวนรับเรื่องและแล้วเสร็จรายเดือน ปีงบประมาณ {year}",
    )
    category_chart = charts.bars(
        sorted(s["by_category"].items(), key=lambda kv: -kv[1]), title=f"เรื่องร้องเรียนแยกตามประเภท ปีงบประมาณ {year}"
    )
    return render(
        request,
        "complaints.html",
        title=f"สถิติเรื่องร้องทุกข์/ร้องเรียน ปีงบประมาณ {year}",
        year=year,
        years=recent_fiscal_years(year, now),
        first=first,
        last=last,
        s=s,
        months=months,
        quarters=quarters,
        month_chart=month_chart,
        category_chart=category_chart,
        due_days=runtime.settings.complaint_due_days,
    )


@router.get("/how-to-complain", response_class=HTMLResponse)
def how_to_complain(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    org = runtime.org
    unit_names = {u.key: u.name for u in org.units}
    units = [[c.name, unit_names.get(c.unit, c.unit)] for c in org.categories]
    return render(
        request,
        "how_to_complain.html",
        title="วิธีร้องทุกข์/ร้องเรียน",
        units=units,
        due_days=runtime.settings.complaint_due_days,
    )

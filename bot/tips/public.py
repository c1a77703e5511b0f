"""Public pages (no login) of the corruption-complaint channel: counts only, and its own manual."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot import thai
from bot.http import Now, RuntimeDep, SessionDep
from bot.portal.render import render
from bot.portal.years import FiscalYear, current_fiscal_year, recent_fiscal_years
from bot.tips import service as tips

router = APIRouter(prefix="/public", tags=["public pages"])


@router.get("/tips.json")
def tips_json(session: SessionDep, now: Now, fiscal_year: int | None = FiscalYear) -> dict[str, int]:
    return tips.public_counts(session, current_fiscal_year(fiscal_year, now))


@router.get("/tips", response_class=HTMLResponse)
def tips_page(request: Request, session: SessionDep, now: Now, fiscal_year: int | None = FiscalYear) -> HTMLResponse:
    year = current_fiscal_year(fiscal_year, now)
    first, last = thai.fiscal_year_bounds(year)
    return render(
        request,
        "tips.html",
        title=f"สถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ ปีงบประมาณ {year}",
        year=year,
        years=recent_fiscal_years(year, now),
        first=first,
        last=last,
        counts=tips.public_counts(session, year),
    )


@router.get("/how-to-report-corruption", response_class=HTMLResponse)
def corruption_manual(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """The corruption-complaint manual: its own page, separate from the general how-to-complain."""
    return render(
        request,
        "corruption_manual.html",
        title="คู่มือการแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
        handle_days=runtime.settings.tip_handle_days,
    )

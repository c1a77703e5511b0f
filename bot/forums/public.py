"""Public participation pages (no login): per forum, the four parts an ITA participation item asks
for — (1) the topic, (2) who took part (counts only), (3) the outcome, (4) how it was used."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from bot import thai
from bot.forums import figures, service
from bot.forums.figures import fiscal_period
from bot.forums.models import PublicForum
from bot.http import RecordId, RuntimeDep, SessionDep
from bot.portal import charts
from bot.portal.render import render
from bot.portal.years import recent_fiscal_years

router = APIRouter(tags=["public"])


@router.get("/api/v1/public/forums", response_model=list[PublicForum])
def public_forums(
    session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = Query(None, ge=2500, le=2700)
) -> list[PublicForum]:
    """Every forum of a fiscal year (default: the current one), soonest first."""
    start, end = fiscal_period(fiscal_year or thai.fiscal_year(runtime.clock()))
    forums = [f for f in service.starting_between(session, start, end) if f.audience == "residents"]
    return [figures.public(session, runtime.org, forum) for forum in forums]


@router.get("/api/v1/public/forums/{forum_id}", response_model=PublicForum)
def public_forum(forum_id: RecordId, session: SessionDep, runtime: RuntimeDep) -> PublicForum:
    return figures.public(session, runtime.org, service.get(session, forum_id))


@router.get("/public/forums", response_class=HTMLResponse)
def public_forums_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = Query(None, ge=2500, le=2700)
) -> HTMLResponse:
    """Forum participation for a fiscal year: every forum with its participants, linking its own page."""
    year = fiscal_year or thai.fiscal_year(runtime.clock())
    forums = public_forums(session, runtime, year)
    chart = charts.bars(
        [(f.topic.topic, f.participants.total) for f in forums], title=f"ผู้เข้าร่วมเวทีประชาคม ปีงบประมาณ {year}", unit=" คน"
    )
    return render(
        request,
        "forums.html",
        title=f"การมีส่วนร่วมของประชาชน (เวทีประชาคม) ปีงบประมาณ {year}",
        year=year,
        years=recent_fiscal_years(year, runtime.clock()),
        forums=forums,
        chart=chart,
    )


@router.get("/public/forums/{forum_id}", response_class=HTMLResponse)
def public_forum_page(request: Request, forum_id: RecordId, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    page = figures.public(session, runtime.org, service.get(session, forum_id))
    return render(request, "forum.html", title=f"เวทีประชาคม: {page.topic.topic}", page=page)

"""/public/targets: the plan's indicators with this year's status, printable (no login)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from bot import thai
from bot.forums.staff import INDICATORS
from bot.http import RuntimeDep, SessionDep
from bot.outcomes.targets import all_targets
from bot.portal.render import render
from bot.portal.years import recent_fiscal_years

router = APIRouter(prefix="/public", tags=["public pages"])

STATUS = {
    "met": "บรรลุเป้าหมาย",
    "not_met": "ไม่บรรลุเป้าหมาย",
    "not_yet_provable": "ยังสรุปไม่ได้",
    "no_responses": "ยังไม่มีผู้ตอบ",
    "not_recorded": "ยังไม่ได้บันทึก",
    "no_target": "ไม่มีเป้าหมายปีนี้",
    "no_baseline": "ไม่มีข้อมูลปีฐาน",
}


def _target(value: object) -> str:
    if value == "falling":
        return "ลดลงจากปีก่อน"
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _value(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


@router.get("/targets", response_class=HTMLResponse)
def targets_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = Query(None, ge=2500, le=2700)
) -> HTMLResponse:
    now = runtime.clock()
    year = fiscal_year or thai.fiscal_year(now)
    rows = all_targets(session, runtime.org, year, now)
    outcome = [
        [
            r.title,
            r.count or 0,
            _value(r.previous_count),
            _value(r.baseline_count),
            _value(r.change_percent),
            _target(r.target),
            STATUS.get(r.status, r.status),
        ]
        for r in rows
        if r.count is not None
    ]
    others = [
        [r.title, _value(r.value), _target(r.target), STATUS.get(r.status, r.status)]
        for r in rows
        if r.count is None and r.indicator not in INDICATORS
    ]
    sessions = [
        [
            r.title,
            _value(r.value),
            _target(r.target),
            f"{r.roster.answered:,} จาก {r.roster.size:,} คน" if r.roster and r.roster.size else "ยังไม่มีรายชื่อ",
            STATUS.get(r.status, r.status),
        ]
        for r in rows
        if r.indicator in INDICATORS
    ]
    first, last = thai.fiscal_year_bounds(year)
    return render(
        request,
        "targets.html",
        title=f"ตัวชี้วัดตามแผนป้องกันการทุจริต ปีงบประมาณ {year}",
        year=year,
        years=recent_fiscal_years(year, now),
        first=first,
        last=last,
        outcome=outcome,
        others=others,
        sessions=sessions,
    )

"""/public/targets: the plan's indicators with this year's status, printable (no login)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from bot import thai
from bot.http import RuntimeDep, SessionDep
from bot.outcomes.targets import all_targets
from bot.public_page import fiscal_year_selector, page, table

router = APIRouter(prefix="/public", tags=["public pages"])

STATUS = {"met": "บรรลุเป้าหมาย", "not_met": "ไม่บรรลุเป้าหมาย", "not_yet_provable": "ยังสรุปไม่ได้",
          "not_recorded": "ยังไม่ได้บันทึก", "no_target": "ไม่มีเป้าหมายปีนี้", "no_baseline": "ไม่มีข้อมูลปีฐาน"}


def _target(value: object) -> str:
    if value == "falling":
        return "ลดลงจากปีก่อน"
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _value(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


@router.get("/targets", response_class=HTMLResponse)
def targets_page(session: SessionDep, runtime: RuntimeDep,
                 fiscal_year: int | None = Query(None, ge=2500, le=2700)) -> str:
    now = runtime.clock()
    year = fiscal_year or thai.fiscal_year(now)
    rows = all_targets(session, runtime.org, year, now)
    outcome = [r for r in rows if r.count is not None]
    others = [r for r in rows if r.count is None]
    first, last = thai.fiscal_year_bounds(year)
    body = (
        f"<section>{fiscal_year_selector('/public/targets', year, list(range(thai.fiscal_year(now), year - 6, -1)))}"
        f"<p>ปีงบประมาณ {year}: {thai.format_date(first)} – {thai.format_date(last)} · "
        "ตามแผนปฏิบัติการป้องกันการทุจริต 2566–2570</p></section>"
        "<section><h2>ตัวชี้วัดผลลัพธ์</h2>"
        + table(["ตัวชี้วัด", "ปีนี้", "ปีก่อน", "ปีฐาน 2565", "เปลี่ยนแปลง (%)", "เป้าหมาย", "สถานะ"],
                [[r.title, r.count or 0, _value(r.previous_count), _value(r.baseline_count),
                  _value(r.change_percent), _target(r.target), STATUS.get(r.status, r.status)] for r in outcome])
        + "</section><section><h2>ตัวชี้วัดจากแบบสำรวจและการประเมิน</h2>"
        + table(["ตัวชี้วัด", "ผล", "เป้าหมาย", "สถานะ"],
                [[r.title, _value(r.value), _target(r.target), STATUS.get(r.status, r.status)] for r in others])
        + "</section>"
    )
    return page(runtime.org, f"ตัวชี้วัดตามแผนป้องกันการทุจริต ปีงบประมาณ {year}", body, thai.format_datetime(now))

"""The information centre's public service report (no login, printable): counts by kind and channel,
answers on time, median days, satisfaction and how many suggestions came in. Nothing about people:
the suggestions' own words stay on the staff side (they may name someone)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from bot import thai
from bot.http import RuntimeDep, SessionDep
from bot.inquiries import texts
from bot.inquiries.stats import inquiry_stats
from bot.organisation import Organisation
from bot.public_page import fiscal_year_selector, page, table

router = APIRouter(prefix="/public", tags=["public pages"])

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


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f} %"


@router.get("/information-centre", response_class=HTMLResponse)
def information_centre_page(session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = FiscalYear) -> str:
    now = runtime.clock()
    year = fiscal_year or thai.fiscal_year(now)
    s = public_figures(runtime.org, inquiry_stats(session, year, now))
    first, last = thai.fiscal_year_bounds(year)
    satisfaction = s["satisfaction"]
    cards = "".join(f"<div class='card'>{label}<b>{value}</b></div>" for label, value in (
        ("รับเรื่อง", s["received"]), ("ตอบแล้ว", s["answered"]), ("เกินกำหนด", s["overdue"]),
        ("ตอบทันกำหนด", _percent(s["answered_on_time"]["share"])),
        ("ความพึงพอใจ", "–" if satisfaction["percent"] is None else f"{satisfaction['percent']} %"),
        ("ข้อเสนอแนะ/คำติชม", s["suggestions_received"])))
    years = list(range(thai.fiscal_year(now), year - 6, -1))
    kinds = table(["ประเภท", "จำนวน", "กำหนดตอบ (วัน)"],
                  [[k, v, s["promised_days"][k]] for k, v in s["by_kind"].items()])
    body = (
        f"<section>{fiscal_year_selector('/public/information-centre', year, years)}"
        f"<p>ปีงบประมาณ {year}: {thai.format_date(first)} – {thai.format_date(last)}</p>"
        f"<div class='cards'>{cards}</div>"
        f"<p>ระยะเวลาตอบ: มัธยฐาน {s['median_days'] if s['median_days'] is not None else '–'} วัน · "
        f"ตอบทันกำหนด {s['answered_on_time']['count']} จาก {s['answered_on_time']['of']} เรื่อง · "
        f"คะแนนความพึงพอใจเฉลี่ย {satisfaction['mean'] if satisfaction['mean'] is not None else '–'} จาก 5 "
        f"({satisfaction['ratings']} คน)</p></section>"
        f"<section><h2>แยกตามประเภท</h2>{kinds}</section>"
        f"<section><h2>แยกตามช่องทาง</h2>{table(['ช่องทาง', 'จำนวน'], [[k, v] for k, v in s['by_channel'].items()])}"
        "</section><section><h2>ช่องทางติดต่อศูนย์ข้อมูลข่าวสาร</h2><ul>"
        f"<li>LINE Official Account ของ{runtime.org.short_name}: พิมพ์ “สอบถาม” “ขอข้อมูล” “เสนอแนะ” หรือ “ติชม”</li>"
        f"<li>โทรศัพท์ {runtime.org.contact.phone} ({runtime.org.contact.office_hours})</li>"
        f"<li>ด้วยตนเองหรือหนังสือ: {runtime.org.contact.address}</li></ul>"
        "<p>การขอข้อมูลข่าวสารเป็นไปตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540 · ข้อมูลในรูปแบบ JSON: "
        f"<a href='/public/information-centre.json?fiscal_year={year}'>"
        f"/public/information-centre.json?fiscal_year={year}</a></p></section>"
    )
    return page(runtime.org, f"รายงานสถิติการให้บริการศูนย์ข้อมูลข่าวสาร ปีงบประมาณ {year}", body,
                thai.format_datetime(now))

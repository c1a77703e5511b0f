"""Public pages (no login): complaint statistics, tip counts, and how to complain. Stable URLs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from bot import thai
from bot.complaints.stats import complaint_stats
from bot.complaints.texts import SOURCE_NAMES
from bot.http import RuntimeDep, SessionDep
from bot.organisation import Organisation
from bot.public_page import fiscal_year_selector, page, table
from bot.tips import service as tips

router = APIRouter(prefix="/public", tags=["public pages"])

FiscalYear = Query(None, ge=2500, le=2700, description="B.E. fiscal year, e.g. 2570")


def _year(fiscal_year: int | None) -> int:
    return fiscal_year or thai.fiscal_year(thai.utcnow())


def _years(current: int) -> list[int]:
    return list(range(thai.fiscal_year(thai.utcnow()), current - 6, -1)) if current else []


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
    return public_stats(runtime.org, complaint_stats(session, _year(fiscal_year), thai.utcnow()))


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f} %"


@router.get("/complaints", response_class=HTMLResponse)
def complaints_page(session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = FiscalYear) -> str:
    year = _year(fiscal_year)
    s = public_stats(runtime.org, complaint_stats(session, year, thai.utcnow()))
    first, last = thai.fiscal_year_bounds(year)
    cards = "".join(f"<div class='card'>{label}<b>{value}</b></div>" for label, value in (
        ("รับเรื่อง", s["received"]), ("ดำเนินการแล้วเสร็จ", s["completed"]), ("อยู่ระหว่างดำเนินการ", s["in_progress"]),
        ("เกินกำหนด", s["overdue"]), ("แล้วเสร็จใน 15 วัน", _percent(s["resolved_within_15_days"])),
        ("ความพึงพอใจ (4–5)", _percent(s["satisfaction"]["top2_share"]))))
    quarters = table(["ไตรมาส", "รับเรื่อง", "แล้วเสร็จ"],
                     [[q["quarter"], q["received"], q["completed"]] for q in s["by_quarter"]])
    months = table(["เดือน", "รับเรื่อง", "แล้วเสร็จ"], [[m["name"], m["received"], m["completed"]] for m in s["by_month"]])
    body = (
        f"<section>{fiscal_year_selector('/public/complaints', year, _years(year))}"
        f"<p>ปีงบประมาณ {year}: {thai.format_date(first)} – {thai.format_date(last)}</p>"
        f"<div class='cards'>{cards}</div>"
        f"<p>ระยะเวลาดำเนินการ: มัธยฐาน {s['median_days_to_resolve'] or '–'} วัน, "
        f"ร้อยละ 90 แล้วเสร็จภายใน {s['p90_days_to_resolve'] or '–'} วัน · "
        f"เรื่องล่าช้าที่แจ้งเหตุผลผู้ร้องเรียนทันกำหนด {_percent(s['late_told_why'])}</p></section>"
        f"<section><h2>แยกตามประเภทเรื่อง</h2>{table(['ประเภท', 'จำนวน'], [[k, v] for k, v in s['by_category'].items()])}"
        f"</section><section><h2>แยกตามหมู่บ้าน</h2>"
        f"{table(['หมู่บ้าน', 'จำนวน'], [[k, v] for k, v in s['by_village'].items()])}</section>"
        f"<section><h2>แยกตามช่องทาง</h2>"
        f"{table(['ช่องทาง', 'จำนวน'], [[k, v] for k, v in s['by_source_channel'].items()])}</section>"
        f"<section><h2>รายไตรมาส</h2>{quarters}</section><section><h2>รายเดือน</h2>{months}"
        "</section><section><p>ข้อมูลในรูปแบบ JSON: "
        f"<a href='/public/complaints.json?fiscal_year={year}'>/public/complaints.json?fiscal_year={year}</a> · "
        "<a href='/public/how-to-complain'>วิธีร้องเรียน</a> · <a href='/public/tips'>สถิติเรื่องร้องเรียนการทุจริต</a>"
        "</p></section>"
    )
    return page(runtime.org, f"สถิติเรื่องร้องทุกข์/ร้องเรียน ปีงบประมาณ {year}", body)


@router.get("/tips.json")
def tips_json(session: SessionDep, fiscal_year: int | None = FiscalYear) -> dict[str, int]:
    return tips.public_counts(session, _year(fiscal_year))


@router.get("/tips", response_class=HTMLResponse)
def tips_page(session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = FiscalYear) -> str:
    year = _year(fiscal_year)
    counts = tips.public_counts(session, year)
    cards = "".join(f"<div class='card'>{label}<b>{counts[key]}</b></div>" for label, key in (
        ("รับเรื่อง", "received"), ("ดำเนินการแล้วเสร็จ", "completed"), ("อยู่ระหว่างดำเนินการ", "in_progress")))
    body = (f"<section>{fiscal_year_selector('/public/tips', year, _years(year))}<div class='cards'>{cards}</div>"
            "<p>เผยแพร่เฉพาะจำนวน เพื่อคุ้มครองผู้แจ้งเบาะแส · "
            f"<a href='/public/tips.json?fiscal_year={year}'>JSON</a></p></section>")
    return page(runtime.org, f"สถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ ปีงบประมาณ {year}", body)


@router.get("/how-to-complain", response_class=HTMLResponse)
def how_to_complain(runtime: RuntimeDep) -> str:
    org = runtime.org
    settings = runtime.settings
    units = table(["หมวดเรื่อง", "หน่วยงานรับผิดชอบ"],
                  [[c.name, next(u.name for u in org.units if u.key == c.unit)] for c in org.categories])
    body = (
        "<section><h2>ช่องทางร้องเรียน</h2><ul>"
        f"<li>LINE Official Account ของ{org.short_name}: พิมพ์ “ร้องเรียน” หรือแตะเมนู</li>"
        f"<li>โทรศัพท์ {org.contact.phone} ({org.contact.office_hours})</li>"
        f"<li>ด้วยตนเองหรือหนังสือ: {org.contact.address}</li><li>ศูนย์ดำรงธรรม โทร 1567</li></ul></section>"
        "<section><h2>ขั้นตอน</h2><ol><li>แจ้งเรื่อง รับรหัสติดตาม (เช่น C2570-00042)</li>"
        "<li>ส่งเรื่องให้หน่วยงานที่รับผิดชอบ</li><li>ดำเนินการและแจ้งความคืบหน้าทุกครั้งที่สถานะเปลี่ยน</li>"
        "<li>แจ้งผลการแก้ไข ผู้ร้องเรียนยืนยันผล และประเมินความพึงพอใจ</li></ol>"
        f"<p>ระยะเวลา: ดำเนินการให้แล้วเสร็จภายใน {settings.complaint_due_days} วัน "
        "หากล่าช้า จะแจ้งเหตุผลและกำหนดเสร็จใหม่ให้ผู้ร้องเรียนทราบ</p></section>"
        f"<section><h2>หน่วยงานที่รับผิดชอบ</h2>{units}</section>"
        "<section><h2>แจ้งเบาะแสการทุจริต</h2><p>พิมพ์ “แจ้งทุจริต” ใน LINE: ช่องทางแยกต่างหาก "
        "เลือกไม่เปิดเผยชื่อได้ ข้อมูลผู้แจ้งถูกเข้ารหัสและเปิดดูได้เฉพาะเจ้าหน้าที่ที่ได้รับแต่งตั้ง</p></section>"
    )
    return page(org, "วิธีร้องทุกข์/ร้องเรียน", body)

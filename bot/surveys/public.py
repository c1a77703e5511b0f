"""The public satisfaction report of a survey for one fiscal year: a stable Thai page, no login, usable
as ITA evidence. Only residents' surveys are published; groups under 5 respondents stay hidden."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from fastapi.responses import HTMLResponse

from bot import thai
from bot.http import RuntimeDep, SessionDep
from bot.organisation import Organisation
from bot.surveys import present, service
from bot.thai import utcnow
from surveys import catalogue
from surveys.summary import Figures, Summary

router = APIRouter(prefix="/public/surveys", tags=["public"])

STYLE = """body{font-family:'Sarabun','Noto Sans Thai',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.5}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #bbb;
padding:.35rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}th{background:#eef}
.met{color:#060}.not_met{color:#a00}.not_yet_provable{color:#a60}.note{font-size:.9rem;color:#555}"""


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _row(name: str, f: Figures) -> str:
    cells = [escape(name), str(f.n), _number(f.mean), _number(f.sd), escape(f.band or "–"),
             _number(f.mean_percent), _number(f.top2_share)]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _table(rows: list[str]) -> str:
    head = ["รายการ", "จำนวนผู้ตอบ", "ค่าเฉลี่ย", "S.D.", "ระดับ", "ร้อยละ (ค่าเฉลี่ย÷5×100)", "ร้อยละผู้ตอบระดับ 4–5"]
    return "<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>" + "".join(rows) + "</table>"


def render(summary: Summary, org: Organisation, fiscal_year: int) -> str:
    """The report page's HTML."""
    overall = summary.overall
    ci = summary.official_ci95
    status_text = present.STATUS[summary.status]
    if summary.status == "not_yet_provable" and summary.more_responses_needed:
        status_text += f" (ต้องการผู้ตอบเพิ่มอีกประมาณ {summary.more_responses_needed:,} คน)"
    first, last = thai.fiscal_year_bounds(fiscal_year)
    lines = [
        f"<h1>{escape(summary.title)}</h1>",
        f"<p>{escape(org.name)} · ปีงบประมาณ พ.ศ. {fiscal_year} ({thai.format_date(first)} – {thai.format_date(last)})"
        f"<br>ข้อมูล ณ วันที่ {thai.format_datetime(utcnow())}</p>",
    ]
    if summary.provisional:
        lines.append("<p><strong>ผลเบื้องต้น</strong> แบบสอบถามยังเปิดรับคำตอบ ตัวเลขอาจเปลี่ยนแปลง</p>")
    lines += [
        f"<p>ผู้ตอบ {overall.n:,} คน"
        + (f" จากประชากร {summary.population:,} คน (ขนาดตัวอย่างตามสูตรยามาเน่ ที่ความคลาดเคลื่อน 5%: "
           f"{summary.sample_required:,} คน)" if summary.population else "") + "</p>",
        f"<p>เป้าหมาย: ความพึงพอใจไม่ต่ำกว่าร้อยละ {summary.target:g} "
        f"คิดจาก{present.METHODS[summary.official_method]}<br>ผล: ร้อยละ {_number(summary.official_value)}"
        + (f" (ช่วงความเชื่อมั่น 95%: {_number(ci[0])}–{_number(ci[1])})" if ci else "")
        + f" · <strong class=\"{summary.status}\">{status_text}</strong></p>",
        "<h2>ผลรายด้าน</h2>",
        _table([_row("ภาพรวม", overall)] + [_row(d.title, d.figures) for d in summary.dimensions]),
        "<h2>ผลรายข้อ</h2>",
        _table([_row(i.text, i.figures) for i in summary.items]),
    ]
    if summary.groups:
        lines += ["<h2>แยกตามหมู่บ้าน</h2>",
                  _table([_row(present.group_label("village", g.key, org), g.figures) for g in summary.groups])]
    lines.append("<p class=\"note\">ระดับความพึงพอใจ: 4.21–5.00 มากที่สุด, 3.41–4.20 มาก, 2.61–3.40 ปานกลาง, "
                 "1.81–2.60 น้อย, 1.00–1.80 น้อยที่สุด · ช่วงความเชื่อมั่นของค่าเฉลี่ยใช้การแจกแจง t "
                 "ของสัดส่วนใช้วิธีของ Wilson · กลุ่มที่มีผู้ตอบน้อยกว่า 5 คนไม่แสดง เพื่อคุ้มครองข้อมูลผู้ตอบ</p>")
    body = "\n".join(lines)
    return (f"<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
            f"content=\"width=device-width,initial-scale=1\"><title>{escape(summary.title)} ปีงบประมาณ {fiscal_year}"
            f"</title><style>{STYLE}</style></head><body>{body}</body></html>")


@router.get("/{key}/{fiscal_year}", response_class=HTMLResponse)
def report_page(key: str, fiscal_year: Annotated[int, Path(ge=2500, le=2700)], session: SessionDep,
                runtime: RuntimeDep) -> HTMLResponse:
    survey = catalogue.get(session, key)
    if survey is None or survey.audience != "residents":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบรายงานนี้")
    summary = service.report(session, survey, runtime.org, utcnow(), fiscal_year, by="village")
    return HTMLResponse(render(summary, runtime.org, fiscal_year), headers={"Cache-Control": "public, max-age=300"})

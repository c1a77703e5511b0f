"""Public participation pages (no login): per forum, the four parts an ITA participation item asks
for — (1) the topic, (2) who took part (counts only), (3) the outcome, (4) how it was used."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from bot import thai
from bot.forums import figures
from bot.forums.figures import fiscal_period
from bot.forums.models import Forum, PublicForum
from bot.http import RuntimeDep, SessionDep

router = APIRouter(tags=["public"])


def _forum(session: SessionDep, forum_id: int) -> Forum:
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบเวทีประชาคมนี้")
    return forum


@router.get("/api/v1/public/forums", response_model=list[PublicForum])
def public_forums(
    session: SessionDep, runtime: RuntimeDep, fiscal_year: int | None = Query(None, ge=2500, le=2700)
) -> list[PublicForum]:
    """Every forum of a fiscal year (default: the current one), soonest first."""
    start, end = fiscal_period(fiscal_year or thai.fiscal_year(runtime.clock()))
    forums = session.exec(select(Forum).where(col(Forum.starts_at) >= start, col(Forum.starts_at) < end)
                          .order_by(col(Forum.starts_at))).all()
    return [figures.public(session, runtime.org, forum) for forum in forums]


@router.get("/api/v1/public/forums/{forum_id}", response_model=PublicForum)
def public_forum(forum_id: int, session: SessionDep, runtime: RuntimeDep) -> PublicForum:
    return figures.public(session, runtime.org, _forum(session, forum_id))


@router.get("/public/forums/{forum_id}", response_class=HTMLResponse)
def public_forum_page(forum_id: int, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    page = figures.public(session, runtime.org, _forum(session, forum_id))
    return HTMLResponse(render(runtime.org.name, page))


def _p(text: object) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in str(text).splitlines() if line.strip())


def render(org_name: str, page: PublicForum) -> str:
    """The page in Thai, everything escaped."""
    t, who = page.topic, page.participants
    status_line = "<p><strong>เวทีนี้ยกเลิกแล้ว</strong></p>" if t.status == "cancelled" else ""
    rows = "".join(f"<tr><td>{escape(v.name)}</td><td>{v.participants}</td></tr>" for v in who.by_village)
    outcome = "<p>ยังไม่ได้เผยแพร่ผล</p>"
    if page.outcome:
        outcome = _p(page.outcome.minutes) + "<h3>ข้อสรุปและมติ</h3>" + _p(page.outcome.decisions)
    use = "<p>ยังไม่ได้เผยแพร่</p>"
    if page.use:
        links = "".join(f'<li><a href="{escape(link.url)}">{escape(link.title)}</a></li>'
                        for link in page.use.plan_links)
        use = _p(page.use.opinions_used) + (f"<ul>{links}</ul>" if links else "")
    return f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>เวทีประชาคม: {escape(t.topic)}</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;line-height:1.6}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .6rem}}</style></head><body>
<p>{escape(org_name)}</p>
<h1>เวทีประชาคม: {escape(t.topic)}</h1>{status_line}
<h2>1. เรื่องและวาระ</h2>
<p>{escape(t.date_th)} ณ {escape(t.place)}</p>
<p>สำหรับ: {escape(", ".join(t.villages))}</p>{_p(t.agenda)}
<h2>2. ผู้เข้าร่วม</h2>
<p>ผู้เข้าร่วมทั้งหมด {who.total} คน (ลงชื่อผ่าน LINE {who.line} คน, ลงชื่อในกระดาษ {who.paper} คน);
ตอบรับล่วงหน้า {who.rsvp_going} คน; ความคิดเห็นที่ส่งล่วงหน้า {who.opinions} เรื่อง</p>
<table><tr><th>หมู่บ้าน</th><th>ผู้เข้าร่วม (คน)</th></tr>{rows}</table>
<h2>3. ผลการประชุม</h2>{outcome}
<h2>4. การนำผลไปใช้</h2>{use}
</body></html>"""

"""The organisation's front door (`/`), office contact, the PDPA notice and the LINE QR code."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from bot.portal.render import render

router = APIRouter(tags=["public pages"])


@dataclass(frozen=True)
class Entry:
    path: str
    title: str
    what: str


# Every public page the ITA evidence needs, at a stable URL without an item code, in the order a
# resident looks for them. Pages another part of the app provides are listed only when it is mounted.
INDEX: list[tuple[str, list[Entry]]] = [
    (
        "ร้องเรียนและแจ้งเบาะแส",
        [
            Entry("/public/how-to-complain", "วิธีร้องทุกข์/ร้องเรียน", "ช่องทาง ขั้นตอน หน่วยงานที่รับผิดชอบ และระยะเวลาดำเนินการ"),
            Entry(
                "/public/how-to-report-corruption",
                "คู่มือการแจ้งเรื่องร้องเรียนการทุจริต",
                "การแจ้งเบาะแสการทุจริตและประพฤติมิชอบ การคุ้มครองผู้แจ้ง และระยะเวลา",
            ),
            Entry("/public/complain", "แจ้งเรื่องร้องเรียนออนไลน์", "สำหรับผู้ที่ไม่ได้ใช้ LINE ไม่ต้องสมัครสมาชิก"),
            Entry("/public/report-corruption", "แจ้งเบาะแสการทุจริตออนไลน์", "ไม่ต้องเปิดเผยชื่อก็แจ้งได้"),
            Entry("/public/track", "ติดตามเรื่อง", "ใช้รหัสเรื่องและรหัสติดตาม (PIN) ที่ได้รับ"),
        ],
    ),
    (
        "สถิติและรายงาน",
        [
            Entry("/public/complaints", "สถิติเรื่องร้องทุกข์/ร้องเรียน", "แยกตามปีงบประมาณ ประเภท หมู่บ้าน และช่องทาง"),
            Entry("/public/tips", "สถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "เผยแพร่เฉพาะจำนวน"),
            Entry("/public/surveys", "รายงานผลการสำรวจความพึงพอใจ", "ผลการประเมินความพึงพอใจของประชาชน"),
            Entry("/public/forums", "การมีส่วนร่วมของประชาชน (เวทีประชาคม)", "หัวข้อ ผู้เข้าร่วม ผลการประชุม และการนำไปใช้"),
            Entry("/public/targets", "เป้าหมายและตัวชี้วัดตามแผน", "ผลตามตัวชี้วัดของแผนป้องกันการทุจริตในปีนี้"),
            Entry("/public/information-centre", "ศูนย์ข้อมูลข่าวสาร", "สถิติการให้บริการข้อมูลข่าวสาร"),
        ],
    ),
    (
        "เกี่ยวกับหน่วยงาน",
        [
            Entry("/public/contact", "ติดต่อสำนักงาน", "ที่อยู่ โทรศัพท์ เวลาทำการ"),
            Entry("/public/privacy", "ประกาศการคุ้มครองข้อมูลส่วนบุคคล (PDPA)", "ข้อมูลที่เก็บ วัตถุประสงค์ และสิทธิของท่าน"),
        ],
    ),
]


def mounted(request: Request) -> set[str]:
    """Paths this app serves (from its OpenAPI document: the app caches it, and routers may be nested)."""
    return set(request.app.openapi().get("paths", {}))


def index_entries(request: Request) -> list[tuple[str, list[Entry]]]:
    """The index, keeping only pages this app serves (so every link on `/` answers)."""
    paths = mounted(request)
    return [(group, [e for e in entries if e.path in paths]) for group, entries in INDEX]


@router.get("/", response_class=HTMLResponse, summary="the public portal: the organisation's front door")
def home(request: Request) -> HTMLResponse:
    org = request.app.state.runtime.org
    return render(
        request,
        "index.html",
        title=f"บริการประชาชนออนไลน์ {org.short_name}",
        groups=index_entries(request),
        line=org.line,
    )


@router.get(
    "/public/line-qr.svg",
    summary="QR code that adds the organisation's LINE account",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}}},
)
def line_qr(request: Request) -> Response:
    url = request.app.state.runtime.org.line.url
    if not url:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ยังไม่ได้ตั้งค่าบัญชี LINE ของหน่วยงาน")
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, title="เพิ่มเพื่อน LINE")
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/public/contact", response_class=HTMLResponse, summary="office contact")
def contact(request: Request) -> HTMLResponse:
    return render(request, "contact.html", title="ติดต่อสำนักงาน")


@router.get("/public/privacy", response_class=HTMLResponse, summary="the PDPA notice")
def privacy(request: Request) -> HTMLResponse:
    return render(request, "privacy.html", title="ประกาศการคุ้มครองข้อมูลส่วนบุคคล")

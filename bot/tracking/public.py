"""ติดตาม on the web: /public/track, where a case filed on the web (or recorded by staff) is followed with its
code and tracking PIN. The PIN names the kind of record; a complaint shows its public timeline, a tip only its
status. It reads complaints and tips, so it lives here, above them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from bot.complaints import service as complaints
from bot.complaints import web_intake as web_complaints
from bot.http import RuntimeDep, SessionDep
from bot.pins import service as pins
from bot.portal.forms import NO_STORE
from bot.portal.guard import RATE_LIMITED, client_address, limiter
from bot.portal.render import render
from bot.tips import service as tips
from bot.tips import web_intake as web_tips

router = APIRouter(tags=["public pages"])

TRACKS_PER_WINDOW, TRACK_WINDOW = 20, 600.0  # PIN guesses: 20 per address per ten minutes


@router.get(
    "/public/track",
    response_class=HTMLResponse,
    summary="follow a case with its code and tracking PIN",
    responses=RATE_LIMITED,
)
def track(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    code: Annotated[str, Query(max_length=32)] = "",
    pin: Annotated[str, Query(max_length=32)] = "",
) -> HTMLResponse:
    code = code.strip().upper()
    if not code and not pin:
        return render(request, "track.html", title="ติดตามเรื่อง", code="", headers=NO_STORE)
    if not limiter(request, "track", TRACKS_PER_WINDOW, TRACK_WINDOW).allow(client_address(request)):
        return render(
            request,
            "error.html",
            status_code=429,
            status=429,
            title="มีการส่งข้อมูลถี่เกินไป",
            message="",
            headers={"Retry-After": str(int(TRACK_WINDOW))},
        )
    record_type = pins.check(session, code, pin) if code and pin else None
    case = tip = None
    if record_type == web_complaints.RECORD_TYPE:
        found = complaints.get(session, code)
        case = web_complaints.view(session, found) if found else None
    elif record_type == web_tips.RECORD_TYPE:
        tip = tips.get(session, code)
    if case is None and tip is None:
        return render(
            request,
            "track.html",
            title="ติดตามเรื่อง",
            code=code,
            status_code=404,
            headers=NO_STORE,
            errors=[f"ไม่พบเรื่องที่ตรงกับรหัสเรื่องและรหัสติดตามนี้ กรุณาตรวจสอบอีกครั้ง{runtime.org.particle}"],
        )
    return render(
        request,
        "track.html",
        title=f"ติดตามเรื่อง {code}",
        code=code,
        case=case,
        tip_status=web_tips.status_of(tip) if tip else None,
        headers=NO_STORE,
    )

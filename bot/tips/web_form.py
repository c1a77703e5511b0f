"""The web form for reporting corruption without LINE (the reporter may stay anonymous; name and phone go
only into the seal). Thin: parse, guard, call the domain (`web_intake`), render. Unlike an api or public
module, a form route answers a refusal itself (the form again, with the reasons), so it catches the
domain's errors and rolls back; the unit of work commits before the page with the PIN leaves."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.media import PhotoRefused
from bot.pins import service as pins
from bot.portal import forms
from bot.portal.forms import NO_STORE, Honeypot, Photo, Text
from bot.portal.guard import RATE_LIMITED
from bot.portal.render import render
from bot.tips import web_intake
from bot.tips.service import TipError

router = APIRouter(tags=["public pages"])


def _tip_form(
    request: Request,
    runtime: RuntimeDep,
    *,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return forms.page(
        request,
        runtime,
        "report_corruption.html",
        "แจ้งเบาะแสการทุจริตและประพฤติมิชอบ",
        errors=errors,
        values=values,
        status_code=status_code,
    )


@router.get("/public/report-corruption", response_class=HTMLResponse, summary="the web corruption-tip form")
def report_form(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return _tip_form(request, runtime)


@router.post(
    "/public/report-corruption",
    response_class=HTMLResponse,
    summary="report corruption from the web",
    responses=RATE_LIMITED,
)
def report(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    description: Text = "",
    when: Text = "",
    where: Text = "",
    who: Text = "",
    name: Text = "",
    phone: Text = "",
    evidence: Photo = None,
    homepage: Honeypot = "",
    type: Text = "",
) -> HTMLResponse:
    # The reporter's name and phone are never echoed back into a form or a log: only into the seal.
    values = {"description": description, "when": when, "where": where, "who": who, "type": type}
    if homepage:
        return forms.filled_by_robot(request, runtime)
    if (refused := forms.too_busy(request)) is not None:
        return refused
    settings, errors = runtime.settings, []
    if not description.strip():
        errors.append(f"กรุณาเล่าพฤติการณ์ที่ต้องการแจ้ง{runtime.org.particle}")
    phone_no = forms.phone(phone, errors)
    forms.lengths({"name": name, "when": when, "where": where, "who": who}, errors)
    raw = forms.upload(evidence, settings.photo_max_bytes)
    if not errors:
        try:
            filed = web_intake.file_from_web(
                session,
                sealer=runtime.sealer,
                settings=settings,
                org=runtime.org,
                what=description,
                when_text=when.strip(),
                where_text=where.strip(),
                who=who.strip(),
                name=name.strip(),
                phone=phone_no,
                evidence=raw,
                now=runtime.clock(),
                tip_type=type.strip() or None,
            )
        except PhotoRefused as photo:
            errors.append(f"รับหลักฐานไม่ได้: {photo.reason} กรุณาเลือกไฟล์ภาพ JPEG หรือ PNG {runtime.org.particle}")
        except TipError as error:
            errors.append(str(error))
        else:
            return render(
                request,
                "submitted.html",
                title="รับเบาะแสแล้ว",
                code=filed.code,
                pin=pins.display(filed.pin),
                kind="tip",
                anonymous=filed.anonymous,
                handle_days=settings.tip_handle_days,
                headers=NO_STORE,
            )
    session.rollback()
    return _tip_form(request, runtime, errors=errors, values=values, status_code=UNPROCESSABLE)

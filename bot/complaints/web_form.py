"""The web complaint form for residents without LINE, and the slip staff print for a case they record.
Thin: parse, guard, call the domain (`web_intake`), render. Unlike an api or public module, a form route
answers a refusal itself (the form again, with the reasons), so it catches the domain's errors and rolls
back; the unit of work commits before the page with the PIN leaves."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse

from bot.complaints import service, web_intake
from bot.complaints.service import ComplaintError
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.media import PhotoRefused
from bot.pins import service as pins
from bot.portal import forms
from bot.portal.forms import NO_STORE, Honeypot, Photo, Text
from bot.portal.guard import RATE_LIMITED
from bot.portal.render import render
from bot.staff import service as staff_service
from bot.staff.roles import OfficeStaff

router = APIRouter(tags=["public pages"])


def _complaint_form(
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
        "complain.html",
        "แจ้งเรื่องร้องทุกข์/ร้องเรียนออนไลน์",
        errors=errors,
        values=values,
        status_code=status_code,
        due_days=runtime.settings.complaint_due_days,
    )


@router.get("/public/complain", response_class=HTMLResponse, summary="the web complaint form (no LINE needed)")
def complain_form(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return _complaint_form(request, runtime)


@router.post(
    "/public/complain", response_class=HTMLResponse, summary="file a complaint from the web", responses=RATE_LIMITED
)
def complain(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    description: Text = "",
    category: Text = "",
    village: Text = "",
    name: Text = "",
    phone: Text = "",
    photo: Photo = None,
    homepage: Honeypot = "",
) -> HTMLResponse:
    values = {"description": description, "category": category, "village": village, "name": name, "phone": phone}
    if homepage:
        return forms.filled_by_robot(request, runtime)
    if (refused := forms.too_busy(request)) is not None:
        return refused
    org, settings, errors = runtime.org, runtime.settings, []
    if not description.strip():
        errors.append(f"กรุณาเล่ารายละเอียดของเรื่องที่ต้องการร้องเรียน{runtime.org.particle}")
    if category and category not in {c.key for c in org.categories}:
        errors.append(f"กรุณาเลือกประเภทเรื่องจากรายการ{runtime.org.particle}")
    # isdecimal, not isdigit: "²" is a digit int() refuses; at most 3 digits: no village number is longer.
    village_no = int(village) if village.isdecimal() and len(village) <= 3 else None
    if village and (village_no is None or org.village(village_no) is None):
        errors.append(f"กรุณาเลือกหมู่บ้านจากรายการ{runtime.org.particle}")
    phone_no = forms.phone(phone, errors)
    forms.lengths({"name": name}, errors)
    raw = forms.upload(photo, settings.photo_max_bytes)
    if not errors:
        try:
            filed = web_intake.file_from_web(
                session,
                org=org,
                settings=settings,
                description=description,
                category=category or None,
                village_no=village_no,
                name=name.strip() or None,
                phone=phone_no,
                photo=raw,
                now=runtime.clock(),
            )
        except PhotoRefused as photo:
            errors.append(f"รับภาพไม่ได้: {photo.reason} กรุณาเลือกไฟล์ภาพ JPEG หรือ PNG {runtime.org.particle}")
        except ComplaintError as error:
            errors.append(str(error))
        else:
            return render(
                request,
                "submitted.html",
                title="รับเรื่องร้องเรียนแล้ว",
                code=filed.code,
                pin=pins.display(filed.pin),
                kind="complaint",
                due_days=settings.complaint_due_days,
                headers=NO_STORE,
            )
    session.rollback()
    return _complaint_form(request, runtime, errors=errors, values=values, status_code=UNPROCESSABLE)


@router.post(
    "/api/v1/complaints/{code}/slip",
    response_class=HTMLResponse,
    tags=["complaints"],
    summary="issue a tracking PIN and print the complainant's slip (an earlier PIN stops working)",
)
def complaint_slip(
    request: Request, code: str, session: SessionDep, runtime: RuntimeDep, member: OfficeStaff
) -> HTMLResponse:
    complaint = service.get(session, code)
    if complaint is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบเรื่องร้องเรียนนี้")
    now = runtime.clock()
    pin = web_intake.issue_slip(session, complaint, now)
    staff_service.audit(
        session, actor=member, action="complaint.slip", record_type="complaint", record_id=complaint.code, now=now
    )
    return render(
        request,
        "slip.html",
        title=f"ใบรับเรื่องร้องเรียน {complaint.code}",
        code=complaint.code,
        pin=pins.display(pin),
        created_at=complaint.created_at,
        due_at=complaint.due_at,
        headers=NO_STORE,
    )

"""The channel for residents without LINE: web forms for complaints and corruption tips, tracking by code
and PIN, and the printable slip for cases staff record. Thin: parse, guard, call the domain, render."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import HTMLResponse

from bot.complaints import service as complaints
from bot.complaints import web_intake as web_complaints
from bot.complaints.service import ComplaintError
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.media import PhotoRefused
from bot.pins import service as pins
from bot.portal.guard import HONEYPOT, RATE_LIMITED, client_address, limiter
from bot.portal.render import render
from bot.staff import service as staff_service
from bot.staff.models import Role, StaffMember
from bot.staff.roles import require_role
from bot.tips import service as tips
from bot.tips import web_intake as web_tips
from bot.tips.service import TipError

router = APIRouter(tags=["public pages"])

SUBMISSIONS_PER_WINDOW, SUBMISSION_WINDOW = 5, 600.0  # five filings per address per ten minutes
TRACKS_PER_WINDOW, TRACK_WINDOW = 20, 600.0  # PIN guesses: 20 per address per ten minutes
PHONE = re.compile(r"^0\d{8,9}$")
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
MAX_FIELD = {"name": 200, "when": 300, "where": 300, "who": 2000}

Text = Annotated[str, Form(max_length=20_000)]
# The honeypot must stay empty, and the OpenAPI document says so (maxLength 0); the route still reads any value,
# so that it answers a filled one (a bot's) with its own 400 page rather than a validation error.
Honeypot = Annotated[str, Form(max_length=20_000, json_schema_extra={"maxLength": 0},
                               description="leave empty: a field people never see; filled, the form is refused (400)")]
Photo = Annotated[UploadFile | None, File()]


def _phone(raw: str, errors: list[str]) -> str | None:
    phone = re.sub(r"[\s-]", "", raw)
    if phone and not PHONE.match(phone):
        errors.append("เบอร์โทรศัพท์ต้องเป็นตัวเลข 9–10 หลัก ขึ้นต้นด้วย 0 เช่น 0812345678")
    return phone or None


def _upload(upload: UploadFile | None, max_bytes: int) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = upload.file.read(max_bytes + 1)  # one byte more than allowed is enough to refuse it
    return data or None


def _lengths(fields: dict[str, str], errors: list[str]) -> None:
    labels = {"name": "ชื่อ", "when": "เมื่อไร", "where": "ที่ไหน", "who": "ผู้เกี่ยวข้อง"}
    for key, limit in MAX_FIELD.items():
        if len(fields.get(key, "")) > limit:
            errors.append(f"ช่อง “{labels[key]}” ยาวเกิน {limit:,} ตัวอักษร")


def _guard(request: Request) -> HTMLResponse | None:
    """The page to answer instead of filing, when the honeypot is filled or the address is too busy."""
    if not limiter(request, "submit", SUBMISSIONS_PER_WINDOW, SUBMISSION_WINDOW).allow(client_address(request)):
        return render(request, "error.html", status_code=429, status=429, title="มีการส่งข้อมูลถี่เกินไป",
                      message="", headers={"Retry-After": str(int(SUBMISSION_WINDOW))})
    return None


def _complaint_form(request: Request, runtime: RuntimeDep, *, errors: list[str] | None = None,
                    values: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, "complain.html", title="แจ้งเรื่องร้องทุกข์/ร้องเรียนออนไลน์", errors=errors or [],
                  values=values or {}, honeypot=HONEYPOT, due_days=runtime.settings.complaint_due_days,
                  max_mb=runtime.settings.photo_max_bytes // (1024 * 1024), status_code=status_code)


@router.get("/public/complain", response_class=HTMLResponse, summary="the web complaint form (no LINE needed)")
def complain_form(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return _complaint_form(request, runtime)


@router.post("/public/complain", response_class=HTMLResponse, summary="file a complaint from the web",
             responses=RATE_LIMITED)
def complain(request: Request, session: SessionDep, runtime: RuntimeDep, description: Text = "",
             category: Text = "", village: Text = "", name: Text = "", phone: Text = "", photo: Photo = None,
             homepage: Honeypot = "") -> HTMLResponse:
    values = {"description": description, "category": category, "village": village, "name": name, "phone": phone}
    if homepage:
        return render(request, "error.html", status_code=400, status=400, title="ไม่สามารถรับเรื่องได้",
                      message=f"แบบฟอร์มถูกกรอกโดยโปรแกรมอัตโนมัติ หากท่านเป็นผู้ใช้จริง กรุณาโทรแจ้งสำนักงาน{runtime.org.particle}")
    if (refused := _guard(request)) is not None:
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
    phone_no = _phone(phone, errors)
    _lengths({"name": name}, errors)
    raw = _upload(photo, settings.photo_max_bytes)
    if not errors:
        try:
            filed = web_complaints.file_from_web(
                session, org=org, settings=settings, description=description, category=category or None,
                village_no=village_no, name=name.strip() or None, phone=phone_no, photo=raw, now=runtime.clock())
        except PhotoRefused as photo:
            errors.append(f"รับภาพไม่ได้: {photo.reason} กรุณาเลือกไฟล์ภาพ JPEG หรือ PNG {runtime.org.particle}")
        except ComplaintError as error:
            errors.append(str(error))
        else:
            session.commit()
            return render(request, "submitted.html", title="รับเรื่องร้องเรียนแล้ว", code=filed.code,
                          pin=pins.display(filed.pin), kind="complaint",
                          due_days=settings.complaint_due_days, headers=NO_STORE)
    session.rollback()
    return _complaint_form(request, runtime, errors=errors, values=values, status_code=UNPROCESSABLE)


def _tip_form(request: Request, runtime: RuntimeDep, *, errors: list[str] | None = None,
              values: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, "report_corruption.html", title="แจ้งเบาะแสการทุจริตและประพฤติมิชอบ",
                  errors=errors or [], values=values or {}, honeypot=HONEYPOT,
                  max_mb=runtime.settings.photo_max_bytes // (1024 * 1024), status_code=status_code)


@router.get("/public/report-corruption", response_class=HTMLResponse, summary="the web corruption-tip form")
def report_form(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return _tip_form(request, runtime)


@router.post("/public/report-corruption", response_class=HTMLResponse, summary="report corruption from the web",
             responses=RATE_LIMITED)
def report(request: Request, session: SessionDep, runtime: RuntimeDep, description: Text = "", when: Text = "",
           where: Text = "", who: Text = "", name: Text = "", phone: Text = "", evidence: Photo = None,
           homepage: Honeypot = "", type: Text = "") -> HTMLResponse:
    # The reporter's name and phone are never echoed back into a form or a log: only into the seal.
    values = {"description": description, "when": when, "where": where, "who": who, "type": type}
    if homepage:
        return render(request, "error.html", status_code=400, status=400, title="ไม่สามารถรับเรื่องได้",
                      message=f"แบบฟอร์มถูกกรอกโดยโปรแกรมอัตโนมัติ หากท่านเป็นผู้ใช้จริง กรุณาโทรแจ้งสำนักงาน{runtime.org.particle}")
    if (refused := _guard(request)) is not None:
        return refused
    settings, errors = runtime.settings, []
    if not description.strip():
        errors.append(f"กรุณาเล่าพฤติการณ์ที่ต้องการแจ้ง{runtime.org.particle}")
    phone_no = _phone(phone, errors)
    _lengths({"name": name, "when": when, "where": where, "who": who}, errors)
    raw = _upload(evidence, settings.photo_max_bytes)
    if not errors:
        try:
            filed = web_tips.file_from_web(
                session, sealer=runtime.sealer, settings=settings, org=runtime.org, what=description,
                when_text=when.strip(), where_text=where.strip(), who=who.strip(), name=name.strip(),
                phone=phone_no, evidence=raw, now=runtime.clock(), tip_type=type.strip() or None)
        except PhotoRefused as photo:
            errors.append(f"รับหลักฐานไม่ได้: {photo.reason} กรุณาเลือกไฟล์ภาพ JPEG หรือ PNG {runtime.org.particle}")
        except TipError as error:
            errors.append(str(error))
        else:
            session.commit()
            return render(request, "submitted.html", title="รับเบาะแสแล้ว", code=filed.code,
                          pin=pins.display(filed.pin), kind="tip", anonymous=filed.anonymous,
                          handle_days=settings.tip_handle_days, headers=NO_STORE)
    session.rollback()
    return _tip_form(request, runtime, errors=errors, values=values, status_code=UNPROCESSABLE)


@router.get("/public/track", response_class=HTMLResponse, summary="follow a case with its code and tracking PIN",
            responses=RATE_LIMITED)
def track(request: Request, session: SessionDep, runtime: RuntimeDep, code: Annotated[str, Query(max_length=32)] = "",
          pin: Annotated[str, Query(max_length=32)] = "") -> HTMLResponse:
    code = code.strip().upper()
    if not code and not pin:
        return render(request, "track.html", title="ติดตามเรื่อง", code="", headers=NO_STORE)
    if not limiter(request, "track", TRACKS_PER_WINDOW, TRACK_WINDOW).allow(client_address(request)):
        return render(request, "error.html", status_code=429, status=429, title="มีการส่งข้อมูลถี่เกินไป",
                      message="", headers={"Retry-After": str(int(TRACK_WINDOW))})
    record_type = pins.check(session, code, pin) if code and pin else None
    case = tip = None
    if record_type == web_complaints.RECORD_TYPE:
        found = complaints.get(session, code)
        case = web_complaints.view(session, found) if found else None
    elif record_type == web_tips.RECORD_TYPE:
        tip = tips.get(session, code)
    if case is None and tip is None:
        return render(request, "track.html", title="ติดตามเรื่อง", code=code, status_code=404, headers=NO_STORE,
                      errors=[f"ไม่พบเรื่องที่ตรงกับรหัสเรื่องและรหัสติดตามนี้ กรุณาตรวจสอบอีกครั้ง{runtime.org.particle}"])
    return render(request, "track.html", title=f"ติดตามเรื่อง {code}", code=code, case=case,
                  tip_status=web_tips.status_of(tip) if tip else None, headers=NO_STORE)


Recorder = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN))]


@router.post("/api/v1/complaints/{code}/slip", response_class=HTMLResponse, tags=["complaints"],
             summary="issue a tracking PIN and print the complainant's slip (an earlier PIN stops working)")
def complaint_slip(request: Request, code: str, session: SessionDep, runtime: RuntimeDep,
                   member: Recorder) -> HTMLResponse:
    complaint = complaints.get(session, code)
    if complaint is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบเรื่องร้องเรียนนี้")
    now = runtime.clock()
    pin = web_complaints.issue_slip(session, complaint, now)
    staff_service.audit(session, actor=member, action="complaint.slip", record_type="complaint",
                        record_id=complaint.code, now=now)
    session.commit()
    return render(request, "slip.html", title=f"ใบรับเรื่องร้องเรียน {complaint.code}", code=complaint.code,
                  pin=pins.display(pin), created_at=complaint.created_at, due_at=complaint.due_at,
                  headers=NO_STORE)

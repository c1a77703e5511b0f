"""What the web forms for residents without LINE share (the complaint form, the corruption-tip form): their
field types, the honeypot and rate-limit refusals, and the checks of a phone number, a length and an upload.
Each domain's form route (`bot.complaints.public`, `bot.tips.public`) composes these with its own rules."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from bot.portal.guard import HONEYPOT, client_address, limiter
from bot.portal.render import render
from bot.runtime import Runtime

SUBMISSIONS_PER_WINDOW, SUBMISSION_WINDOW = 5, 600.0  # five filings per address per ten minutes, both forms
PHONE = re.compile(r"^0\d{8,9}$")
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
MAX_FIELD = {"name": 200, "when": 300, "where": 300, "who": 2000}

Text = Annotated[str, Form(max_length=20_000)]
# The honeypot must stay empty, and the OpenAPI document says so (maxLength 0); the route still reads any value,
# so that it answers a filled one (a bot's) with its own 400 page rather than a validation error.
Honeypot = Annotated[
    str,
    Form(
        max_length=20_000,
        json_schema_extra={"maxLength": 0},
        description="leave empty: a field people never see; filled, the form is refused (400)",
    ),
]
Photo = Annotated[UploadFile | None, File()]


def phone(raw: str, errors: list[str]) -> str | None:
    """The phone number without spaces and dashes (None when not given); a malformed one adds an error."""
    number = re.sub(r"[\s-]", "", raw)
    if number and not PHONE.match(number):
        errors.append("เบอร์โทรศัพท์ต้องเป็นตัวเลข 9–10 หลัก ขึ้นต้นด้วย 0 เช่น 0812345678")
    return number or None


def upload(file: UploadFile | None, max_bytes: int) -> bytes | None:
    if file is None or not file.filename:
        return None
    data = file.file.read(max_bytes + 1)  # one byte more than allowed is enough to refuse it
    return data or None


def lengths(fields: dict[str, str], errors: list[str]) -> None:
    labels = {"name": "ชื่อ", "when": "เมื่อไร", "where": "ที่ไหน", "who": "ผู้เกี่ยวข้อง"}
    for key, limit in MAX_FIELD.items():
        if len(fields.get(key, "")) > limit:
            errors.append(f"ช่อง “{labels[key]}” ยาวเกิน {limit:,} ตัวอักษร")


def filled_by_robot(request: Request, runtime: Runtime) -> HTMLResponse:
    """The answer to a form whose honeypot was filled: nothing is filed."""
    return render(
        request,
        "error.html",
        status_code=400,
        status=400,
        title="ไม่สามารถรับเรื่องได้",
        message=f"แบบฟอร์มถูกกรอกโดยโปรแกรมอัตโนมัติ หากท่านเป็นผู้ใช้จริง กรุณาโทรแจ้งสำนักงาน{runtime.org.particle}",
    )


def too_busy(request: Request) -> HTMLResponse | None:
    """The page to answer instead of filing when this address filed too often (counts this attempt)."""
    if not limiter(request, "submit", SUBMISSIONS_PER_WINDOW, SUBMISSION_WINDOW).allow(client_address(request)):
        return render(
            request,
            "error.html",
            status_code=429,
            status=429,
            title="มีการส่งข้อมูลถี่เกินไป",
            message="",
            headers={"Retry-After": str(int(SUBMISSION_WINDOW))},
        )
    return None


def page(
    request: Request,
    runtime: Runtime,
    template: str,
    title: str,
    *,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    """A public form's page, blank or shown again with its errors and what was typed."""
    return render(
        request,
        template,
        title=title,
        errors=errors or [],
        values=values or {},
        honeypot=HONEYPOT,
        max_mb=runtime.settings.photo_max_bytes // (1024 * 1024),
        status_code=status_code,
        **extra,
    )

"""`render(request, template, **ctx)`: every public page through one layout (templates/base.html).

Autoescaping is on for every template: text residents wrote is shown as text, never run."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot import thai

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
STATIC_URL = "/static/portal"

# The portal's own menu: every public page a resident or an ITA assessor looks for, at a stable URL.
NAV: list[tuple[str, str]] = [
    ("/", "หน้าหลัก"),
    ("/public/how-to-complain", "วิธีร้องเรียน"),
    ("/public/complain", "แจ้งเรื่องร้องเรียน"),
    ("/public/report-corruption", "แจ้งเบาะแสทุจริต"),
    ("/public/track", "ติดตามเรื่อง"),
    ("/public/complaints", "สถิติ"),
    ("/public/contact", "ติดต่อ"),
]


def _date(value: date | datetime | None, short: bool = False) -> str:
    return "–" if value is None else thai.format_date(value, short=short)


def _datetime(value: datetime | None) -> str:
    return "–" if value is None else thai.format_datetime(value)


def _number(value: float | int | None, digits: int | None = None) -> str:
    """`1,234` or `12.5`; `–` only when there is no figure (0 is a figure)."""
    if value is None:
        return "–"
    if digits is None and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{1 if digits is None else digits}f}"


def _percent(share: float | None, digits: int = 1) -> str:
    """A share 0–1 as `87.5 %`."""
    return "–" if share is None else f"{share * 100:.{digits}f} %"


def _href(url: str | None) -> str:
    """A link staff or the organisation file gave: only web and site-relative addresses, never `javascript:`."""
    url = (url or "").strip()
    return url if url.startswith(("https://", "http://", "/")) and not url.startswith("//") else "#"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html", "svg"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(thai_date=_date, thai_datetime=_datetime, number=_number, percent=_percent, href=_href)
environment.globals.update(static=STATIC_URL)


def _organisation(request: Request) -> Any:
    runtime = getattr(request.app.state, "runtime", None)
    return runtime.org if runtime is not None else None


def _now(request: Request) -> datetime:
    runtime = getattr(request.app.state, "runtime", None)
    return runtime.clock() if runtime is not None else thai.utcnow()


def render_html(request: Request, template: str, **context: Any) -> str:
    """The page as text (for callers that add it to another response)."""
    served = set(request.app.openapi().get("paths", {}))
    return environment.get_template(template).render(
        request=request,
        org=_organisation(request),
        path=request.url.path,
        nav=[(href, label) for href, label in NAV if href in served],
        generated=thai.format_datetime(_now(request)),
        **context,
    )


def render(
    request: Request, template: str, *, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """A public page in the portal's layout; `context` goes to the template (autoescaped)."""
    return HTMLResponse(render_html(request, template, **context), status_code=status_code, headers=headers)


ERROR_TITLES = {
    400: "คำขอไม่ถูกต้อง",
    404: "ไม่พบหน้าที่ท่านต้องการ",
    413: "ไฟล์หรือข้อมูลมีขนาดใหญ่เกินไป",
    422: "ข้อมูลที่ระบุไม่ถูกต้อง",
    429: "มีการส่งข้อมูลถี่เกินไป",
    503: "ระบบไม่พร้อมให้บริการชั่วคราว",
}


def error_page(request: Request, status: int, message: str = "") -> HTMLResponse:
    """The Thai error page of the public site, in the portal's layout: short, no details of the system."""
    return render(
        request,
        "error.html",
        status_code=status,
        status=status,
        title=ERROR_TITLES.get(status, "ไม่สามารถแสดงหน้านี้ได้"),
        message=message,
    )


def svg(markup: str) -> Markup:
    """Mark server-built SVG (from charts.py, which escapes its own labels) as safe to embed."""
    return Markup(markup)

"""The complaint report of a fiscal year (or half of one): a printable public page, the same as PDF for
staff, and a manager's "send to executives", which pushes the link to managers who linked their LINE."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlmodel import col, select

from bot import thai
from bot.chat import messages as m
from bot.complaints.report import REPEAT_AT_LEAST, REPEAT_RADIUS_M, complaint_report
from bot.http import RuntimeDep, SessionDep
from bot.outbox import service as outbox
from bot.portal.pdf import html_to_pdf
from bot.portal.render import render_html
from bot.residents.models import Resident
from bot.staff.models import Role, StaffContact, StaffMember
from bot.staff.roles import require_role
from bot.staff.service import audit

public_router = APIRouter(prefix="/public/reports", tags=["public pages"])
router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

Staff = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN, Role.INTEGRITY_OFFICER))]
Manager = Annotated[StaffMember, Depends(require_role(Role.MANAGER, Role.ADMIN))]
Year = Annotated[int, Path(ge=2500, le=2700, description="B.E. fiscal year")]
Half = Annotated[int | None, Query(ge=1, le=2, description="1: Oct–Mar, 2: Apr–Sep; the whole year when absent")]


def _title(year: int, half: int | None) -> str:
    period = "ประจำปีงบประมาณ" if half is None else f"รอบ 6 เดือน{'แรก' if half == 1 else 'หลัง'} ปีงบประมาณ"
    return f"รายงานผลการดำเนินการเรื่องร้องเรียน {period} {year}"


def _page(request: Request, session: SessionDep, runtime: RuntimeDep, year: int, half: int | None) -> str:
    now = runtime.clock()
    report = complaint_report(session, runtime.org, year, now, half)
    period = thai.half_year_period(year, half)
    return render_html(
        request,
        "complaint_report.html",
        title=_title(year, half),
        r=report,
        period=period,
        due_days=runtime.settings.complaint_due_days,
        repeat_at_least=REPEAT_AT_LEAST,
        repeat_radius_m=REPEAT_RADIUS_M,
    )


@public_router.get("/complaints/{fiscal_year}", response_class=HTMLResponse)
def complaint_report_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, fiscal_year: Year, half: Half = None
) -> HTMLResponse:
    return HTMLResponse(_page(request, session, runtime, fiscal_year, half))


@router.get(
    "/complaints/{fiscal_year}.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}}
)
def complaint_report_pdf(
    request: Request, _: Staff, session: SessionDep, runtime: RuntimeDep, fiscal_year: Year, half: Half = None
) -> Response:
    pdf = html_to_pdf(_page(request, session, runtime, fiscal_year, half))
    name = f"complaints_{fiscal_year}{'' if half is None else f'_h{half}'}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


class Sent(BaseModel):
    recipients: int
    link: str


@router.post("/complaints/{fiscal_year}/send", response_model=Sent)
def send_to_executives(
    request: Request, member: Manager, session: SessionDep, runtime: RuntimeDep, fiscal_year: Year, half: Half = None
) -> Sent:
    """Push the report's link to every manager who linked their LINE account."""
    now = runtime.clock()
    link = f"{str(request.base_url).rstrip('/')}/public/reports/complaints/{fiscal_year}"
    if half is not None:
        link += f"?half={half}"
    linked = session.exec(
        select(StaffContact.resident_id, Resident.line_user_id)
        .join(StaffMember, col(StaffMember.id) == StaffContact.staff_member_id)
        .join(Resident, col(Resident.id) == StaffContact.resident_id)
        .where(
            col(StaffMember.role).in_([Role.MANAGER, Role.ADMIN]),
            col(StaffMember.active),
            col(StaffContact.linked_at).is_not(None),
        )
    ).all()
    text = m.text(f"{_title(fiscal_year, half)}\nจัดทำโดย {member.name} ส่งถึงผู้บริหารเพื่อทราบ{runtime.org.particle}\n{link}")
    count = 0
    for resident_id, user_id in linked:
        if user_id:
            outbox.enqueue_push(session, resident_id=resident_id, user_id=user_id, messages=[text], now=now)
            count += 1
    audit(
        session,
        actor=member,
        action="report.send",
        record_type="complaint_report",
        record_id=fiscal_year,
        now=now,
        detail={"half": half, "recipients": count},
    )
    return Sent(recipients=count, link=link)

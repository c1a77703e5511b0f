"""Admin routes for the information centre: list and search, detail, answer (pushed), staff-recorded
inquiries, and the service statistics of a fiscal year."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel
from sqlalchemy import or_
from sqlmodel import col, func, select

from bot import thai
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep, require_role
from bot.inquiries import service
from bot.inquiries.models import AnswerIn, Inquiry, InquiryIn, InquiryKind, InquiryOut, InquiryStatus
from bot.inquiries.stats import inquiry_stats
from bot.staff.models import Role, StaffMember

router = APIRouter(prefix="/api/v1/inquiries", tags=["inquiries (information centre)"])

Staff = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN,
                                                     Role.INTEGRITY_OFFICER))]
Handler = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN))]


class InquiryPage(BaseModel):
    items: list[InquiryOut]
    total: int
    limit: int
    offset: int


def _out(inquiry: Inquiry, now: datetime) -> InquiryOut:
    return InquiryOut(**inquiry.model_dump(), overdue=service.is_overdue(inquiry, now),
                      answered_on_time=service.answered_on_time(inquiry))


def _found(session: SessionDep, code: str) -> Inquiry:
    inquiry = service.get(session, code)
    if inquiry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"ไม่พบเรื่อง {code}")
    return inquiry


@router.get("", response_model=InquiryPage)
def list_inquiries(
    _: Staff,
    session: SessionDep,
    runtime: RuntimeDep,
    kind: InquiryKind | None = None,
    status_: Annotated[InquiryStatus | None, Query(alias="status")] = None,
    overdue: bool | None = None,
    fiscal_year: int | None = Query(None, ge=2500, le=2700),
    q: str | None = Query(None, max_length=100, description="text search in code, text, answer and contact name"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> InquiryPage:
    now = runtime.clock()
    query = select(Inquiry)
    for column, value in {Inquiry.kind: kind, Inquiry.status: status_, Inquiry.fiscal_year: fiscal_year}.items():
        if value is not None:
            query = query.where(column == value)
    if overdue is not None:
        late = (col(Inquiry.status) == InquiryStatus.RECEIVED) & (col(Inquiry.due_at) <= now)
        query = query.where(late if overdue else ~late)
    if q and q.strip():
        pattern = f"%{q.strip()}%"
        query = query.where(or_(col(Inquiry.code).ilike(pattern), col(Inquiry.text).ilike(pattern),
                                col(Inquiry.answer_text).ilike(pattern), col(Inquiry.contact_name).ilike(pattern)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Inquiry.id).desc()).offset(offset).limit(limit)).all()
    return InquiryPage(items=[_out(i, now) for i in rows], total=total, limit=limit, offset=offset)


@router.post("", response_model=InquiryOut, status_code=status.HTTP_201_CREATED)
def record_inquiry(body: InquiryIn, member: Handler, session: SessionDep, runtime: RuntimeDep) -> InquiryOut:
    """An inquiry that came by walk-in, phone, letter or e-mail, with its channel kept."""
    now = runtime.clock()
    try:
        inquiry = service.record(session, org=runtime.org, kind=body.kind, text=body.text, now=now,
                                 channel=body.channel, contact_name=body.contact_name, phone=body.phone, actor=member)
    except service.InquiryError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from error
    session.commit()
    return _out(inquiry, now)


@router.get("/stats", summary="the information centre's service statistics for one fiscal year (B.E.)")
def stats(_: Staff, session: SessionDep, runtime: RuntimeDep,
          fiscal_year: int | None = Query(None, ge=2500, le=2700)) -> dict[str, Any]:
    now = runtime.clock()
    return inquiry_stats(session, fiscal_year or thai.fiscal_year(now), now)


@router.get("/{code}", response_model=InquiryOut)
def inquiry_detail(code: str, _: Staff, session: SessionDep, runtime: RuntimeDep) -> InquiryOut:
    return _out(_found(session, code), runtime.clock())


@router.post("/{code}/answer", response_model=InquiryOut)
def answer(code: str, body: AnswerIn, member: Handler, session: SessionDep, runtime: RuntimeDep) -> InquiryOut:
    """Answer once; a LINE asker receives it as a push with the rating question."""
    inquiry = _found(session, code)
    now = runtime.clock()
    try:
        service.answer(session, inquiry, org=runtime.org, text=body.text, now=now, actor=member,
                       attachments_url=body.attachments_url)
    except service.AlreadyDone as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except service.InquiryError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from error
    session.commit()
    runtime.wake_outbox()
    return _out(inquiry, now)

"""Admin routes for the information centre: list and search, detail, answer (pushed), staff-recorded
inquiries, and the service statistics of a fiscal year."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from bot import thai
from bot.http import Code, Offset, RuntimeDep, SessionDep
from bot.inquiries import queries, service
from bot.inquiries.models import AnswerIn, Inquiry, InquiryIn, InquiryKind, InquiryOut, InquiryStatus
from bot.inquiries.stats import inquiry_stats
from bot.staff.roles import CaseReader, OfficeStaff

router = APIRouter(prefix="/api/v1/inquiries", tags=["inquiries (information centre)"])

FiscalYear = Annotated[int | None, Query(ge=2500, le=2700, description="B.E.")]
Half = Annotated[int | None, Query(ge=1, le=2, description="1: Oct–Mar, 2: Apr–Sep; the whole year when absent")]


class InquiryPage(BaseModel):
    items: list[InquiryOut]
    total: int
    limit: int
    offset: int


def _out(inquiry: Inquiry, now: datetime) -> InquiryOut:
    return InquiryOut(
        **inquiry.model_dump(),
        overdue=service.is_overdue(inquiry, now),
        answered_on_time=service.answered_on_time(inquiry),
    )


@router.get("", response_model=InquiryPage)
def list_inquiries(
    _: CaseReader,
    session: SessionDep,
    runtime: RuntimeDep,
    kind: InquiryKind | None = None,
    status_: Annotated[InquiryStatus | None, Query(alias="status")] = None,
    overdue: bool | None = None,
    fiscal_year: FiscalYear = None,
    q: str | None = Query(None, max_length=100, description="text search in code, text, answer and contact name"),
    limit: int = Query(50, ge=1, le=200),
    offset: Offset = 0,
) -> InquiryPage:
    now = runtime.clock()
    filters = queries.Filters(kind=kind, status=status_, overdue=overdue, fiscal_year=fiscal_year, q=q)
    rows, total = queries.search(session, filters, now, limit, offset)
    return InquiryPage(items=[_out(i, now) for i in rows], total=total, limit=limit, offset=offset)


@router.post("", response_model=InquiryOut, status_code=status.HTTP_201_CREATED)
def record_inquiry(body: InquiryIn, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep) -> InquiryOut:
    """An inquiry that came by walk-in, phone, letter or e-mail, with its channel kept."""
    now = runtime.clock()
    inquiry = service.record(
        session,
        org=runtime.org,
        kind=body.kind,
        text=body.text,
        now=now,
        channel=body.channel,
        contact_name=body.contact_name,
        phone=body.phone,
        actor=member,
    )
    return _out(inquiry, now)


@router.get("/stats", summary="the information centre's service statistics for one fiscal year (B.E.), or half")
def stats(
    _: CaseReader, session: SessionDep, runtime: RuntimeDep, fiscal_year: FiscalYear = None, half: Half = None
) -> dict[str, Any]:
    now = runtime.clock()
    return inquiry_stats(session, fiscal_year or thai.fiscal_year(now), now, half)


@router.get("/{code}", response_model=InquiryOut)
def inquiry_detail(code: Code, _: CaseReader, session: SessionDep, runtime: RuntimeDep) -> InquiryOut:
    return _out(queries.found(session, code), runtime.clock())


@router.post("/{code}/answer", response_model=InquiryOut)
def answer(code: Code, body: AnswerIn, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep) -> InquiryOut:
    """Answer once (409 after that); a LINE asker receives it as a push with the rating question."""
    inquiry = queries.found(session, code)
    now = runtime.clock()
    service.answer(
        session, inquiry, org=runtime.org, text=body.text, now=now, actor=member, attachments_url=body.attachments_url
    )
    return _out(inquiry, now)

"""Admin routes for complaints: list and search, detail with timeline, transitions, statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel
from sqlmodel import col, select

from bot import thai
from bot.complaints import queue, service
from bot.complaints.models import (
    FINISHED,
    Complaint,
    ComplaintDetail,
    ComplaintIn,
    ComplaintOut,
    ComplaintPhoto,
    ComplaintUpdate,
    PhotoStatus,
    ReclassifyIn,
    SourceChannel,
    Status,
    TransitionIn,
    UpdateOut,
)
from bot.complaints.queue import QueueFilter
from bot.complaints.stats import complaint_stats
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep, require_role
from bot.staff.models import Role, StaffMember

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"])

Staff = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN,
                                                     Role.INTEGRITY_OFFICER))]
Handler = Annotated[StaffMember, Depends(require_role(Role.OFFICER, Role.MANAGER, Role.ADMIN))]


class ComplaintPage(BaseModel):
    items: list[ComplaintOut]
    total: int
    limit: int
    offset: int


def _out(complaint: Complaint, now: Any, photos: int = 0) -> ComplaintOut:
    overdue = complaint.status not in FINISHED and complaint.first_due_at <= now
    return ComplaintOut(**complaint.model_dump(), overdue=overdue, photos=photos)


def _found(session: SessionDep, code: str) -> Complaint:
    complaint = service.get(session, code)
    if complaint is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"ไม่พบเรื่องร้องเรียน {code}")
    return complaint


@router.get("", response_model=ComplaintPage)
def list_complaints(
    _: Staff,
    session: SessionDep,
    runtime: RuntimeDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    category: str | None = None,
    village: int | None = None,
    unit: str | None = None,
    overdue: bool | None = None,
    source_channel: SourceChannel | None = None,
    fiscal_year: int | None = Query(None, ge=2500, le=2700),
    q: str | None = Query(None, max_length=100, description="text search in code, description and address"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> ComplaintPage:
    now = runtime.clock()
    wanted = QueueFilter(status=status_, category=category, village=village, unit=unit, overdue=overdue,
                         source_channel=source_channel, fiscal_year=fiscal_year, q=q)
    rows, total = queue.search(session, wanted, now=now, limit=limit, offset=offset)
    return ComplaintPage(items=[_out(c, now) for c in rows], total=total, limit=limit, offset=offset)


@router.post("", response_model=ComplaintOut, status_code=status.HTTP_201_CREATED)
def record_complaint(body: ComplaintIn, member: Handler, session: SessionDep, runtime: RuntimeDep) -> ComplaintOut:
    """A complaint that came by phone, walk-in, letter or the 1567 centre, with its channel kept."""
    now = runtime.clock()
    try:
        complaint = service.file_complaint(
            session, org=runtime.org, settings=runtime.settings, category=body.category,
            description=body.description, now=now, source=body.source_channel, village_no=body.village_no,
            address=body.address, phone=body.phone, contact_name=body.contact_name, actor=member)
    except service.ComplaintError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from error
    session.commit()
    return _out(complaint, now)


@router.get("/stats", summary="statistics for one fiscal year (B.E.)")
def stats(_: Staff, session: SessionDep, runtime: RuntimeDep,
          fiscal_year: int | None = Query(None, ge=2500, le=2700)) -> dict[str, Any]:
    now = runtime.clock()
    return complaint_stats(session, fiscal_year or thai.fiscal_year(now), now)


@router.get("/{code}", response_model=ComplaintDetail)
def complaint_detail(code: str, _: Staff, session: SessionDep, runtime: RuntimeDep) -> ComplaintDetail:
    complaint = _found(session, code)
    updates = session.exec(select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint.id)
                           .order_by(col(ComplaintUpdate.id))).all()
    photos = session.exec(select(ComplaintPhoto.id).where(ComplaintPhoto.complaint_id == complaint.id,
                                                          ComplaintPhoto.status == PhotoStatus.STORED)).all()
    base = _out(complaint, runtime.clock(), len(photos))
    return ComplaintDetail(**base.model_dump(), timeline=[UpdateOut.model_validate(u, from_attributes=True)
                                                          for u in updates],
                           photo_ids=[p for p in photos if p is not None])


@router.post("/{code}/transitions", response_model=ComplaintDetail)
def move(code: str, body: TransitionIn, member: Handler, session: SessionDep,
         runtime: RuntimeDep) -> ComplaintDetail:
    complaint = _found(session, code)
    if body.assigned_staff_id is not None and session.get(StaffMember, body.assigned_staff_id) is None:
        raise HTTPException(UNPROCESSABLE, "ไม่พบเจ้าหน้าที่ที่ระบุ")
    try:
        service.transition(session, complaint, body.status, org=runtime.org, now=runtime.clock(), actor=member,
                           public_note=body.public_note, internal_note=body.internal_note, unit=body.unit,
                           assigned_staff_id=body.assigned_staff_id, expected_date=body.expected_date)
    except service.InvalidTransition as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except service.ComplaintError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from error
    session.commit()
    return complaint_detail(code, member, session, runtime)


@router.post("/{code}/category", response_model=ComplaintDetail)
def reclassify(code: str, body: ReclassifyIn, member: Handler, session: SessionDep,
               runtime: RuntimeDep) -> ComplaintDetail:
    """Correct the category (residents pick the wrong one); audited and kept in the timeline."""
    complaint = _found(session, code)
    try:
        service.reclassify(session, complaint, body.category, org=runtime.org, actor=member, now=runtime.clock(),
                           reason=body.reason)
    except service.ComplaintError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from error
    session.commit()
    return complaint_detail(code, member, session, runtime)


@router.get("/{code}/photos/{photo_id}", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
def photo(code: str, photo_id: int, _: Staff, session: SessionDep) -> Response:
    complaint = _found(session, code)
    stored = session.get(ComplaintPhoto, photo_id)
    if stored is None or stored.complaint_id != complaint.id or stored.status != PhotoStatus.STORED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบรูปนี้")
    return Response(stored.data or b"", media_type=stored.content_type or "image/jpeg")

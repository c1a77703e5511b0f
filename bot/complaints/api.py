"""Admin routes for complaints: list and search, detail with timeline, transitions, re-classification,
statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from bot import thai
from bot.complaints import queries, queue, service
from bot.complaints.models import (
    Complaint,
    ComplaintDetail,
    ComplaintIn,
    ComplaintOut,
    ReclassifyIn,
    SourceChannel,
    Status,
    TransitionIn,
    UpdateOut,
)
from bot.complaints.queue import QueueFilter
from bot.complaints.stats import complaint_stats
from bot.errors import Invalid
from bot.http import Code, Offset, RecordId, RuntimeDep, SessionDep, VillageNo
from bot.staff.models import StaffMember
from bot.staff.roles import CaseReader, OfficeStaff

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"])

FiscalYear = Annotated[int | None, Query(ge=2500, le=2700, description="B.E.")]
Label = Annotated[str | None, Query(max_length=64)]


class ComplaintPage(BaseModel):
    items: list[ComplaintOut]
    total: int
    limit: int
    offset: int


def _out(complaint: Complaint, now: Any, photos: int = 0) -> ComplaintOut:
    return ComplaintOut(**complaint.model_dump(), overdue=queue.is_overdue(complaint, now), photos=photos)


@router.get("", response_model=ComplaintPage)
def list_complaints(
    _: CaseReader,
    session: SessionDep,
    runtime: RuntimeDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    category: Label = None,
    village: VillageNo = None,
    unit: Label = None,
    overdue: bool | None = None,
    source_channel: SourceChannel | None = None,
    fiscal_year: FiscalYear = None,
    q: str | None = Query(None, max_length=100, description="text search in code, description and address"),
    limit: int = Query(50, ge=1, le=200),
    offset: Offset = 0,
) -> ComplaintPage:
    now = runtime.clock()
    wanted = QueueFilter(
        status=status_,
        category=category,
        village=village,
        unit=unit,
        overdue=overdue,
        source_channel=source_channel,
        fiscal_year=fiscal_year,
        q=q,
    )
    rows, total = queue.search(session, wanted, now=now, limit=limit, offset=offset)
    photos = queries.stored_photo_counts(session, rows)
    return ComplaintPage(
        items=[_out(c, now, photos.get(c.id or 0, 0)) for c in rows], total=total, limit=limit, offset=offset
    )


@router.post("", response_model=ComplaintOut, status_code=status.HTTP_201_CREATED)
def record_complaint(body: ComplaintIn, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep) -> ComplaintOut:
    """A complaint that came by phone, walk-in, letter or the 1567 centre, with its channel kept."""
    now = runtime.clock()
    complaint = service.file_complaint(
        session,
        org=runtime.org,
        settings=runtime.settings,
        category=body.category,
        description=body.description,
        now=now,
        source=body.source_channel,
        village_no=body.village_no,
        address=body.address,
        phone=body.phone,
        contact_name=body.contact_name,
        actor=member,
    )
    return _out(complaint, now)


@router.get("/stats", summary="statistics for one fiscal year (B.E.)")
def stats(_: CaseReader, session: SessionDep, runtime: RuntimeDep, fiscal_year: FiscalYear = None) -> dict[str, Any]:
    now = runtime.clock()
    return complaint_stats(session, fiscal_year or thai.fiscal_year(now), now)


@router.get("/{code}", response_model=ComplaintDetail)
def complaint_detail(code: Code, _: CaseReader, session: SessionDep, runtime: RuntimeDep) -> ComplaintDetail:
    complaint = queries.found(session, code)
    photos = queries.stored_photo_ids(session, complaint)
    base = _out(complaint, runtime.clock(), len(photos))
    return ComplaintDetail(
        **base.model_dump(),
        photo_ids=photos,
        timeline=[UpdateOut.model_validate(u, from_attributes=True) for u in queries.timeline(session, complaint)],
    )


@router.post("/{code}/transitions", response_model=ComplaintDetail)
def move(
    code: Code, body: TransitionIn, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep
) -> ComplaintDetail:
    complaint = queries.found(session, code)
    if body.assigned_staff_id is not None and session.get(StaffMember, body.assigned_staff_id) is None:
        raise Invalid("ไม่พบเจ้าหน้าที่ที่ระบุ")
    service.transition(
        session,
        complaint,
        body.status,
        org=runtime.org,
        now=runtime.clock(),
        actor=member,
        public_note=body.public_note,
        internal_note=body.internal_note,
        unit=body.unit,
        assigned_staff_id=body.assigned_staff_id,
        expected_date=body.expected_date,
    )
    return complaint_detail(code, member, session, runtime)


@router.post("/{code}/category", response_model=ComplaintDetail)
def reclassify(
    code: Code, body: ReclassifyIn, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep
) -> ComplaintDetail:
    """Correct the category (residents pick the wrong one); audited and kept in the timeline."""
    complaint = queries.found(session, code)
    service.reclassify(
        session, complaint, body.category, org=runtime.org, actor=member, now=runtime.clock(), reason=body.reason
    )
    return complaint_detail(code, member, session, runtime)


@router.get("/{code}/photos/{photo_id}", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
def photo(code: Code, photo_id: RecordId, _: CaseReader, session: SessionDep) -> Response:
    stored = queries.stored_photo(session, queries.found(session, code), photo_id)
    return Response(stored.data or b"", media_type=stored.content_type or "image/jpeg")

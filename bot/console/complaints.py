"""Complaint pages: the queue, recording a phone / walk-in / letter / 1567 case, the case page with its
transition form and a preview of exactly what the complainant will receive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from bot import thai
from bot.complaints import queue, service
from bot.complaints.models import Complaint, SourceChannel, Status
from bot.complaints.queue import QueueFilter
from bot.complaints.texts import SOURCE_NAMES, STATUS_NAMES
from bot.console.web import HANDLERS, READERS, ConsoleUser, back_to, only, posting, render, whole
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.staff.models import StaffMember

router = APIRouter(prefix="/console/complaints", include_in_schema=False)

Reader = Annotated[ConsoleUser, Depends(only(*READERS))]
Handler = Annotated[ConsoleUser, Depends(only(*HANDLERS))]
HandlerPost = Annotated[ConsoleUser, Depends(posting(*HANDLERS))]
PAGE_SIZE = 50
OTHER_CHANNELS = [c for c in SourceChannel if c not in (SourceChannel.LINE, SourceChannel.WEB)]


def _found(session: SessionDep, code: str) -> Complaint:
    complaint = service.get(session, code)
    if complaint is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"ไม่พบเรื่องร้องเรียน {code}")
    return complaint


@router.get("", response_class=HTMLResponse)
def complaint_queue(
    request: Request,
    user: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
) -> HTMLResponse:
    params = request.query_params
    now = runtime.clock()
    overdue = {"yes": True, "no": False}.get(params.get("overdue", ""))
    wanted = QueueFilter(
        status=params.get("status") if params.get("status") in STATUS_NAMES else None,
        category=params.get("category") or None,
        village=whole(params.get("village")),
        unit=params.get("unit") or None,
        overdue=overdue,
        source_channel=params.get("source_channel") if params.get("source_channel") in SOURCE_NAMES else None,
        fiscal_year=whole(params.get("fiscal_year")),
        q=(params.get("q") or "")[:100] or None,
    )
    page = max(whole(params.get("page")) or 1, 1)
    rows, total = queue.search(session, wanted, now=now, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    kept = {k: v for k, v in params.items() if k != "page" and v}
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    items = [(c, queue.days_left(c, now), queue.is_overdue(c, now)) for c in rows]
    return render(
        request,
        user,
        "complaints/queue.html",
        items=items,
        total=total,
        page=page,
        pages=pages,
        wanted=wanted,
        overdue=params.get("overdue", ""),
        query=urlencode(kept),
        statuses=STATUS_NAMES,
        sources=SOURCE_NAMES,
        fiscal_years=_fiscal_years(now),
        can_record=user.role in HANDLERS,
        category_names={c.key: c.name for c in runtime.org.categories},
    )


def _fiscal_years(now: datetime) -> list[int]:
    current = thai.fiscal_year(now)
    return list(range(current, current - 5, -1))


@router.get("/new", response_class=HTMLResponse)
def new_form(request: Request, user: Handler) -> HTMLResponse:
    return render(
        request, user, "complaints/new.html", channels=OTHER_CHANNELS, sources=SOURCE_NAMES, form={}, error=None
    )


@router.post("/new", response_class=HTMLResponse)
def record(
    request: Request,
    user: HandlerPost,
    session: SessionDep,
    runtime: RuntimeDep,
    source_channel: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
    village_no: Annotated[str, Form()] = "",
    contact_name: Annotated[str, Form(max_length=200)] = "",
    phone: Annotated[str, Form(max_length=20)] = "",
    address: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """A complaint that came by phone, walk-in, letter or the 1567 centre, with its channel kept."""
    form = {
        "source_channel": source_channel,
        "category": category,
        "description": description,
        "village_no": village_no,
        "contact_name": contact_name,
        "phone": phone,
        "address": address,
    }
    error = None
    if source_channel not in {c.value for c in OTHER_CHANNELS}:
        error = "กรุณาเลือกช่องทางที่รับเรื่อง"
    else:
        try:
            complaint = service.file_complaint(
                session,
                org=runtime.org,
                settings=runtime.settings,
                category=category,
                description=description,
                now=runtime.clock(),
                source=SourceChannel(source_channel),
                village_no=whole(village_no),
                address=address.strip() or None,
                phone=phone.strip() or None,
                contact_name=contact_name.strip() or None,
                actor=user.member,
            )
        except service.ComplaintError as refused:
            error = str(refused)
    if error is not None:
        session.rollback()
        return render(
            request,
            user,
            "complaints/new.html",
            status_code=UNPROCESSABLE,
            channels=OTHER_CHANNELS,
            sources=SOURCE_NAMES,
            form=form,
            error=error,
        )
    return back_to(f"/console/complaints/{complaint.code}?done=recorded")


def _case_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    complaint: Complaint,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = runtime.clock()
    staff = session.exec(select(StaffMember).where(col(StaffMember.active)).order_by(col(StaffMember.name))).all()
    assignee = session.get(StaffMember, complaint.assigned_staff_id) if complaint.assigned_staff_id else None
    return render(
        request,
        user,
        "complaints/case.html",
        status_code=status_code,
        c=complaint,
        timeline=queue.timeline(session, complaint),
        photo_ids=queue.photo_ids(session, complaint),
        days_left=queue.days_left(complaint, now),
        overdue=queue.is_overdue(complaint, now),
        allowed=service.allowed_next(complaint),
        statuses=STATUS_NAMES,
        staff=staff,
        assignee=assignee,
        reaches=service.reaches_resident(session, complaint),
        can_handle=user.role in HANDLERS,
        category=next((c.name for c in runtime.org.categories if c.key == complaint.category), complaint.category),
        village=runtime.org.village(complaint.village_no) if complaint.village_no else None,
        error=error,
        form=form or {},
        done=request.query_params.get("done"),
    )


@router.get("/{code}", response_class=HTMLResponse)
def case(code: str, request: Request, user: Reader, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    return _case_page(request, user, session, runtime, _found(session, code))


def _expected(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value.strip() else None
    except ValueError as error:
        raise service.ComplaintError("วันที่คาดว่าจะแล้วเสร็จไม่ถูกต้อง") from error


@router.get("/{code}/preview", response_class=HTMLResponse)
def preview(code: str, request: Request, user: Handler, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    """The messages the complainant would receive for the change in the form, built by the domain's own texts."""
    complaint = _found(session, code)
    params = request.query_params
    error, messages = None, []
    try:
        target = Status(params.get("status", ""))
        expected = _expected(params.get("expected_date", ""))
        new_due = service.end_of_local_day(expected) if expected else None
        messages = service.messages_for_change(complaint, runtime.org, target, params.get("public_note"), new_due)
    except ValueError as refused:
        error = str(refused) if isinstance(refused, service.ComplaintError) else "เลือกสถานะก่อน"
    return render(
        request,
        user,
        "complaints/_preview.html",
        messages=messages,
        error=error,
        reaches=service.reaches_resident(session, complaint),
    )


@router.post("/{code}", response_class=HTMLResponse)
def move(
    code: str,
    request: Request,
    user: HandlerPost,
    session: SessionDep,
    runtime: RuntimeDep,
    status_: Annotated[str, Form(alias="status")] = "",
    public_note: Annotated[str, Form(max_length=2000)] = "",
    internal_note: Annotated[str, Form(max_length=4000)] = "",
    unit: Annotated[str, Form(max_length=64)] = "",
    assigned_staff_id: Annotated[str, Form()] = "",
    expected_date: Annotated[str, Form()] = "",
) -> Response:
    complaint = _found(session, code)
    form = {
        "status": status_,
        "public_note": public_note,
        "internal_note": internal_note,
        "unit": unit,
        "assigned_staff_id": assigned_staff_id,
        "expected_date": expected_date,
    }
    try:
        if status_ not in STATUS_NAMES:
            raise service.ComplaintError("กรุณาเลือกสถานะใหม่")
        assignee = whole(assigned_staff_id)
        if assignee is not None and session.get(StaffMember, assignee) is None:
            raise service.ComplaintError("ไม่พบเจ้าหน้าที่ที่ระบุ")
        service.transition(
            session,
            complaint,
            Status(status_),
            org=runtime.org,
            now=runtime.clock(),
            actor=user.member,
            public_note=public_note,
            internal_note=internal_note.strip() or None,
            unit=unit or None,
            assigned_staff_id=assignee,
            expected_date=_expected(expected_date),
        )
    except service.ComplaintError as refused:
        session.rollback()
        conflict = isinstance(refused, service.InvalidTransition)
        return _case_page(
            request,
            user,
            session,
            runtime,
            _found(session, code),
            error=str(refused),
            form=form,
            status_code=status.HTTP_409_CONFLICT if conflict else UNPROCESSABLE,
        )
    return back_to(f"/console/complaints/{complaint.code}?done=moved")


@router.get("/{code}/photos/{photo_id}")
def photo(code: str, photo_id: int, user: Reader, session: SessionDep) -> Response:
    stored = queue.stored_photo(session, _found(session, code), photo_id)
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ไม่พบรูปนี้")
    return Response(
        stored.data or b"",
        media_type=stored.content_type or "image/jpeg",
        headers={"Cache-Control": "private, max-age=3600"},
    )

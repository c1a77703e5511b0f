"""Tip pages, for integrity officers only: every other role gets 404 and sees no menu entry. Every read is
audited; the reporter's name and phone appear only after an explicit, separately audited "reveal"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, func, select

from bot import thai
from bot.console.web import ConsoleUser, back_to, csrf_checked, hidden_unless, render, whole
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.staff import service as staff_service
from bot.staff.models import Role
from bot.tips import queries, service
from bot.tips.models import Tip, TipStatus, TipUpdate
from bot.tips.texts import STATUS_NAMES

router = APIRouter(prefix="/console/tips", include_in_schema=False)

Officer = Annotated[ConsoleUser, Depends(hidden_unless(Role.INTEGRITY_OFFICER))]


async def _officer_post(request: Request, user: Officer) -> ConsoleUser:
    return await csrf_checked(request, user)


OfficerPost = Annotated[ConsoleUser, Depends(_officer_post)]
PAGE_SIZE = 50


def _found(session: SessionDep, code: str) -> Tip:
    tip = service.get(session, code)
    if tip is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    return tip


@router.get("", response_class=HTMLResponse)
def tip_list(request: Request, user: Officer, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    params = request.query_params
    query = select(Tip)
    wanted_status = params.get("status") if params.get("status") in STATUS_NAMES else None
    if wanted_status:
        query = query.where(Tip.status == wanted_status)
    if (year := whole(params.get("fiscal_year"))) is not None:
        query = query.where(Tip.fiscal_year == year)
    if params.get("flagged") == "yes":
        query = query.where(col(Tip.flagged_at).is_not(None))
    page = max(whole(params.get("page")) or 1, 1)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Tip.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    staff_service.audit(
        session,
        actor=user.member,
        action="tip.list",
        record_type="tip",
        now=runtime.clock(),
        detail={"codes": [t.code for t in rows]},
    )
    current = thai.fiscal_year(runtime.clock())
    return render(
        request,
        user,
        "tips/list.html",
        tips=rows,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        statuses=STATUS_NAMES,
        wanted_status=wanted_status,
        fiscal_years=list(range(current, current - 5, -1)),
        fiscal_year=params.get("fiscal_year", ""),
        flagged=params.get("flagged", ""),
    )


def _tip_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    tip: Tip,
    *,
    reporter: dict[str, object] | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    updates = session.exec(select(TipUpdate).where(TipUpdate.tip_id == tip.id).order_by(col(TipUpdate.id))).all()
    evidence = queries.stored_evidence_ids(session, tip)
    staff_service.audit(
        session, actor=user.member, action="tip.read", record_type="tip", record_id=tip.code, now=runtime.clock()
    )
    return render(
        request,
        user,
        "tips/tip.html",
        status_code=status_code,
        tip=tip,
        timeline=updates,
        evidence=evidence,
        allowed=service.allowed_next(tip),
        statuses=STATUS_NAMES,
        reporter=reporter,
        error=error,
        form=form or {},
        done=request.query_params.get("done"),
    )


@router.get("/{code}", response_class=HTMLResponse)
def tip_page(code: str, request: Request, user: Officer, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    return _tip_page(request, user, session, runtime, _found(session, code))


@router.post("/{code}/reveal", response_class=HTMLResponse)
def reveal(code: str, request: Request, user: OfficerPost, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    """The named reporter's name and phone, written to the audit log before they are shown."""
    tip = _found(session, code)
    if tip.anonymous:
        return _tip_page(
            request, user, session, runtime, tip, error="ผู้แจ้งเลือกไม่เปิดเผยตัวตน ไม่มีข้อมูลให้แสดง", status_code=UNPROCESSABLE
        )
    identity = service.reporter_of(runtime.sealer, tip)
    staff_service.audit(
        session,
        actor=user.member,
        action="tip.reveal_reporter",
        record_type="tip",
        record_id=tip.code,
        now=runtime.clock(),
    )
    reporter = {
        "name": identity.get("name"),
        "phone": identity.get("phone"),
        "reachable_in_line": bool(identity.get("line_user_id")),
    }
    return _tip_page(request, user, session, runtime, tip, reporter=reporter)


@router.post("/{code}", response_class=HTMLResponse)
def move(
    code: str,
    request: Request,
    user: OfficerPost,
    session: SessionDep,
    runtime: RuntimeDep,
    status_: Annotated[str, Form(alias="status")] = "",
    public_note: Annotated[str, Form(max_length=2000)] = "",
    internal_note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    tip = _found(session, code)
    form = {"status": status_, "public_note": public_note, "internal_note": internal_note}
    try:
        if status_ not in STATUS_NAMES:
            raise service.TipError("กรุณาเลือกสถานะใหม่")
        service.transition(
            session,
            tip,
            TipStatus(status_),
            sealer=runtime.sealer,
            org=runtime.org,
            actor=user.member,
            now=runtime.clock(),
            public_note=public_note,
            internal_note=internal_note.strip() or None,
        )
    except service.TipError as refused:
        session.rollback()
        conflict = isinstance(refused, service.InvalidTipTransition)
        return _tip_page(
            request,
            user,
            session,
            runtime,
            _found(session, code),
            error=str(refused),
            form=form,
            status_code=status.HTTP_409_CONFLICT if conflict else UNPROCESSABLE,
        )
    staff_service.audit(
        session,
        actor=user.member,
        action="tip.transition",
        record_type="tip",
        record_id=tip.code,
        now=runtime.clock(),
        detail={"status": status_},
    )
    return back_to(f"/console/tips/{tip.code}?done=moved")


@router.get("/{code}/evidence/{evidence_id}")
def evidence(code: str, evidence_id: int, user: Officer, session: SessionDep, runtime: RuntimeDep) -> Response:
    tip = _found(session, code)
    stored = queries.evidence_file(session, tip, evidence_id)
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    staff_service.audit(
        session,
        actor=user.member,
        action="tip.evidence_read",
        record_type="tip",
        record_id=tip.code,
        now=runtime.clock(),
        detail={"evidence_id": evidence_id},
    )
    return Response(
        stored.data or b"", media_type=stored.content_type or "image/jpeg", headers={"Cache-Control": "no-store"}
    )

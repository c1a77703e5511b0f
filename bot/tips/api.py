"""Admin routes for tips, for integrity officers only: anyone else gets 404, as if nothing were here.
Every read is written to the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel
from sqlmodel import col, func, select

from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep, bearer
from bot.staff import service as staff_service
from bot.staff.models import Role, StaffMember
from bot.tips import service
from bot.tips.models import (
    Tip,
    TipDetail,
    TipEvidence,
    TipOut,
    TipStatus,
    TipTransitionIn,
    TipTypeIn,
    TipUpdate,
    TipUpdateOut,
)

router = APIRouter(prefix="/api/v1/tips", tags=["tips (integrity officers)"])

NOT_FOUND = "ไม่พบ"


def integrity_officer(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> StaffMember:
    """Only integrity officers; every other caller, signed in or not, is told the route does not exist."""
    member = staff_service.authenticate(session, credentials.credentials) if credentials else None
    if member is None or member.role != Role.INTEGRITY_OFFICER:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    return member


Officer = Annotated[StaffMember, Depends(integrity_officer)]


class TipPage(BaseModel):
    items: list[TipOut]
    total: int
    limit: int
    offset: int


def _out(tip: Tip) -> TipOut:
    return TipOut(**tip.model_dump(), flagged=tip.flagged_at is not None)


def _found(session: SessionDep, code: str) -> Tip:
    tip = service.get(session, code)
    if tip is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{NOT_FOUND}เบาะแส {code}")
    return tip


@router.get("", response_model=TipPage)
def list_tips(
    member: Officer,
    session: SessionDep,
    runtime: RuntimeDep,
    status_: Annotated[TipStatus | None, Query(alias="status")] = None,
    fiscal_year: int | None = Query(None, ge=2500, le=2700),
    flagged: bool | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> TipPage:
    query = select(Tip)
    if status_ is not None:
        query = query.where(Tip.status == status_)
    if fiscal_year is not None:
        query = query.where(Tip.fiscal_year == fiscal_year)
    if flagged is not None:
        query = query.where(col(Tip.flagged_at).is_not(None) if flagged else col(Tip.flagged_at).is_(None))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Tip.id).desc()).offset(offset).limit(limit)).all()
    staff_service.audit(session, actor=member, action="tip.list", record_type="tip", now=runtime.clock(),
                        detail={"codes": [t.code for t in rows]})
    session.commit()
    return TipPage(items=[_out(t) for t in rows], total=total, limit=limit, offset=offset)


@router.get("/{code}", response_model=TipDetail)
def tip_detail(code: str, member: Officer, session: SessionDep, runtime: RuntimeDep,
               reveal_reporter: bool = False) -> TipDetail:
    """One tip with its timeline; the reporter's name and phone only on request, separately audited."""
    tip = _found(session, code)
    updates = session.exec(select(TipUpdate).where(TipUpdate.tip_id == tip.id).order_by(col(TipUpdate.id))).all()
    evidence = session.exec(select(TipEvidence.id).where(TipEvidence.tip_id == tip.id,
                                                         TipEvidence.status == "stored")).all()
    now = runtime.clock()
    staff_service.audit(session, actor=member, action="tip.read", record_type="tip", record_id=tip.code, now=now)
    reporter = None
    if reveal_reporter and not tip.anonymous:
        identity = service.reporter_of(runtime.sealer, tip)
        reporter = {"name": identity.get("name"), "phone": identity.get("phone"),
                    "reachable_in_line": bool(identity.get("line_user_id"))}
        staff_service.audit(session, actor=member, action="tip.reveal_reporter", record_type="tip",
                            record_id=tip.code, now=now)
    session.commit()
    return TipDetail(**_out(tip).model_dump(), timeline=[TipUpdateOut.model_validate(u, from_attributes=True)
                                                         for u in updates],
                     evidence_ids=[e for e in evidence if e is not None], reporter=reporter)


@router.post("/{code}/transitions", response_model=TipDetail)
def move(code: str, body: TipTransitionIn, member: Officer, session: SessionDep, runtime: RuntimeDep) -> TipDetail:
    tip = _found(session, code)
    try:
        service.transition(session, tip, body.status, sealer=runtime.sealer, org=runtime.org, actor=member,
                           now=runtime.clock(), public_note=body.public_note, internal_note=body.internal_note)
    except service.InvalidTipTransition as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except service.TipError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from error
    staff_service.audit(session, actor=member, action="tip.transition", record_type="tip", record_id=tip.code,
                        now=runtime.clock(), detail={"status": body.status})
    session.commit()
    return tip_detail(code, member, session, runtime)


@router.post("/{code}/type", response_model=TipDetail)
def classify(code: str, body: TipTypeIn, member: Officer, session: SessionDep, runtime: RuntimeDep) -> TipDetail:
    """Classify a tip (org file `tip_types`): the outcome indicators count tips by their type."""
    tip = _found(session, code)
    try:
        service.classify(session, tip, body.type, org=runtime.org, actor=member, now=runtime.clock(),
                         reason=body.reason)
    except service.TipError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from error
    session.commit()
    return tip_detail(code, member, session, runtime)


@router.get("/{code}/evidence/{evidence_id}", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}})
def evidence(code: str, evidence_id: int, member: Officer, session: SessionDep, runtime: RuntimeDep) -> Response:
    tip = _found(session, code)
    stored = session.get(TipEvidence, evidence_id)
    if stored is None or stored.tip_id != tip.id or stored.status != "stored":
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{NOT_FOUND}หลักฐานนี้")
    staff_service.audit(session, actor=member, action="tip.evidence_read", record_type="tip", record_id=tip.code,
                        now=runtime.clock(), detail={"evidence_id": evidence_id})
    session.commit()
    return Response(stored.data or b"", media_type=stored.content_type or "image/jpeg")

"""Admin routes for tips, for integrity officers only: anyone else gets 404, as if nothing were here.
Every read is written to the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from bot.http import Code, Offset, RecordId, RuntimeDep, SessionDep
from bot.staff import service as staff_service
from bot.staff.roles import IntegrityOfficer
from bot.tips import queries, service
from bot.tips.models import Tip, TipDetail, TipOut, TipStatus, TipTransitionIn, TipTypeIn, TipUpdateOut

router = APIRouter(prefix="/api/v1/tips", tags=["tips (integrity officers)"])


class TipPage(BaseModel):
    items: list[TipOut]
    total: int
    limit: int
    offset: int


def _out(tip: Tip) -> TipOut:
    return TipOut(**tip.model_dump(), flagged=tip.flagged_at is not None)


@router.get("", response_model=TipPage)
def list_tips(
    member: IntegrityOfficer,
    session: SessionDep,
    runtime: RuntimeDep,
    status_: Annotated[TipStatus | None, Query(alias="status")] = None,
    fiscal_year: int | None = Query(None, ge=2500, le=2700),
    flagged: bool | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: Offset = 0,
) -> TipPage:
    rows, total = queries.search(session, status_, fiscal_year, flagged, limit, offset)
    staff_service.audit(
        session,
        actor=member,
        action="tip.list",
        record_type="tip",
        now=runtime.clock(),
        detail={"codes": [t.code for t in rows]},
    )
    return TipPage(items=[_out(t) for t in rows], total=total, limit=limit, offset=offset)


@router.get("/{code}", response_model=TipDetail)
def tip_detail(
    code: Code, member: IntegrityOfficer, session: SessionDep, runtime: RuntimeDep, reveal_reporter: bool = False
) -> TipDetail:
    """One tip with its timeline; the reporter's name and phone only on request, separately audited."""
    tip = queries.found(session, code)
    now = runtime.clock()
    staff_service.audit(session, actor=member, action="tip.read", record_type="tip", record_id=tip.code, now=now)
    reporter = None
    if reveal_reporter and not tip.anonymous:
        identity = service.reporter_of(runtime.sealer, tip)
        reporter = {
            "name": identity.get("name"),
            "phone": identity.get("phone"),
            "reachable_in_line": bool(identity.get("line_user_id")),
        }
        staff_service.audit(
            session, actor=member, action="tip.reveal_reporter", record_type="tip", record_id=tip.code, now=now
        )
    return TipDetail(
        **_out(tip).model_dump(),
        timeline=[TipUpdateOut.model_validate(u, from_attributes=True) for u in queries.timeline(session, tip)],
        evidence_ids=queries.stored_evidence_ids(session, tip),
        reporter=reporter,
    )


@router.post("/{code}/transitions", response_model=TipDetail)
def move(
    code: Code, body: TipTransitionIn, member: IntegrityOfficer, session: SessionDep, runtime: RuntimeDep
) -> TipDetail:
    tip = queries.found(session, code)
    service.transition(
        session,
        tip,
        body.status,
        sealer=runtime.sealer,
        org=runtime.org,
        actor=member,
        now=runtime.clock(),
        public_note=body.public_note,
        internal_note=body.internal_note,
    )
    staff_service.audit(
        session,
        actor=member,
        action="tip.transition",
        record_type="tip",
        record_id=tip.code,
        now=runtime.clock(),
        detail={"status": body.status},
    )
    return tip_detail(code, member, session, runtime)


@router.post("/{code}/type", response_model=TipDetail)
def classify(
    code: Code, body: TipTypeIn, member: IntegrityOfficer, session: SessionDep, runtime: RuntimeDep
) -> TipDetail:
    """Classify a tip (org file `tip_types`): the outcome indicators count tips by their type."""
    tip = queries.found(session, code)
    service.classify(session, tip, body.type, org=runtime.org, actor=member, now=runtime.clock(), reason=body.reason)
    return tip_detail(code, member, session, runtime)


@router.get("/{code}/evidence/{evidence_id}", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
def evidence(
    code: Code, evidence_id: RecordId, member: IntegrityOfficer, session: SessionDep, runtime: RuntimeDep
) -> Response:
    tip = queries.found(session, code)
    stored = queries.stored_evidence(session, tip, evidence_id)
    staff_service.audit(
        session,
        actor=member,
        action="tip.evidence_read",
        record_type="tip",
        record_id=tip.code,
        now=runtime.clock(),
        detail={"evidence_id": evidence_id},
    )
    return Response(stored.data or b"", media_type=stored.content_type or "image/jpeg")

"""Integrity officers' reads of tips: the filtered, paged list and one tip's timeline and evidence."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from bot.errors import NotFound
from bot.tips import service
from bot.tips.models import Tip, TipEvidence, TipStatus, TipUpdate


def search(session: Session, status: TipStatus | None, fiscal_year: int | None, flagged: bool | None,
           limit: int, offset: int) -> tuple[list[Tip], int]:
    query = select(Tip)
    if status is not None:
        query = query.where(Tip.status == status)
    if fiscal_year is not None:
        query = query.where(Tip.fiscal_year == fiscal_year)
    if flagged is not None:
        query = query.where(col(Tip.flagged_at).is_not(None) if flagged else col(Tip.flagged_at).is_(None))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Tip.id).desc()).offset(offset).limit(limit)).all()
    return list(rows), int(total)


def found(session: Session, code: str) -> Tip:
    tip = service.get(session, code)
    if tip is None:
        raise NotFound(f"ไม่พบเบาะแส {code}")
    return tip


def timeline(session: Session, tip: Tip) -> Sequence[TipUpdate]:
    return session.exec(select(TipUpdate).where(TipUpdate.tip_id == tip.id).order_by(col(TipUpdate.id))).all()


def stored_evidence_ids(session: Session, tip: Tip) -> list[int]:
    ids = session.exec(select(TipEvidence.id).where(TipEvidence.tip_id == tip.id,
                                                    TipEvidence.status == "stored")).all()
    return [i for i in ids if i is not None]


def stored_evidence(session: Session, tip: Tip, evidence_id: int) -> TipEvidence:
    stored = session.get(TipEvidence, evidence_id)
    if stored is None or stored.tip_id != tip.id or stored.status != "stored":
        raise NotFound("ไม่พบหลักฐานนี้")
    return stored

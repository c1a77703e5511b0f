"""Integrity officers' reads of tips: the filtered, paged list and one tip's timeline and evidence."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from bot import media
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
    """The tip's evidence whose bytes are kept (neither awaiting LINE nor refused)."""
    query = (select(TipEvidence.id).join(media.MediaFile, col(media.MediaFile.id) == TipEvidence.media_id)
             .where(TipEvidence.tip_id == tip.id, media.MediaFile.status == media.MediaStatus.STORED)
             .order_by(col(TipEvidence.id)))
    return [i for i in session.exec(query).all() if i is not None]


def evidence_file(session: Session, tip: Tip, evidence_id: int) -> media.MediaFile | None:
    evidence = session.get(TipEvidence, evidence_id)
    if evidence is None or evidence.tip_id != tip.id:
        return None
    return media.stored(session, evidence.media_id)


def stored_evidence(session: Session, tip: Tip, evidence_id: int) -> media.MediaFile:
    stored = evidence_file(session, tip, evidence_id)
    if stored is None:
        raise NotFound("ไม่พบหลักฐานนี้")
    return stored

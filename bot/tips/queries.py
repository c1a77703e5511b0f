"""Integrity officers' reads of tips: the filtered, paged list and one tip's timeline and evidence."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from bot import cases, media
from bot.tips import service
from bot.tips.models import Tip, TipEvidence, TipStatus, TipUpdate


def search(
    session: Session, status: TipStatus | None, fiscal_year: int | None, flagged: bool | None, limit: int, offset: int
) -> tuple[list[Tip], int]:
    query = select(Tip)
    if status is not None:
        query = query.where(Tip.status == status)
    if fiscal_year is not None:
        query = query.where(Tip.fiscal_year == fiscal_year)
    if flagged is not None:
        query = query.where(col(Tip.flagged_at).is_not(None) if flagged else col(Tip.flagged_at).is_(None))
    return cases.newest_first(session, query, Tip.id, limit, offset)


def found(session: Session, code: str) -> Tip:
    return cases.found(service.get(session, code), f"ไม่พบเบาะแส {code}")


def timeline(session: Session, tip: Tip) -> Sequence[TipUpdate]:
    return session.exec(select(TipUpdate).where(TipUpdate.tip_id == tip.id).order_by(col(TipUpdate.id))).all()


def stored_evidence_ids(session: Session, tip: Tip) -> list[int]:
    """The tip's evidence whose bytes are kept (neither awaiting LINE nor refused)."""
    query = (
        select(TipEvidence.id)
        .join(media.MediaFile, col(media.MediaFile.id) == TipEvidence.media_id)
        .where(TipEvidence.tip_id == tip.id, media.MediaFile.status == media.MediaStatus.STORED)
        .order_by(col(TipEvidence.id))
    )
    return [i for i in session.exec(query).all() if i is not None]


def evidence_file(session: Session, tip: Tip, evidence_id: int) -> media.MediaFile | None:
    evidence = session.get(TipEvidence, evidence_id)
    if evidence is None or evidence.tip_id != tip.id:
        return None
    return media.stored(session, evidence.media_id)


def stored_evidence(session: Session, tip: Tip, evidence_id: int) -> media.MediaFile:
    return cases.found(evidence_file(session, tip, evidence_id), "ไม่พบหลักฐานนี้")

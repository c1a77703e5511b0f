"""Corruption tips from the web: sealed exactly as in LINE (the same file_tip), the reporter may stay
anonymous, and code + PIN show only the status. Rules only: no HTTP, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot import media
from bot.config import Settings
from bot.crypto import Sealer
from bot.organisation import Organisation
from bot.pins import service as pins
from bot.tips import service, texts
from bot.tips.models import Tip

RECORD_TYPE = "tip"
WEB_REPORTER = ""  # no LINE user: nothing to push to, so tell_reporter stays silent


@dataclass(frozen=True)
class Filed:
    code: str
    pin: str
    anonymous: bool


def file_from_web(
    session: Session,
    *,
    sealer: Sealer,
    settings: Settings,
    org: Organisation,
    what: str,
    now: datetime,
    when_text: str | None = None,
    where_text: str | None = None,
    who: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    evidence: bytes | None = None,
    tip_type: str | None = None,
) -> Filed:
    """File a tip; without a name and a phone the reporter is anonymous. Name and phone go only into the seal."""
    if tip_type and org.tip_type(tip_type) is None:
        raise service.TipError("กรุณาเลือกประเภทเรื่องจากรายการ")
    clean = media.clean_photo(evidence, settings.photo_max_bytes) if evidence else None  # refused: nothing kept
    anonymous = not (name or phone)
    tip = service.file_tip(
        session,
        sealer=sealer,
        settings=settings,
        line_user_id=WEB_REPORTER,
        anonymous=anonymous,
        what=what,
        now=now,
        name=name or None,
        phone=phone or None,
        who=who or None,
        when_text=when_text or None,
        where_text=where_text or None,
        tip_type=tip_type or None,
    )
    if clean is not None:
        service.attach_evidence(session, tip, media.kept(clean, now))
    return Filed(tip.code, pins.issue(session, code=tip.code, record_type=RECORD_TYPE, now=now), anonymous)


def status_of(tip: Tip) -> str:
    """All that code + PIN show for a tip: its status, nothing of what was reported or by whom."""
    return texts.status_name(tip.status)

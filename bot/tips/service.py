"""Tips' rules: filing under a sealed identity, officers' transitions, the reporter's sealed link.

Nothing here writes the reporter's LINE user id, name or phone anywhere but inside `reporter_sealed`;
messages to the reporter go out with a sealed recipient and no resident id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from bot import cases, media, sequences, thai
from bot.chat import messages as m
from bot.chat.state import SealedDialog
from bot.config import Settings
from bot.crypto import SEALED_PREFIX, Sealer
from bot.errors import Conflict, Invalid
from bot.organisation import Organisation
from bot.outbox import service as outbox
from bot.outbox.models import OutboxMessage
from bot.runtime import Runtime
from bot.staff import service as staff_service
from bot.staff.models import Role, StaffMember
from bot.tips import texts
from bot.tips.models import TIP_DONE, Tip, TipEvidence, TipStatus, TipUpdate

MAX_TEXT = 5000
REPORTER = "ผู้แจ้ง"

TIP_TRANSITIONS: dict[TipStatus, frozenset[TipStatus]] = {
    TipStatus.RECEIVED: frozenset({TipStatus.INVESTIGATING, TipStatus.REFERRED, TipStatus.UNSUBSTANTIATED}),
    TipStatus.INVESTIGATING: frozenset({TipStatus.REFERRED, TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED}),
    TipStatus.REFERRED: frozenset({TipStatus.INVESTIGATING, TipStatus.CLOSED}),
    TipStatus.SUBSTANTIATED: frozenset({TipStatus.CLOSED}),
    TipStatus.UNSUBSTANTIATED: frozenset({TipStatus.CLOSED, TipStatus.INVESTIGATING}),
    TipStatus.CLOSED: frozenset(),
}
NEEDS_NOTE = frozenset({TipStatus.REFERRED, TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED, TipStatus.CLOSED})


class TipError(Invalid):
    """A request the rules refuse; the message is Thai, for staff."""


class InvalidTipTransition(TipError, Conflict):
    """The tip's current status does not lead there (409)."""


STATUS_MACHINE = cases.StatusMachine(TIP_TRANSITIONS, texts.status_name, InvalidTipTransition)


def file_tip(
    session: Session,
    *,
    sealer: Sealer,
    settings: Settings,
    line_user_id: str,
    anonymous: bool,
    what: str,
    now: datetime,
    name: str | None = None,
    phone: str | None = None,
    who: str | None = None,
    when_text: str | None = None,
    where_text: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    evidence_message_ids: Sequence[str] = (),
    tip_type: str | None = None,
) -> Tip:
    """Record a tip; the reporter (even an anonymous one) stays reachable only through the sealed link.
    `tip_type` is the type the reporter picked (a key of the organisation file's tip_types, checked by the
    caller); the integrity officer may re-classify it (audited)."""
    what = what.strip()
    if not what or len(what) > MAX_TEXT:
        raise TipError(f"รายละเอียดต้องมี 1–{MAX_TEXT:,} ตัวอักษร")
    identity = {
        "line_user_id": line_user_id,
        "name": None if anonymous else name,
        "phone": None if anonymous else phone,
    }
    fiscal_year = thai.fiscal_year(now)
    code, _ = sequences.next_code(session, "T", fiscal_year)
    tip = Tip(
        code=code,
        fiscal_year=fiscal_year,
        anonymous=anonymous,
        reporter_sealed=sealer.seal(identity),
        what=what,
        who=who,
        when_text=when_text,
        where_text=where_text,
        latitude=latitude,
        longitude=longitude,
        created_at=now,
        handle_by=now + timedelta(days=settings.tip_handle_days),
        type=tip_type,
    )
    session.add(tip)
    session.flush()
    for message_id in evidence_message_ids[: settings.photos_per_case]:
        attach_evidence(session, tip, media.awaiting(message_id, now))
    session.add(
        TipUpdate(tip_id=tip.id or 0, at=now, status_to=TipStatus.RECEIVED, actor=REPORTER, public_note="รับเบาะแสแล้ว")
    )
    staff_service.notify(
        session,
        kind="new_tip",
        record_type="tip",
        record_code=code,
        now=now,
        role=Role.INTEGRITY_OFFICER,
        message=f"เบาะแสการทุจริตใหม่ {code}",
    )
    return tip


def get(session: Session, code: str) -> Tip | None:
    return session.exec(select(Tip).where(Tip.code == code.strip().upper())).first()


def reporter_of(sealer: Sealer, tip: Tip) -> dict[str, Any]:
    reporter: dict[str, Any] = sealer.open(tip.reporter_sealed)
    return reporter


def reported_by(session: Session, sealer: Sealer, code: str, line_user_id: str) -> Tip | None:
    """The tip if this LINE user reported it; anyone else's code answers like an unknown one."""
    tip = get(session, code)
    if tip is None or reporter_of(sealer, tip).get("line_user_id") != line_user_id:
        return None
    return tip


def open_tips_of(session: Session, sealer: Sealer, line_user_id: str) -> list[Tip]:
    """The reporter's open tips. Identities are sealed, so each open tip's seal is opened in memory:
    fine for the tens of tips a year a sub-district receives."""
    tips = session.exec(select(Tip).where(Tip.status != TipStatus.CLOSED).order_by(col(Tip.id).desc())).all()
    return [t for t in tips if reporter_of(sealer, t).get("line_user_id") == line_user_id]


def public_timeline(session: Session, tip: Tip) -> list[tuple[datetime, str]]:
    updates = session.exec(select(TipUpdate).where(TipUpdate.tip_id == tip.id).order_by(col(TipUpdate.id))).all()
    return [
        (u.at, cases.public_line(u.status_to, u.public_note, texts.status_name))
        for u in updates
        if u.status_to or u.public_note
    ]


def allowed_next(tip: Tip) -> list[TipStatus]:
    """The statuses this tip may move to now, in the status machine's order."""
    return STATUS_MACHINE.allowed(TipStatus(tip.status))


def transition(
    session: Session,
    tip: Tip,
    target: TipStatus,
    *,
    sealer: Sealer,
    org: Organisation,
    actor: StaffMember,
    now: datetime,
    public_note: str | None = None,
    internal_note: str | None = None,
) -> TipUpdate:
    current = TipStatus(tip.status)
    public_note = (public_note or "").strip() or None
    STATUS_MACHINE.check(current, target)
    if target in NEEDS_NOTE and not public_note:
        raise TipError(f"สถานะ “{texts.status_name(target)}” ต้องมีข้อความแจ้งผู้แจ้ง (public_note)")
    tip.status = target
    tip.handled_at = tip.handled_at or now
    if target == TipStatus.CLOSED:
        tip.closed_at = now
    update = TipUpdate(
        tip_id=tip.id or 0,
        at=now,
        status_from=current,
        status_to=target,
        public_note=public_note,
        internal_note=internal_note,
        actor_staff_id=actor.id,
        actor=actor.name,
    )
    session.add(update)
    tell_reporter(session, sealer, tip, [texts.status_changed(org, tip.code, target, public_note)], now)
    return update


def tell_reporter(session: Session, sealer: Sealer, tip: Tip, messages: list[m.Message], now: datetime) -> None:
    """Push through the sealed link: the outbox row names no resident and holds no readable recipient."""
    user_id = reporter_of(sealer, tip).get("line_user_id")
    if not user_id:
        return
    for row in outbox.enqueue_push(
        session, resident_id=None, user_id=sealer.seal_recipient(user_id), messages=messages, now=now
    ):
        row.scrub_after_send = True


def flag_unhandled(session: Session, now: datetime) -> int:
    """Tips nobody has acted on within the configured period are flagged to integrity officers."""
    late = session.exec(
        select(Tip).where(Tip.status == TipStatus.RECEIVED, col(Tip.flagged_at).is_(None), Tip.handle_by <= now)
    ).all()
    for tip in late:
        tip.flagged_at = now
        staff_service.notify(
            session,
            kind="tip_unhandled",
            record_type="tip",
            record_code=tip.code,
            now=now,
            role=Role.INTEGRITY_OFFICER,
            message=f"เบาะแส {tip.code} ยังไม่มีผู้ดำเนินการเกินกำหนด",
        )
    return len(late)


def attach_evidence(session: Session, tip: Tip, photo: media.MediaFile) -> None:
    """The photo's row in `media` gets the tip's (hour-only) time and nothing that names the reporter."""
    session.add(photo)
    session.flush()  # no ORM relationship orders the inserts: the media row first
    session.add(TipEvidence(tip_id=tip.id or 0, media_id=photo.id))


def evidence_refused(session: Session, media_id: int, reason: str, runtime: Runtime, now: datetime) -> None:
    """Evidence fetched from LINE was not an image we keep: the reporter is told why, through the seal."""
    tip = session.exec(
        select(Tip).join(TipEvidence, col(TipEvidence.tip_id) == Tip.id).where(TipEvidence.media_id == media_id)
    ).first()
    if tip is not None:
        tell_reporter(session, runtime.sealer, tip, [texts.evidence_refused(runtime.org, tip.code, reason)], now)


def public_counts(session: Session, fiscal_year: int) -> dict[str, int]:
    """Counts only, as the ITA asks for corruption-complaint statistics: nothing else leaves."""
    rows = session.exec(
        select(Tip.status, func.count()).where(Tip.fiscal_year == fiscal_year).group_by(Tip.status)
    ).all()
    by_status = {status: int(count) for status, count in rows}
    received = sum(by_status.values())
    completed = sum(v for k, v in by_status.items() if k in TIP_DONE)
    return {
        "fiscal_year": fiscal_year,
        "received": received,
        "completed": completed,
        "in_progress": received - completed,
    }


def reseal_all(session: Session, sealer: Sealer) -> int:
    """Key rotation: re-encrypt with the newest key every sealed identity, sealed dialog state and
    sealed outbox recipient; afterwards the old key can be dropped."""
    count = 0
    for tip in session.exec(select(Tip)).all():
        tip.reporter_sealed = sealer.reseal(tip.reporter_sealed)
        count += 1
    for dialog in session.exec(select(SealedDialog)).all():  # keyed under the old key until its next turn
        dialog.data = sealer.reseal(dialog.data)
        count += 1
    sealed_rows = select(OutboxMessage).where(col(OutboxMessage.recipient).startswith(SEALED_PREFIX))
    for row in session.exec(sealed_rows).all():
        row.recipient = SEALED_PREFIX + sealer.reseal((row.recipient or "").removeprefix(SEALED_PREFIX))
        count += 1
    return count


def classify(
    session: Session,
    tip: Tip,
    type_key: str,
    *,
    org: Organisation,
    actor: StaffMember,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Set (or correct) a tip's type, which decides the outcome indicator it counts toward; audited."""
    chosen = org.tip_type(type_key)
    if chosen is None:
        raise TipError(f"ไม่มีประเภท {type_key!r} ในไฟล์องค์กร (tip_types)")
    before = tip.type
    tip.type = chosen.key
    note = f"จัดประเภทเป็น “{chosen.name}”" + (f" เหตุผล: {reason}" if reason else "")
    session.add(TipUpdate(tip_id=tip.id or 0, at=now, internal_note=note, actor_staff_id=actor.id, actor=actor.name))
    staff_service.audit(
        session,
        actor=actor,
        action="tip.classify",
        record_type="tip",
        record_id=tip.code,
        now=now,
        detail={"from": before, "to": chosen.key, "reason": reason},
    )

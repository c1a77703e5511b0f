"""Residents' rules: following, PDPA consent, village, and the right to see and erase their data."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.errors import Invalid
from bot.organisation import Organisation
from bot.outbox import service as outbox
from bot.residents.models import ConsentDecision, ConsentRecord, FollowStatus, Resident


def find_or_create(session: Session, line_user_id: str, now: datetime) -> Resident:
    """The resident behind a LINE user id, created on first contact (before any consent)."""
    resident = session.exec(select(Resident).where(Resident.line_user_id == line_user_id)).first()
    if resident is None:
        resident = Resident(line_user_id=line_user_id, created_at=now, followed_at=now)
        session.add(resident)
        session.flush()
    return resident


def find_or_create_many(session: Session, line_user_ids: Collection[str], now: datetime) -> dict[str, Resident]:
    """`find_or_create` for a worker's batch: one query, and one INSERT for the newcomers."""
    if not line_user_ids:
        return {}
    rows = session.exec(_BY_USER_IDS, params={"ids": list(line_user_ids)})
    found = {r.line_user_id: r for r in rows if r.line_user_id}
    new = [
        Resident(line_user_id=user, created_at=now, followed_at=now)
        for user in sorted(line_user_ids)
        if user not in found
    ]
    if new:
        try:
            with session.begin_nested():
                session.add_all(new)
        except IntegrityError:  # created meanwhile elsewhere: each is then found (or created) on its own
            return found
        found.update({r.line_user_id: r for r in new if r.line_user_id})
    return found


# Built once, like the queries below: the worker asks it for every batch.
_BY_USER_IDS = select(Resident).where(col(Resident.line_user_id).in_(bindparam("ids", expanding=True)))


def record_follow(resident: Resident, now: datetime) -> None:
    resident.status = FollowStatus.FOLLOWING
    resident.followed_at = now


def record_unfollow(resident: Resident, now: datetime) -> None:
    """A resident who blocked us gets nothing more, not even queued messages."""
    resident.status = FollowStatus.BLOCKED
    resident.unfollowed_at = now


def has_current_consent(resident: Resident, org: Organisation) -> bool:
    return resident.consent_version == org.privacy.notice_version


def unreachable(session: Session, resident_ids: Sequence[int]) -> dict[int, str]:
    """Why messages to these residents must not go out (they blocked us, or were erased), for those who
    cannot receive them: one query for a sender's whole batch."""
    if not resident_ids:
        return {}
    rows = session.exec(_CANNOT_RECEIVE, params={"ids": sorted(set(resident_ids))}).all()
    return {resident_id or 0: f"resident {status}" for resident_id, status in rows}


# Only those who cannot receive, and only two columns; built once: the sender asks it for every batch it sends.
_CANNOT_RECEIVE = select(Resident.id, Resident.status).where(
    col(Resident.id).in_(bindparam("ids", expanding=True)),
    (col(Resident.status) != FollowStatus.FOLLOWING) | col(Resident.line_user_id).is_(None),
)


def is_set_up(resident: Resident, org: Organisation) -> bool:
    """Consented to the current notice and chose a village: nothing left to ask."""
    return has_current_consent(resident, org) and resident.village_no is not None


def give_consent(session: Session, resident: Resident, org: Organisation, now: datetime) -> None:
    resident.consent_version = org.privacy.notice_version
    resident.consented_at = now
    _record(session, resident, org, ConsentDecision.GIVEN, now)


def decline_consent(session: Session, resident: Resident, org: Organisation, now: datetime) -> None:
    withdrawing = resident.consent_version is not None
    resident.consent_version = None
    resident.consented_at = None
    resident.village_no = None
    decision = ConsentDecision.WITHDRAWN if withdrawing else ConsentDecision.DECLINED
    _record(session, resident, org, decision, now)


def _record(session: Session, resident: Resident, org: Organisation, decision: ConsentDecision, now: datetime) -> None:
    session.add(
        ConsentRecord(
            resident_id=resident.id or 0, notice_version=org.privacy.notice_version, decision=decision, at=now
        )
    )


class UnknownVillageError(Invalid):
    pass


def choose_village(resident: Resident, org: Organisation, number: int) -> None:
    if org.village(number) is None:
        raise UnknownVillageError(f"ไม่มีหมู่ที่ {number} ในพื้นที่นี้")
    resident.village_no = number


@dataclass(frozen=True)
class HeldData:
    """What we hold about one resident, for the ข้อมูลของฉัน answer."""

    resident: Resident
    consent_history: list[ConsentRecord]
    stored_messages: int


def held_data(session: Session, resident: Resident, stored_messages: int) -> HeldData:
    history = session.exec(
        select(ConsentRecord).where(ConsentRecord.resident_id == resident.id).order_by(col(ConsentRecord.at))
    ).all()
    return HeldData(resident, list(history), stored_messages)


# Another part's share of an erasure: removes what it keeps about the resident, who still has their
# LINE user id while the erasers run. `bot.main.ERASERS` lists them all.
Eraser = Callable[[Session, Resident, datetime], None]


def erase(session: Session, resident: Resident, now: datetime, erasers: Sequence[Eraser]) -> None:
    """Remove the resident's identifiers everywhere; rows the law requires stay, pointing at nobody.

    The resident row stays (case records refer to it) without its LINE user id; `erasers` empty the
    raw webhook payloads we kept, forget the conversation, drop unsent messages and each domain's share.
    """
    outbox.forget_resident(session, resident.id or 0)
    for eraser in erasers:
        eraser(session, resident, now)
    resident.line_user_id = None
    resident.status = FollowStatus.ERASED
    resident.erased_at = now
    resident.village_no = None
    resident.consent_version = None
    resident.consented_at = None

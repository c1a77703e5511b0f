"""Who a notice reaches: its audience resolved to LINE user ids (or a broadcast), at the time of sending.

Nobody who cannot receive (blocked us, erased their data) is included. Residents who opted out of
notices are left out of `all` and `villages` notices unless the notice is essential; the forum
audiences and staff asked for what they get (an RSVP, an opinion, their job) and are not filtered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from bot.notices.models import AudienceKind, DeliveryMethod, Notice, NoticePreference
from bot.residents.models import FollowStatus, Resident
from bot.staff.models import StaffContact, StaffMember


@dataclass(frozen=True)
class Recipients:
    method: DeliveryMethod
    user_ids: list[str]  # empty for a broadcast: LINE knows the followers
    count: int  # for a broadcast, the followers we know of (LINE may know a few more)


@dataclass(frozen=True)
class Forums:
    """The forums domain as notices see it, wired in `bot.main`: forums announce through notices, so
    notices import nothing of forums."""

    # The resident ids a forum audience (forum, forum_going, forum_outcome) of a forum reaches: a SELECT
    # used as a subquery, so a forum of thousands is never loaded.
    participants: Callable[[str, int], Any]
    exists: Callable[[Session, int], bool]
    # Neither cancelled nor begun at `now`: an announcement or reminder still means something.
    still_ahead: Callable[[Session, int, datetime], bool]


def _receivable() -> Any:
    return (col(Resident.status) == FollowStatus.FOLLOWING) & col(Resident.line_user_id).is_not(None)


def _not_opted_out() -> Any:
    opted_out = select(NoticePreference.resident_id).where(col(NoticePreference.opted_out).is_(True))
    return col(Resident.id).not_in(opted_out)


def _condition(notice: Notice, forums: Forums) -> Any:
    kind = notice.audience_kind
    if kind == AudienceKind.ALL:
        return _receivable() if notice.essential else _receivable() & _not_opted_out()
    if kind == AudienceKind.VILLAGES:
        in_villages = _receivable() & col(Resident.village_no).in_(notice.village_list())
        return in_villages if notice.essential else in_villages & _not_opted_out()
    if kind == AudienceKind.STAFF:
        linked = (
            select(StaffContact.resident_id)
            .join(StaffMember, col(StaffMember.id) == col(StaffContact.staff_member_id))
            .where(col(StaffMember.active).is_(True), col(StaffContact.resident_id).is_not(None))
        )
        return _receivable() & col(Resident.id).in_(linked)
    return _receivable() & col(Resident.id).in_(forums.participants(kind, notice.forum_id or 0))


def _broadcast(session: Session, notice: Notice) -> bool:
    return notice.audience_kind == AudienceKind.ALL and (notice.essential or not _anyone_opted_out(session))


def _followers(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Resident).where(_receivable())).one())


def resolve(session: Session, notice: Notice, forums: Forums) -> Recipients:
    """The recipients of `notice` now: a broadcast for everyone, otherwise the user ids (each once)."""
    if _broadcast(session, notice):
        return Recipients(DeliveryMethod.BROADCAST, [], _followers(session))
    query = select(Resident.line_user_id).where(_condition(notice, forums)).order_by(col(Resident.id))
    # Plain rows, not ORM loading: a notice to a whole subdistrict is a hundred thousand ids.
    user_ids = [uid for uid in session.connection().execute(query).scalars() if uid]
    return Recipients(DeliveryMethod.MULTICAST, user_ids, len(user_ids))


def count(session: Session, notice: Notice, forums: Forums) -> Recipients:
    """How many `notice` would reach now, without fetching who (previews, checks before sending)."""
    if _broadcast(session, notice):
        return Recipients(DeliveryMethod.BROADCAST, [], _followers(session))
    total = session.exec(select(func.count()).select_from(Resident).where(_condition(notice, forums))).one()
    return Recipients(DeliveryMethod.MULTICAST, [], int(total))


def _anyone_opted_out(session: Session) -> bool:
    query = (
        select(NoticePreference.resident_id)
        .join(Resident, col(Resident.id) == col(NoticePreference.resident_id))
        .where(col(NoticePreference.opted_out).is_(True), _receivable())
        .limit(1)
    )
    return session.exec(query).first() is not None

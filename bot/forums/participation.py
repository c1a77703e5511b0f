"""Residents taking part: upcoming forums for their village, RSVP, opinions (with a photo), check-in.

Refusals are `Refused(reason)`; the dialogs turn the reason into a polite Thai reply. Functions
never commit: the chat engine commits the turn.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from bot.forums import staff
from bot.forums.models import (
    CheckInMethod,
    Forum,
    ForumAttendance,
    ForumOpinion,
    ForumRsvp,
    ForumStatus,
    ForumVillage,
    RsvpAnswer,
)
from bot.residents.models import Resident

MAX_OPINION_CHARS = 2000
CHECK_IN_OPENS = timedelta(hours=2)  # before the start
CHECK_IN_CLOSES = timedelta(hours=8)  # after the start


class NotStartedError(Exception):
    """A check-in with the right code before the forum starts (the reply says when to check in)."""

    def __init__(self, forum: Forum) -> None:
        super().__init__("not_started")
        self.forum = forum


class RefusedError(Exception):
    """The resident's request cannot be honoured; `reason` picks the polite reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def upcoming(session: Session, village_no: int, now: datetime) -> list[Forum]:
    """Planned forums for the village that have not started yet, soonest first."""
    query = (
        select(Forum)
        .join(ForumVillage, col(ForumVillage.forum_id) == col(Forum.id))
        .where(ForumVillage.village_no == village_no, Forum.status == ForumStatus.PLANNED, col(Forum.starts_at) > now)
        .order_by(col(Forum.starts_at), col(Forum.id))
    )
    return list(session.exec(query).all())


def open_forum(session: Session, forum_id: int, now: datetime, *, lock: bool = False) -> Forum:
    """The forum, if it still takes answers and opinions (planned, not yet started)."""
    forum = session.get(Forum, forum_id, with_for_update=lock)
    if forum is None:
        raise RefusedError("unknown")
    if forum.status == ForumStatus.CANCELLED:
        raise RefusedError("cancelled")
    if forum.starts_at <= now:
        raise RefusedError("started")
    return forum


def answer_of(session: Session, forum_id: int, resident_id: int) -> ForumRsvp | None:
    return session.exec(
        select(ForumRsvp).where(ForumRsvp.forum_id == forum_id, ForumRsvp.resident_id == resident_id)
    ).first()


def rsvp(session: Session, forum_id: int, resident: Resident, answer: RsvpAnswer, now: datetime) -> ForumRsvp:
    """Record or change the resident's answer until the forum starts; `going` only while seats remain."""
    forum = open_forum(session, forum_id, now, lock=True)  # the lock keeps two last seats from both going
    current = answer_of(session, forum_id, resident.id or 0)
    if answer == RsvpAnswer.GOING and forum.capacity is not None and (current is None or current.answer != answer):
        going = session.exec(
            select(func.count())
            .select_from(ForumRsvp)
            .where(ForumRsvp.forum_id == forum_id, ForumRsvp.answer == RsvpAnswer.GOING)
        ).one()
        if going >= forum.capacity:
            raise RefusedError("full")
    if current is None:
        current = ForumRsvp(
            forum_id=forum_id,
            resident_id=resident.id or 0,
            answer=answer,
            village_no=resident.village_no,
            created_at=now,
            updated_at=now,
        )
        session.add(current)
    else:
        current.answer = answer
        current.village_no = resident.village_no
        current.updated_at = now
    session.flush()
    return current


def check_opinion(session: Session, forum_id: int, now: datetime) -> Forum:
    forum = open_forum(session, forum_id, now)
    if not forum.collect_opinions:
        raise RefusedError("no_opinions")
    return forum


def add_opinion(session: Session, forum_id: int, resident: Resident, text: str, now: datetime) -> ForumOpinion:
    """Keep an opinion sent before the forum (at most MAX_OPINION_CHARS; longer ones are refused)."""
    check_opinion(session, forum_id, now)
    text = text.strip()
    if not text:
        raise RefusedError("empty")
    if len(text) > MAX_OPINION_CHARS:
        raise RefusedError("too_long")
    opinion = ForumOpinion(
        forum_id=forum_id, resident_id=resident.id or 0, village_no=resident.village_no, text=text, created_at=now
    )
    session.add(opinion)
    session.flush()
    return opinion


def attach_photo(session: Session, opinion_id: int, resident_id: int, message_id: str) -> bool:
    """Keep the LINE message id of a photo for the resident's own opinion."""
    opinion = session.get(ForumOpinion, opinion_id)
    if opinion is None or opinion.resident_id != resident_id:
        return False
    opinion.photo_message_id = message_id[:64]
    return True


def check_in(session: Session, resident: Resident, code: str, now: datetime) -> tuple[Forum, bool]:
    """Check in with the code shown at the venue; returns the forum and whether this was new."""
    forum = session.exec(
        select(Forum).where(
            Forum.check_in_code == code.strip(),
            Forum.status == ForumStatus.PLANNED,
            col(Forum.starts_at) <= now + CHECK_IN_OPENS,
            col(Forum.starts_at) >= now - CHECK_IN_CLOSES,
        )
    ).first()
    if forum is None:
        raise RefusedError("wrong_code")
    if forum.starts_at > now:  # the right code, early: attendance counts once the forum is held
        raise NotStartedError(forum)
    if forum.audience == "staff":  # a staff forum: the person must be on its roster (linked LINE account)
        new = staff.check_in(session, forum, resident.id or 0, now)
        if new is None:
            raise RefusedError("not_rostered")
        return forum, new
    return forum, record_attendance(session, forum, resident.id or 0, resident.village_no, CheckInMethod.CODE, now)


def record_attendance(
    session: Session,
    forum: Forum,
    resident_id: int,
    village_no: int | None,
    method: CheckInMethod,
    now: datetime,
    staff_id: int | None = None,
) -> bool:
    """Mark the resident present (once); False when they already were."""
    existing = session.exec(
        select(ForumAttendance).where(ForumAttendance.forum_id == forum.id, ForumAttendance.resident_id == resident_id)
    ).first()
    if existing is not None:
        return False
    session.add(
        ForumAttendance(
            forum_id=forum.id or 0,
            resident_id=resident_id,
            village_no=village_no,
            method=method,
            recorded_by=staff_id,
            recorded_at=now,
        )
    )
    session.flush()
    return True

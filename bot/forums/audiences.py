"""Forum audiences as the notices domain sees them: forums announce through notices, so notices import
nothing of forums and are handed `FOR_NOTICES` (by bot.main, and by this domain's own announcements)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.forums.models import Forum, ForumAttendance, ForumOpinion, ForumRsvp, ForumStatus, RsvpAnswer
from bot.notices.audience import Forums
from bot.notices.models import AudienceKind


def participants(kind: str, forum_id: int) -> Any:
    """Who a forum notice of `kind` reaches, as a SELECT of resident ids: forum_going those who answered
    ไป or ยังไม่แน่ใจ, forum_outcome attendees and opinion senders, forum all of them."""
    going = select(ForumRsvp.resident_id).where(
        ForumRsvp.forum_id == forum_id, col(ForumRsvp.answer).in_([RsvpAnswer.GOING, RsvpAnswer.MAYBE])
    )
    attended = select(ForumAttendance.resident_id).where(ForumAttendance.forum_id == forum_id)
    opined = select(ForumOpinion.resident_id).where(ForumOpinion.forum_id == forum_id)
    if kind == AudienceKind.FORUM_GOING:
        return going
    if kind == AudienceKind.FORUM_OUTCOME:
        return attended.union(opined)
    return going.union(attended, opined)


def exists(session: Session, forum_id: int) -> bool:
    return session.get(Forum, forum_id) is not None


def still_ahead(session: Session, forum_id: int, now: datetime) -> bool:
    forum = session.get(Forum, forum_id)
    return forum is not None and forum.status != ForumStatus.CANCELLED and forum.starts_at > now


FOR_NOTICES = Forums(participants=participants, exists=exists, still_ahead=still_ahead)

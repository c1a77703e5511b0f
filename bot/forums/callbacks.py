"""The buttons under forum messages (typed postbacks), shared by the invitation the staff send and the
chat replies."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.chat.messages import Action
from bot.forums.models import RsvpAnswer


@dataclass(frozen=True)
class Rsvp(CallbackData, prefix="rsvp"):
    forum: int
    answer: str


@dataclass(frozen=True)
class Opine(CallbackData, prefix="opine"):
    forum: int


def rsvp_actions(forum_id: int, collect_opinions: bool) -> list[Action]:
    """ไป / ไม่ไป / ยังไม่แน่ใจ (and ส่งความคิดเห็น): four buttons fit a buttons template."""
    actions = [
        m.postback("ไป", Rsvp(forum_id, RsvpAnswer.GOING).pack(), "ไป"),
        m.postback("ไม่ไป", Rsvp(forum_id, RsvpAnswer.NOT_GOING).pack(), "ไม่ไป"),
        m.postback("ยังไม่แน่ใจ", Rsvp(forum_id, RsvpAnswer.MAYBE).pack(), "ยังไม่แน่ใจ"),
    ]
    if collect_opinions:
        actions.append(opinion_action(forum_id))
    return actions


def opinion_action(forum_id: int) -> Action:
    return m.postback("ส่งความคิดเห็น", Opine(forum_id).pack(), "ส่งความคิดเห็น")

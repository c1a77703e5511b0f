"""Residents and forums: upcoming forums for their village (ประชาคม), RSVP by tap (changeable until the
start), an opinion before the forum (text, then an optional photo), check-in with the venue's code.

```mermaid
stateDiagram-v2
    [*] --> [*]: ประชาคม (upcoming forums, with buttons)
    [*] --> [*]: tap ไป / ไม่ไป / ยังไม่แน่ใจ
    [*] --> forums.opinion: tap ส่งความคิดเห็น
    forums.opinion --> forums.opinion: too long / a photo first
    forums.opinion --> forums.opinion_photo: text saved
    forums.opinion_photo --> [*]: photo / ไม่แนบรูป
    [*] --> forums.check_in: ลงชื่อ
    [*] --> [*]: ลงชื่อ 1234
    forums.check_in --> forums.check_in: wrong code
    forums.check_in --> [*]: right code
```
"""

from __future__ import annotations

from enum import StrEnum

from bot.chat import messages as m
from bot.chat.engine import Router, Turn, normalise
from bot.chat.events import EventKind
from bot.forums import participation, texts
from bot.forums.callbacks import Opine, Rsvp, opinion_action, rsvp_actions
from bot.forums.models import RsvpAnswer
from bot.forums.participation import MAX_OPINION_CHARS, NotStartedError, RefusedError

router = Router("forums")


class ForumStep(StrEnum):
    """The dialog's states, as the conversation table keeps them."""

    OPINION = "forums.opinion"
    OPINION_PHOTO = "forums.opinion_photo"
    CHECK_IN = "forums.check_in"


CARDS_SHOWN = 2  # two forums (text + buttons each) fit one reply
CHECK_IN_WORDS = ("ลงชื่อ", "เช็คอิน", "check in")
NO_PHOTO_WORDS = ("ไม่แนบรูป", "ไม่แนบ", "ไม่", "เสร็จ", "ไม่มี")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _menu_quick() -> list[m.Action]:
    return [m.say("ข่าวสาร"), m.say("เมนู")]


@router.entry("ประชาคม", "เวทีประชาคม", prefix_match=True)
def show_upcoming(turn: Turn) -> None:
    village_no = turn.resident.village_no
    if village_no is None:
        turn.reply(texts.no_village(turn.org))
        return
    village = turn.org.village(village_no)
    forums = participation.upcoming(turn.session, village_no, turn.now)
    if not forums:
        turn.reply(texts.none_upcoming(turn.org, village.label if village else None, _menu_quick()))
        return
    for forum in forums[:CARDS_SHOWN]:
        current = participation.answer_of(turn.session, forum.id or 0, turn.resident.id or 0)
        actions = rsvp_actions(forum.id or 0, forum.collect_opinions)
        turn.reply(*texts.card(turn.org, forum, current.answer if current else None, actions))
    if len(forums) > CARDS_SHOWN:
        turn.reply(texts.more_upcoming(turn.org, len(forums) - CARDS_SHOWN))


@router.tap(Rsvp)
def answer(turn: Turn, tapped: Rsvp) -> None:
    if tapped.answer not in set(RsvpAnswer):
        turn.reply(texts.refused(turn.org, "unknown"))
        return
    try:
        row = participation.rsvp(turn.session, tapped.forum, turn.resident, RsvpAnswer(tapped.answer), turn.now)
    except RefusedError as refusal:
        turn.reply(texts.refused(turn.org, refusal.reason))
        return
    forum = participation.open_forum(turn.session, tapped.forum, turn.now)
    quick = [opinion_action(tapped.forum)] if forum.collect_opinions else []
    turn.reply(texts.rsvp_saved(turn.org, forum, row.answer, row.id or 0, [*quick, *_menu_quick()]))


@router.tap(Opine)
def start_opinion(turn: Turn, tapped: Opine) -> None:
    try:
        forum = participation.check_opinion(turn.session, tapped.forum, turn.now)
    except RefusedError as refusal:
        turn.reply(texts.refused(turn.org, refusal.reason))
        return
    turn.goto(ForumStep.OPINION, forum=tapped.forum)
    turn.reply(texts.ask_opinion(turn.org, forum, MAX_OPINION_CHARS))


@router.step(ForumStep.OPINION)
def typed_opinion(turn: Turn) -> None:
    forum_id = int(turn.data.get("forum", 0))
    if turn.incoming.kind is not EventKind.TEXT:
        turn.reply(texts.opinion_text_first(turn.org))
        return
    text = turn.incoming.text or ""
    try:
        opinion = participation.add_opinion(turn.session, forum_id, turn.resident, text, turn.now)
    except RefusedError as refusal:
        if refusal.reason in ("too_long", "empty"):  # stay in the state: they may shorten it and send again
            too_long = refusal.reason == "too_long"
            turn.reply(
                texts.opinion_too_long(turn.org, len(text.strip()), MAX_OPINION_CHARS)
                if too_long
                else texts.opinion_text_first(turn.org)
            )
            return
        turn.end()
        turn.reply(texts.refused(turn.org, refusal.reason))
        return
    turn.goto(ForumStep.OPINION_PHOTO, opinion=opinion.id)
    turn.reply(texts.opinion_saved(turn.org, [m.camera(), m.camera_roll(), m.say("ไม่แนบรูป")]))


@router.step(ForumStep.OPINION_PHOTO)
def opinion_photo(turn: Turn) -> None:
    if turn.incoming.kind is EventKind.IMAGE and turn.incoming.message_id:
        participation.attach_photo(
            turn.session, int(turn.data.get("opinion", 0)), turn.resident.id or 0, turn.incoming.message_id
        )
        turn.end()
        turn.reply(texts.photo_saved(turn.org))
    elif turn.incoming.kind is EventKind.TEXT and normalise(turn.incoming.text or "") in NO_PHOTO_WORDS:
        turn.end()
        turn.reply(texts.opinion_done(turn.org))
    else:
        turn.reply(texts.photo_or_done(turn.org))


@router.entry(*CHECK_IN_WORDS, prefix_match=True)
def check_in(turn: Turn) -> None:
    typed = normalise(turn.incoming.text or "")
    code = next((typed.removeprefix(w).strip() for w in CHECK_IN_WORDS if typed.startswith(w)), "")
    if not code:
        turn.goto(ForumStep.CHECK_IN)
        turn.reply(texts.ask_code(turn.org))
        return
    _try_code(turn, code)


@router.step(ForumStep.CHECK_IN)
def typed_code(turn: Turn) -> None:
    if turn.incoming.kind is not EventKind.TEXT:
        turn.reply(texts.ask_code(turn.org))
        return
    _try_code(turn, normalise(turn.incoming.text or ""))


def _try_code(turn: Turn, code: str) -> None:
    try:
        forum, new = participation.check_in(turn.session, turn.resident, code.translate(_THAI_DIGITS), turn.now)
    except NotStartedError as early:
        turn.end()
        turn.reply(texts.check_in_not_started(turn.org, early.forum))
        return
    except RefusedError as refused:
        if refused.reason == "not_rostered":
            turn.end()
            turn.reply(texts.not_rostered(turn.org))
            return
        turn.goto(ForumStep.CHECK_IN)
        turn.reply(texts.code_wrong(turn.org))
        return
    turn.end()
    turn.reply(texts.checked_in(turn.org, forum, again=not new))

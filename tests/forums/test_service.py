"""The forum rules called directly (no webhook, worker or LINE): what a forum needs to be planned, its reminder,
announcing and cancelling once and before the start, RSVPs and opinions until the start, attendance only once
it is held, the outcome once after it. Rolled back per test (`db`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot import errors
from bot.config import Settings
from bot.forums import figures, participation
from bot.forums import service as forums
from bot.forums import staff as staff_forums
from bot.forums.models import Forum, ForumCreate, ForumOpinion, OutcomeCreate, RsvpAnswer
from bot.notices.models import AudienceKind, Notice, NoticePurpose, NoticeStatus
from bot.outbox.models import OutboxMessage
from bot.residents.models import FollowStatus, Resident

SETTINGS = Settings(_env_file=None)
ORG = SETTINGS.organisation
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
STARTS = NOW + timedelta(days=3)
OUTCOME = OutcomeCreate(minutes="บันทึกการประชุม", decisions="เห็นชอบโครงการถนน", opinions_used="นำความเห็นเรื่องไฟทางไปใส่แผน")
_ids = iter(range(10**6))


def resident(db: Session, village: int = 1) -> Resident:
    person = Resident(
        line_user_id=f"U{next(_ids):032d}", status=FollowStatus.FOLLOWING, created_at=NOW, village_no=village
    )
    db.add(person)
    db.flush()
    return person


def plan(db: Session, **changes: Any) -> Forum:
    data = {
        "topic": "แผนพัฒนาตำบล",
        "agenda": "รับฟังความเห็น",
        "villages": [1, 2],
        "place": "ศาลาหมู่ 1",
        "starts_at": STARTS,
        **changes,
    }
    return forums.create(db, ORG, ForumCreate(**data), None, NOW)


def notices_of(db: Session, forum: Forum, purpose: NoticePurpose) -> list[Notice]:
    return [n for n in forums.forum_notices(db, forum.id or 0) if n.purpose == purpose]


def rsvp(
    db: Session, forum: Forum, person: Resident, answer: RsvpAnswer = RsvpAnswer.GOING, now: datetime = NOW
) -> None:
    participation.rsvp(db, forum.id or 0, person, answer, now)


def refused(reason: str) -> Any:
    return pytest.raises(participation.RefusedError, match=f"^{reason}$")


# --- planning ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"villages": []}, "อย่างน้อย 1 หมู่"),
        ({"villages": [1, 99]}, "ไม่พบหมู่ที่ 99"),
        ({"starts_at": NOW}, "เวลาในอนาคต"),
        ({"map_url": "javascript:alert(1)"}, "https://"),
        ({"audience": "staff", "purpose": "law_training", "villages": [1]}, "ไม่ระบุหมู่บ้าน"),
        ({"audience": "staff", "villages": []}, "purpose"),
        ({"audience": "staff", "purpose": "law_training", "villages": []}, "law_knowledge"),  # no such roster yet
    ],
    ids=[
        "no village",
        "unknown village",
        "in the past",
        "javascript map",
        "staff with villages",
        "staff without purpose",
        "staff without roster",
    ],
)
def test_a_forum_that_cannot_be_held_is_refused(db: Session, changes: dict[str, Any], words: str) -> None:
    with pytest.raises(errors.Invalid, match=words):
        plan(db, **changes)
    assert db.exec(select(Forum)).first() is None


def test_a_planned_forum_has_its_villages_a_venue_code_and_a_reminder_the_day_before(db: Session) -> None:
    forum = plan(db, villages=[2, 1, 2])
    assert forums.villages_of(db, forum.id or 0) == [1, 2]
    assert len(forum.check_in_code) == 4 and forum.check_in_code.isdigit()
    [reminder] = notices_of(db, forum, NoticePurpose.FORUM_REMINDER)
    assert (reminder.status, reminder.audience_kind) == (NoticeStatus.SCHEDULED, AudienceKind.FORUM_GOING)
    assert reminder.scheduled_at == STARTS - timedelta(hours=24)


def test_a_forum_at_short_notice_is_reminded_halfway_to_its_start(db: Session) -> None:
    forum = plan(db, starts_at=NOW + timedelta(hours=10))
    [reminder] = notices_of(db, forum, NoticePurpose.FORUM_REMINDER)
    assert reminder.scheduled_at == NOW + timedelta(hours=5)


def test_upcoming_forums_are_the_villages_planned_ones_not_yet_started(db: Session) -> None:
    later, sooner = plan(db, starts_at=STARTS + timedelta(days=1)), plan(db)
    plan(db, villages=[3])
    forums.cancel(db, ORG, plan(db), "ฝนตกหนัก", NOW, None)
    assert participation.upcoming(db, 1, NOW) == [sooner, later]
    assert participation.upcoming(db, 1, STARTS) == [later]


# --- announcing and cancelling -------------------------------------------------------------------------


def test_the_invitation_goes_to_the_forums_villages_once(db: Session) -> None:
    forum = plan(db, villages=[1])
    invited = resident(db, 1)
    resident(db, 2)
    notice = forums.announce(db, ORG, forum, NOW, None)
    assert (notice.status, notice.recipient_count, notice.village_list()) == (NoticeStatus.SENT, 1, [1])
    assert json.loads(db.exec(select(OutboxMessage)).one().recipient or "[]") == [invited.line_user_id]
    with pytest.raises(forums.ConflictError, match="ไปแล้ว") as again:
        forums.announce(db, ORG, forum, NOW, None)
    assert errors.kind(again.value) == "conflict"


def test_an_invitation_is_refused_after_the_start_for_a_cancelled_forum_or_a_staff_forum(db: Session) -> None:
    resident(db, 1)
    with pytest.raises(forums.ConflictError, match="เริ่มไปแล้ว"):
        forums.announce(db, ORG, plan(db), STARTS, None)
    cancelled = plan(db)
    forums.cancel(db, ORG, cancelled, "ฝนตกหนัก", NOW, None)
    with pytest.raises(forums.ConflictError, match="ยกเลิกแล้ว"):
        forums.announce(db, ORG, cancelled, NOW, None)
    staff_forum = plan(db)
    staff_forum.audience = "staff"
    with pytest.raises(forums.ConflictError, match="บุคลากร"):
        forums.announce(db, ORG, staff_forum, NOW, None)


def test_a_scheduled_invitation_must_fall_before_the_start(db: Session) -> None:
    resident(db, 1)
    forum = plan(db)
    request = db.begin_nested()  # the draft a refused call wrote goes with the request's transaction
    with pytest.raises(forums.InvalidError, match="ก่อนวันเวลาเริ่มเวที"):
        forums.announce(db, ORG, forum, NOW, None, at=STARTS)
    request.rollback()
    notice = forums.announce(db, ORG, forum, NOW, None, at=NOW + timedelta(hours=1))
    assert (notice.status, notice.scheduled_at) == (NoticeStatus.SCHEDULED, NOW + timedelta(hours=1))


def test_cancelling_drops_unsent_notices_and_tells_only_those_coming(db: Session) -> None:
    forum = plan(db)
    going, maybe, not_going = resident(db), resident(db), resident(db)
    rsvp(db, forum, going)
    rsvp(db, forum, maybe, RsvpAnswer.MAYBE)
    rsvp(db, forum, not_going, RsvpAnswer.NOT_GOING)
    told = forums.cancel(db, ORG, forum, "  ฝนตกหนัก  ", NOW, None)
    assert (forum.status, forum.cancel_reason, forum.cancelled_at) == ("cancelled", "ฝนตกหนัก", NOW)
    assert [n.status for n in notices_of(db, forum, NoticePurpose.FORUM_REMINDER)] == [NoticeStatus.CANCELLED]
    assert told is not None and told.recipient_count == 2
    assert json.loads(db.exec(select(OutboxMessage)).one().recipient or "[]") == [
        going.line_user_id,
        maybe.line_user_id,
    ]
    with pytest.raises(forums.ConflictError, match="ยกเลิกไปแล้ว"):
        forums.cancel(db, ORG, forum, "ซ้ำ", NOW, None)


def test_cancelling_with_nobody_coming_sends_nothing_and_after_the_start_is_refused(db: Session) -> None:
    assert forums.cancel(db, ORG, plan(db), "ฝนตกหนัก", NOW, None) is None
    assert db.exec(select(OutboxMessage)).first() is None
    with pytest.raises(forums.ConflictError, match="เริ่มไปแล้ว"):
        forums.cancel(db, ORG, plan(db), "ฝนตกหนัก", STARTS, None)


# --- residents taking part -----------------------------------------------------------------------------


def test_an_rsvp_can_change_until_the_start_and_is_refused_after(db: Session) -> None:
    forum, person = plan(db), resident(db)
    rsvp(db, forum, person)
    rsvp(db, forum, person, RsvpAnswer.MAYBE, now=STARTS - timedelta(seconds=1))
    answer = participation.answer_of(db, forum.id or 0, person.id or 0)
    assert answer is not None and answer.answer == RsvpAnswer.MAYBE
    with refused("started"):
        rsvp(db, forum, person, now=STARTS)
    with refused("unknown"):
        participation.rsvp(db, 10**6, person, RsvpAnswer.GOING, NOW)
    forums.cancel(db, ORG, forum, "ฝนตกหนัก", NOW, None)
    with refused("cancelled"):
        rsvp(db, forum, person)


def test_capacity_limits_going_but_not_maybe_and_a_seat_given_back_is_free_again(db: Session) -> None:
    forum = plan(db, capacity=1)
    first, second = resident(db), resident(db)
    rsvp(db, forum, first)
    rsvp(db, forum, first)  # saying going again does not need a second seat
    with refused("full"):
        rsvp(db, forum, second)
    rsvp(db, forum, second, RsvpAnswer.MAYBE)
    rsvp(db, forum, first, RsvpAnswer.NOT_GOING)
    rsvp(db, forum, second)
    assert figures.rsvp_counts(db, forum.id or 0).model_dump() == {"going": 1, "not_going": 1, "maybe": 0}


def test_opinions_are_taken_until_the_start_within_the_length_limit(db: Session) -> None:
    forum, person = plan(db), resident(db)
    opinion = participation.add_opinion(db, forum.id or 0, person, "  อยากได้ไฟทาง  ", NOW)
    assert opinion.text == "อยากได้ไฟทาง"
    for text, reason in (("   ", "empty"), ("ก" * (participation.MAX_OPINION_CHARS + 1), "too_long")):
        with refused(reason):
            participation.add_opinion(db, forum.id or 0, person, text, NOW)
    with refused("started"):
        participation.add_opinion(db, forum.id or 0, person, "ช้าไป", STARTS)
    with refused("no_opinions"):
        participation.add_opinion(db, plan(db, collect_opinions=False).id or 0, person, "ขอแสดงความเห็น", NOW)
    assert participation.attach_photo(db, opinion.id or 0, person.id or 0, "m" * 80)
    assert not participation.attach_photo(db, opinion.id or 0, resident(db).id or 0, "m")  # not their opinion
    assert opinion.photo_message_id == "m" * 64
    assert len(db.exec(select(ForumOpinion)).all()) == 1


def test_a_check_in_counts_once_from_the_start_within_the_window(db: Session) -> None:
    forum, person = plan(db), resident(db)
    with pytest.raises(participation.NotStartedError):  # the right code, early
        participation.check_in(db, person, forum.check_in_code, STARTS - timedelta(minutes=30))
    with refused("wrong_code"):  # too early to be this forum's code at all
        participation.check_in(
            db, person, forum.check_in_code, STARTS - participation.CHECK_IN_OPENS - timedelta(minutes=1)
        )
    assert participation.check_in(db, person, f" {forum.check_in_code} ", STARTS) == (forum, True)
    assert participation.check_in(db, person, forum.check_in_code, STARTS + timedelta(hours=1)) == (forum, False)
    with refused("wrong_code"):
        participation.check_in(
            db, resident(db), forum.check_in_code, STARTS + participation.CHECK_IN_CLOSES + timedelta(minutes=1)
        )


# --- after the start -----------------------------------------------------------------------------------


def test_attendance_is_recorded_only_once_the_forum_is_held(db: Session) -> None:
    forum, person = plan(db), resident(db)
    rsvp(db, forum, person)
    registration = participation.answer_of(db, forum.id or 0, person.id or 0)
    assert registration is not None
    before = STARTS - timedelta(minutes=1)
    with pytest.raises(forums.ConflictError, match="ยังไม่เริ่ม") as early:
        forums.tick(db, forum, [registration.id or 0], None, before)
    assert errors.kind(early.value) == "conflict"
    with pytest.raises(forums.ConflictError, match="ยังไม่เริ่ม"):
        forums.record_paper(db, ORG, forum, {1: 12}, None, before)
    with pytest.raises(forums.InvalidError, match="ไม่พบหมายเลขลงทะเบียน"):
        forums.tick(db, forum, [registration.id or 0, 10**6], None, STARTS)
    assert forums.tick(db, forum, [registration.id or 0], None, STARTS) == 1
    assert forums.tick(db, forum, [registration.id or 0], None, STARTS) == 0
    forums.record_paper(db, ORG, forum, {1: 12, 2: 3}, None, STARTS)
    forums.record_paper(db, ORG, forum, {1: 10}, None, STARTS)  # a correction replaces the figure
    with pytest.raises(forums.InvalidError, match="ไม่พบหมู่ที่ 99"):
        forums.record_paper(db, ORG, forum, {99: 1}, None, STARTS)
    counted = figures.attendance(db, forum.id or 0)
    assert (counted.staff_ticked, counted.paper, counted.total) == (1, {1: 10, 2: 3}, 14)


def test_a_cancelled_forum_records_no_attendance(db: Session) -> None:
    forum = plan(db)
    forums.cancel(db, ORG, forum, "ฝนตกหนัก", NOW, None)
    with pytest.raises(forums.ConflictError, match="ยกเลิกแล้ว"):
        forums.record_paper(db, ORG, forum, {1: 5}, None, STARTS)


def test_the_outcome_is_published_once_after_the_forum_to_attendees_and_opinion_senders(db: Session) -> None:
    forum = plan(db)
    attended, opined, only_said_going = resident(db), resident(db), resident(db)
    rsvp(db, forum, only_said_going)
    participation.add_opinion(db, forum.id or 0, opined, "อยากได้ไฟทาง", NOW)
    with pytest.raises(forums.ConflictError, match="ยังไม่ได้จัด"):
        forums.publish_outcome(db, ORG, forum, OUTCOME, None, STARTS - timedelta(minutes=1))
    participation.check_in(db, attended, forum.check_in_code, STARTS)
    outcome, notice = forums.publish_outcome(db, ORG, forum, OUTCOME, None, STARTS + timedelta(days=1))
    assert outcome.decisions == "เห็นชอบโครงการถนน" and notice is not None
    assert sorted(json.loads(db.exec(select(OutboxMessage)).one().recipient or "[]")) == sorted(
        [attended.line_user_id, opined.line_user_id]
    )
    with pytest.raises(forums.ConflictError, match="ไปแล้ว"):
        forums.publish_outcome(db, ORG, forum, OUTCOME, None, STARTS + timedelta(days=2))


def test_an_outcome_nobody_took_part_in_is_published_without_a_push(db: Session) -> None:
    forum = plan(db)
    outcome, notice = forums.publish_outcome(db, ORG, forum, OUTCOME, None, STARTS)
    assert notice is None and outcome.forum_id == forum.id
    assert [n.status for n in notices_of(db, forum, NoticePurpose.FORUM_OUTCOME)] == [NoticeStatus.CANCELLED]


def test_a_residents_forum_has_no_roster_to_mark(db: Session) -> None:
    with pytest.raises(errors.Conflict, match="เวทีประชาคม"):
        staff_forums.set_present(db, plan(db), ["staff:1"], None, STARTS)


def test_erasure_keeps_the_opinion_but_not_its_words_or_photo(db: Session) -> None:
    forum, person = plan(db), resident(db)
    opinion = participation.add_opinion(db, forum.id or 0, person, "บ้านเลขที่ 12 น้ำท่วม", NOW)
    participation.attach_photo(db, opinion.id or 0, person.id or 0, "m1")
    forums.erase_resident(db, person, NOW)
    assert (opinion.text, opinion.photo_message_id) == (forums.ERASED_OPINION, None)

"""The notice rules called directly (no webhook, worker or LINE): LINE's limits and the audience checked when
written, who each audience reaches, draft → scheduled → sent once (or cancelled), the scheduler, what a
resident may read. Rolled back per test (`db`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlmodel import Session, col, select

from bot import errors
from bot.chat.messages import MAX_MESSAGES_PER_CALL, MAX_TEXT_CHARS
from bot.config import Settings
from bot.forums import participation
from bot.forums import service as forums
from bot.forums.audiences import FOR_NOTICES
from bot.forums.models import Forum, ForumCreate, RsvpAnswer
from bot.notices import audience, scheduler
from bot.notices import service as notices
from bot.notices.models import (
    AudienceIn,
    AudienceKind,
    DeliveryMethod,
    Notice,
    NoticeCreate,
    NoticeDelivery,
    NoticePreference,
    NoticePurpose,
    NoticeStatus,
)
from bot.outbox.models import OutboxKind, OutboxMessage
from bot.residents.models import FollowStatus, Resident
from bot.staff import service as staff
from bot.staff.models import Role, StaffContact

SETTINGS = Settings(_env_file=None)
ORG = SETTINGS.organisation
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
_ids = iter(range(10**6))


def resident(
    db: Session, village: int | None = 1, *, opted_out: bool = False, status: FollowStatus = FollowStatus.FOLLOWING
) -> Resident:
    person = Resident(line_user_id=f"U{next(_ids):032d}", status=status, created_at=NOW, village_no=village)
    db.add(person)
    db.flush()
    if opted_out:
        notices.set_opted_out(db, person.id or 0, True, NOW)
        db.flush()
    return person


def body(
    kind: str = "villages", villages: list[int] | None = None, *, forum_id: int | None = None, **fields: Any
) -> NoticeCreate:
    chosen = [1] if villages is None and kind == "villages" else villages or []
    where = AudienceIn.model_validate({"kind": kind, "villages": chosen, "forum_id": forum_id})
    return NoticeCreate(**{"title": "ประชาสัมพันธ์", "text": "ขอเชิญชวนร่วมกิจกรรมวันเด็ก", **fields}, audience=where)


def create(db: Session, data: NoticeCreate | None = None) -> Notice:
    return notices.create(db, ORG, FOR_NOTICES, data or body(), None, NOW)


def reached(db: Session, notice: Notice) -> list[str]:
    return audience.resolve(db, notice, FOR_NOTICES).user_ids


def forum(db: Session) -> Forum:
    data = ForumCreate(
        topic="แผนพัฒนาตำบล", agenda="รับฟังความเห็น", villages=[1], place="ศาลาหมู่ 1", starts_at=NOW + timedelta(days=3)
    )
    return forums.create(db, ORG, data, None, NOW)


# --- writing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"title": "  "}, "หัวข้อ"),
        ({"link": "javascript:alert(1)"}, "https://"),
        ({"image_url": "http://example.org/a.jpg"}, "https"),
        ({"image_url": "https://example.org/" + "a" * notices.MAX_IMAGE_URL}, "ยาวเกิน"),
        ({"text": "ก" * MAX_TEXT_CHARS}, "เกินที่ LINE รับได้"),
        ({"images": [f"https://example.org/{i}.jpg" for i in range(MAX_MESSAGES_PER_CALL)]}, "ลดจำนวนรูป"),
    ],
    ids=["blank title", "javascript link", "http image", "long image url", "long text", "six messages"],
)
def test_what_line_would_refuse_is_refused_in_thai_before_anything_is_written(
    db: Session, change: dict[str, Any], words: str
) -> None:
    resident(db)
    with pytest.raises(notices.InvalidError, match=words) as refused:
        create(db, body(**change))
    assert errors.kind(refused.value) == "invalid"
    assert db.exec(select(Notice)).first() is None


def test_the_messages_are_fixed_when_written_within_lines_limits(db: Session) -> None:
    resident(db)
    images = [f"https://example.org/{i}.jpg" for i in range(MAX_MESSAGES_PER_CALL - 1)]
    notice = create(db, body(link="https://example.org/more", image_url=images[0], images=images[1:]))
    messages = notice.message_list()
    assert len(messages) == MAX_MESSAGES_PER_CALL and messages[0]["text"].startswith("📢 ประชาสัมพันธ์")
    assert "https://example.org/more" in messages[0]["text"]
    assert [m["originalContentUrl"] for m in messages[1:]] == images
    assert (notice.image_url, notice.image_list(), notice.status) == (images[0], images[1:], NoticeStatus.DRAFT)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"kind": "villages", "villages": []}, "อย่างน้อยหนึ่งหมู่"),
        ({"kind": "villages", "villages": [99]}, "ไม่พบหมู่ที่ 99"),
        ({"kind": "all", "villages": [1]}, "เฉพาะเมื่อกลุ่มผู้รับเป็น villages"),
        ({"kind": "forum"}, "ไม่พบเวทีประชาคม"),
        ({"kind": "forum", "forum_id": 10**6}, "ไม่พบเวทีประชาคม"),
    ],
    ids=["no village", "unknown village", "villages for all", "forum without id", "unknown forum"],
)
def test_an_audience_that_does_not_exist_is_refused(db: Session, data: dict[str, Any], words: str) -> None:
    resident(db)
    with pytest.raises(notices.InvalidError, match=words):
        create(db, body(data.pop("kind"), **data))


def test_a_forum_id_belongs_only_to_a_forum_audience(db: Session) -> None:
    resident(db)
    with pytest.raises(notices.InvalidError, match="forum_id"):
        create(db, body("all", forum_id=forum(db).id))


def test_a_notice_nobody_can_receive_is_not_written(db: Session) -> None:
    resident(db, 2)
    resident(db, 1, status=FollowStatus.BLOCKED)
    with pytest.raises(notices.InvalidError, match="ยังไม่มีผู้รับ"):
        create(db, body("villages", [1]))


# --- audiences -----------------------------------------------------------------------------------------


def test_everyone_is_one_broadcast_until_someone_opts_out(db: Session) -> None:
    people = [resident(db, 1), resident(db, 2), resident(db, None)]
    resident(db, 1, status=FollowStatus.BLOCKED)
    notice = create(db, body("all"))
    assert audience.resolve(db, notice, FOR_NOTICES) == audience.Recipients(DeliveryMethod.BROADCAST, [], 3)
    notices.set_opted_out(db, people[0].id or 0, True, NOW)
    db.flush()
    after = audience.resolve(db, notice, FOR_NOTICES)
    assert (after.method, after.user_ids) == (DeliveryMethod.MULTICAST, [p.line_user_id for p in people[1:]])
    assert audience.count(db, notice, FOR_NOTICES).count == 2


def test_an_essential_notice_reaches_those_who_opted_out(db: Session) -> None:
    out = resident(db, 1, opted_out=True)
    stays = resident(db, 1)
    resident(db, 2)
    everyone = create(db, body("all", essential=True))
    assert audience.resolve(db, everyone, FOR_NOTICES).method == DeliveryMethod.BROADCAST
    assert reached(db, create(db, body("villages", [1], essential=True))) == [out.line_user_id, stays.line_user_id]
    assert reached(db, create(db, body("villages", [1]))) == [stays.line_user_id]


def test_a_village_notice_reaches_only_followers_of_those_villages_each_once(db: Session) -> None:
    one, three = resident(db, 1), resident(db, 3)
    resident(db, 2)
    resident(db, None)
    resident(db, 1, status=FollowStatus.ERASED)
    notice = create(db, body("villages", [3, 1, 3]))
    assert notice.village_list() == [1, 3]
    assert reached(db, notice) == [one.line_user_id, three.line_user_id]


def test_a_staff_notice_reaches_active_staff_who_linked_their_line(db: Session) -> None:
    linked, gone, not_linked = (staff.create_staff(db, name=n, role=Role.OFFICER, now=NOW)[0] for n in "กขค")
    gone.active = False
    people = [resident(db), resident(db), resident(db)]
    for member, person in ((linked, people[0]), (gone, people[1])):
        db.add(StaffContact(staff_member_id=member.id or 0, resident_id=person.id, linked_at=NOW))
    db.add(StaffContact(staff_member_id=not_linked.id or 0, code_hash="x" * 64))  # a code not typed yet
    db.flush()
    assert reached(db, create(db, body("staff"))) == [people[0].line_user_id]


def test_forum_audiences_are_who_took_part_and_are_not_filtered_by_opt_out(db: Session) -> None:
    event = forum(db)
    going, maybe, no, opined = resident(db, opted_out=True), resident(db), resident(db), resident(db)
    for person, answer in ((going, RsvpAnswer.GOING), (maybe, RsvpAnswer.MAYBE), (no, RsvpAnswer.NOT_GOING)):
        participation.rsvp(db, event.id or 0, person, answer, NOW)
    participation.add_opinion(db, event.id or 0, opined, "อยากได้ไฟทาง", NOW)
    participation.add_opinion(db, event.id or 0, going, "ขอถนนลาดยาง", NOW)  # counted once
    probe = create(db, body("forum", forum_id=event.id))
    assert sorted(reached(db, probe)) == sorted([going.line_user_id, maybe.line_user_id, opined.line_user_id])
    probe.audience_kind = AudienceKind.FORUM_GOING
    assert reached(db, probe) == [going.line_user_id, maybe.line_user_id]
    probe.audience_kind = AudienceKind.FORUM_OUTCOME
    assert sorted(reached(db, probe)) == sorted([going.line_user_id, opined.line_user_id])


# --- sending once --------------------------------------------------------------------------------------


def test_sending_writes_one_outbox_row_per_500_and_a_second_send_is_refused(db: Session) -> None:
    people = [f"U{next(_ids):032d}" for _ in range(501)]
    db.execute(
        insert(Resident),
        [{"line_user_id": u, "status": FollowStatus.FOLLOWING, "created_at": NOW, "village_no": 1} for u in people],
    )
    notice = create(db)
    notices.send_now(db, notice, audience.resolve(db, notice, FOR_NOTICES), NOW)
    db.flush()
    assert (notice.status, notice.sent_at, notice.method, notice.recipient_count) == (
        NoticeStatus.SENT,
        NOW,
        DeliveryMethod.MULTICAST,
        501,
    )
    rows = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    assert [len(json.loads(r.recipient or "[]")) for r in rows] == [500, 1]
    assert [u for r in rows for u in json.loads(r.recipient or "[]")] == people
    assert rows[1].next_attempt_at > rows[0].next_attempt_at  # paced for LINE's rate limit
    assert sorted(d.recipients for d in db.exec(select(NoticeDelivery)).all()) == [1, 500]
    with pytest.raises(notices.ConflictError, match="ส่งไปแล้ว") as refused:
        notices.send_now(db, notice, audience.resolve(db, notice, FOR_NOTICES), NOW)
    assert errors.kind(refused.value) == "conflict"


def test_a_broadcast_is_one_row(db: Session) -> None:
    resident(db)
    notice = create(db, body("all"))
    notices.send_now(db, notice, audience.resolve(db, notice, FOR_NOTICES), NOW)
    assert db.exec(select(OutboxMessage.kind)).all() == [OutboxKind.BROADCAST]


def test_sending_when_everyone_has_left_is_refused_and_the_draft_stays(db: Session) -> None:
    person = resident(db)
    notice = create(db)
    person.status = FollowStatus.BLOCKED
    db.flush()
    with pytest.raises(notices.ConflictError, match="ไม่มีผู้รับ"):
        notices.send_now(db, notice, audience.resolve(db, notice, FOR_NOTICES), NOW)
    assert notice.status == NoticeStatus.DRAFT and db.exec(select(OutboxMessage)).first() is None


def test_only_a_draft_is_scheduled_and_only_for_the_future(db: Session) -> None:
    resident(db)
    notice = create(db)
    for at in (NOW, NOW - timedelta(minutes=1)):
        with pytest.raises(notices.InvalidError, match="อนาคต"):
            notices.schedule(notice, at, NOW)
    notices.schedule(notice, NOW + timedelta(hours=1), NOW)
    assert (notice.status, notice.scheduled_at) == (NoticeStatus.SCHEDULED, NOW + timedelta(hours=1))
    with pytest.raises(notices.ConflictError, match="ตั้งเวลาส่งไว้แล้ว"):
        notices.schedule(notice, NOW + timedelta(hours=2), NOW)
    with pytest.raises(notices.ConflictError, match="ตั้งเวลาส่งไว้แล้ว"):
        notices.send_now(db, notice, audience.resolve(db, notice, FOR_NOTICES), NOW)


def test_cancelling_is_for_what_has_not_gone_yet(db: Session) -> None:
    resident(db)
    scheduled, sent = create(db), create(db)
    notices.schedule(scheduled, NOW + timedelta(hours=1), NOW)
    notices.cancel(scheduled, NOW)
    assert (scheduled.status, scheduled.cancelled_at) == (NoticeStatus.CANCELLED, NOW)
    with pytest.raises(notices.ConflictError, match="ถูกยกเลิกไปแล้ว"):
        notices.cancel(scheduled, NOW)
    with pytest.raises(notices.ConflictError, match="ถูกยกเลิกแล้ว"):
        notices.send_now(db, scheduled, audience.resolve(db, scheduled, FOR_NOTICES), NOW)
    notices.send_now(db, sent, audience.resolve(db, sent, FOR_NOTICES), NOW)
    with pytest.raises(notices.ConflictError, match="ยังไม่ได้ส่ง"):
        notices.cancel(sent, NOW)


def test_the_scheduler_sends_what_is_due_once_and_says_when_nobody_is_left(db: Session) -> None:
    person = resident(db)
    due, later, empty = create(db), create(db), create(db, body("villages", [1]))
    notices.schedule(due, NOW + timedelta(minutes=5), NOW)
    notices.schedule(later, NOW + timedelta(hours=5), NOW)
    empty.audience_villages = json.dumps([2])  # village 2 has nobody by the time it falls due
    notices.schedule(empty, NOW + timedelta(minutes=5), NOW)
    assert scheduler.run_due(db, NOW + timedelta(minutes=4), FOR_NOTICES) == 0
    assert scheduler.run_due(db, NOW + timedelta(minutes=5), FOR_NOTICES) == 2
    assert (due.status, due.recipient_count, later.status) == (NoticeStatus.SENT, 1, NoticeStatus.SCHEDULED)
    assert (empty.status, empty.recipient_count) == (NoticeStatus.NO_RECIPIENTS, 0)
    assert scheduler.run_due(db, NOW + timedelta(minutes=6), FOR_NOTICES) == 0
    rows = db.exec(select(OutboxMessage)).all()
    assert len(rows) == 1 and json.loads(rows[0].recipient or "[]") == [person.line_user_id]


def test_a_forum_reminder_that_falls_due_after_the_start_is_cancelled_not_sent(db: Session) -> None:
    event = forum(db)
    participation.rsvp(db, event.id or 0, resident(db), RsvpAnswer.GOING, NOW)
    reminder = db.exec(select(Notice).where(Notice.purpose == NoticePurpose.FORUM_REMINDER)).one()
    assert reminder.scheduled_at == event.starts_at - timedelta(hours=event.reminder_hours_before)
    assert scheduler.run_due(db, event.starts_at, FOR_NOTICES) == 1  # the worker was down until the start
    assert reminder.status == NoticeStatus.CANCELLED and db.exec(select(OutboxMessage)).first() is None


# --- residents -----------------------------------------------------------------------------------------


def test_news_is_recent_public_notices_for_the_residents_village(db: Session) -> None:
    resident(db, 1)
    resident(db, 2)
    everyone, mine, theirs, old, draft = (
        create(db, body("all")),
        create(db, body("villages", [1])),
        create(db, body("villages", [2])),
        create(db, body("all")),
        create(db, body("all")),
    )
    for notice, days_ago in ((old, notices.RECENT_DAYS + 1), (everyone, 2), (mine, 1), (theirs, 1)):
        notices.send_now(db, notice, audience.resolve(db, notice, FOR_NOTICES), NOW - timedelta(days=days_ago))
    assert draft.status == NoticeStatus.DRAFT
    assert notices.for_village(db, 1, NOW) == [mine, everyone]
    assert notices.for_village(db, None, NOW) == [everyone]


def test_opting_out_and_back_in_and_erasure(db: Session) -> None:
    person = resident(db)
    rid = person.id or 0
    assert not notices.is_opted_out(db, rid)
    notices.set_opted_out(db, rid, True, NOW)
    db.flush()
    assert notices.is_opted_out(db, rid)
    notices.set_opted_out(db, rid, False, NOW)
    assert not notices.is_opted_out(db, rid)
    notices.erase_resident(db, person, NOW)
    db.flush()
    assert db.get(NoticePreference, rid) is None

"""Forums, staff side: create (with its reminder scheduled), announce, cancel, record attendance and
paper counts, publish the outcome. Every message goes out as a notice (bot.notices), so staff see
each one's exact messages and delivery figures. Functions never commit.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot import thai
from bot.chat import messages as m
from bot.forums import participation, staff, texts
from bot.forums.audiences import FOR_NOTICES
from bot.forums.callbacks import Rsvp, opinion_action, rsvp_actions
from bot.forums.models import (
    CheckInMethod,
    Forum,
    ForumCreate,
    ForumOpinion,
    ForumOutcome,
    ForumPaperCount,
    ForumRsvp,
    ForumStatus,
    ForumVillage,
    OutcomeCreate,
    RsvpAnswer,
)
from bot.notices import audience, delivery
from bot.notices import service as notices
from bot.notices.models import AudienceKind, Notice, NoticePurpose, NoticeStatus
from bot.notices.service import ConflictError, InvalidError, NotFoundError
from bot.organisation import Organisation
from bot.residents.models import Resident

ERASED_OPINION = "(ลบตามคำขอของเจ้าของข้อมูล)"


def get(session: Session, forum_id: int, *, lock: bool = False) -> Forum:
    forum = session.get(Forum, forum_id, with_for_update=lock)
    if forum is None:
        raise NotFoundError("ไม่พบเวทีประชาคมนี้")
    return forum


def recent(session: Session, limit: int, offset: int) -> list[Forum]:
    """Forums, latest start first."""
    return list(session.exec(select(Forum).order_by(col(Forum.starts_at).desc()).offset(offset).limit(limit)).all())


def starting_between(session: Session, start: datetime, end: datetime) -> list[Forum]:
    """Forums starting in [start, end), soonest first."""
    query = select(Forum).where(col(Forum.starts_at) >= start, col(Forum.starts_at) < end)
    return list(session.exec(query.order_by(col(Forum.starts_at))).all())


def villages_of(session: Session, forum_id: int) -> list[int]:
    query = select(ForumVillage.village_no).where(ForumVillage.forum_id == forum_id)
    return list(session.exec(query.order_by(col(ForumVillage.village_no))).all())


def _check_villages(org: Organisation, villages: list[int]) -> list[int]:
    known = ", ".join(str(v.number) for v in org.villages)
    for number in villages:
        if org.village(number) is None:
            raise InvalidError(f"ไม่พบหมู่ที่ {number} ใน{org.short_name} (มีหมู่ที่ {known})")
    return sorted(set(villages))


def _check_in_code(session: Session, starts_at: datetime) -> str:
    """Four digits, unique among forums whose check-in could be open at the same time."""
    window = participation.CHECK_IN_OPENS + participation.CHECK_IN_CLOSES
    while True:
        code = f"{secrets.randbelow(10**4):04d}"
        clash = session.exec(
            select(Forum.id).where(
                Forum.check_in_code == code,
                col(Forum.starts_at) > starts_at - window,
                col(Forum.starts_at) < starts_at + window,
            )
        ).first()
        if clash is None:
            return code


def create(session: Session, org: Organisation, data: ForumCreate, staff_id: int | None, now: datetime) -> Forum:
    """A planned forum, and its reminder notice scheduled for the day before (or as configured)."""
    villages = _check_villages(org, data.villages)
    if data.starts_at <= now:
        raise InvalidError("วันเวลาเริ่มเวทีต้องเป็นเวลาในอนาคต")
    purpose, roster_survey = None, None
    if data.audience == "staff":
        if villages:
            raise InvalidError("เวทีบุคลากรไม่ระบุหมู่บ้าน: ผู้เข้าร่วมคือรายชื่อบุคลากร")
        purpose, roster_survey = staff.check(session, data.purpose, data.roster_survey)
    elif not villages:
        raise InvalidError("กรุณาระบุหมู่บ้านอย่างน้อย 1 หมู่")
    map_url = notices.check_url(data.map_url, image=False) if data.map_url else None
    forum = Forum(
        topic=data.topic.strip(),
        agenda=data.agenda.strip(),
        starts_at=data.starts_at,
        place=data.place.strip(),
        map_url=map_url,
        capacity=data.capacity,
        collect_opinions=data.collect_opinions,
        reminder_hours_before=data.reminder_hours_before,
        check_in_code=_check_in_code(session, data.starts_at),
        created_by=staff_id,
        created_at=now,
        audience=data.audience,
        purpose=purpose,
        roster_survey=roster_survey,
    )
    session.add(forum)
    session.flush()
    session.add_all(ForumVillage(forum_id=forum.id or 0, village_no=number) for number in villages)
    if forum.audience == "residents":  # staff forums reach their roster, not residents' RSVPs
        _schedule_reminder(session, org, forum, now, staff_id)
    return forum


def _schedule_reminder(session: Session, org: Organisation, forum: Forum, now: datetime, staff_id: int | None) -> None:
    remind_at = forum.starts_at - timedelta(hours=forum.reminder_hours_before)
    if remind_at <= now:  # created at short notice: remind halfway to the start
        remind_at = now + (forum.starts_at - now) / 2
    quick = [m.postback("ไม่ไป", Rsvp(forum.id or 0, RsvpAnswer.NOT_GOING).pack(), "ไม่ไป")]
    if forum.collect_opinions:
        quick.append(opinion_action(forum.id or 0))
    notice = notices.create_for_forum(
        session,
        forum_id=forum.id or 0,
        purpose=NoticePurpose.FORUM_REMINDER,
        kind=AudienceKind.FORUM_GOING,
        title=f"แจ้งเตือน: {forum.topic}",
        summary="แจ้งเตือนผู้ตอบว่าไปหรือยังไม่แน่ใจ ก่อนวันงาน",
        messages=texts.reminder(org, forum, quick),
        now=now,
        staff_id=staff_id,
    )
    notices.schedule(notice, remind_at, now)


def forum_notices(session: Session, forum_id: int) -> list[Notice]:
    return list(session.exec(select(Notice).where(Notice.forum_id == forum_id).order_by(col(Notice.id))).all())


def audience_count(session: Session, forum: Forum, kind: AudienceKind) -> int:
    """How many a forum notice of `kind` would reach now (read-only: nothing is written)."""
    villages = villages_of(session, forum.id or 0) if kind == AudienceKind.VILLAGES else []
    probe = Notice(
        title="",
        text="",
        audience_kind=kind,
        audience_villages=json.dumps(villages),
        forum_id=forum.id,
        messages="[]",
        created_at=forum.created_at,
    )
    return audience.count(session, probe, FOR_NOTICES).count


def draft_invitation(
    session: Session, org: Organisation, forum: Forum, now: datetime, staff_id: int | None
) -> tuple[Notice, audience.Recipients]:
    """The invitation notice to the forum's villages (not sent yet) and who it would reach."""
    if forum.audience != "residents":
        raise ConflictError("เวทีบุคลากรไม่ประกาศเชิญประชาชน")
    if forum.status == ForumStatus.CANCELLED:
        raise ConflictError("เวทีนี้ถูกยกเลิกแล้ว ประกาศไม่ได้")
    if forum.starts_at <= now:
        raise ConflictError("เวทีนี้เริ่มไปแล้ว ประกาศเชิญไม่ได้")
    taken = [
        n
        for n in forum_notices(session, forum.id or 0)
        if n.purpose == NoticePurpose.FORUM_ANNOUNCEMENT and n.status != NoticeStatus.CANCELLED
    ]
    if taken:
        raise ConflictError(f"ประกาศเวทีนี้ไปแล้ว (ประกาศหมายเลข {taken[0].id}) จะไม่ส่งซ้ำ")
    villages = villages_of(session, forum.id or 0)
    labels = [village.label for number in villages if (village := org.village(number))]
    messages = texts.invitation(org, forum, labels, rsvp_actions(forum.id or 0, forum.collect_opinions))
    notice = notices.create_for_forum(
        session,
        forum_id=forum.id or 0,
        purpose=NoticePurpose.FORUM_ANNOUNCEMENT,
        kind=AudienceKind.VILLAGES,
        villages=villages,
        title=f"เชิญร่วมเวทีประชาคม: {forum.topic}",
        summary=forum.agenda,
        messages=messages,
        now=now,
        staff_id=staff_id,
    )
    return notice, audience.resolve(session, notice, FOR_NOTICES)


def announce(
    session: Session,
    org: Organisation,
    forum: Forum,
    now: datetime,
    staff_id: int | None,
    at: datetime | None = None,
    per_second: float = delivery.DEFAULT_MULTICAST_PER_SECOND,
) -> Notice:
    """Send (or schedule) the invitation with its RSVP buttons, once."""
    notice, recipients = draft_invitation(session, org, forum, now, staff_id)
    if at is not None:
        if at >= forum.starts_at:
            raise InvalidError("เวลาประกาศต้องก่อนวันเวลาเริ่มเวที")
        notices.schedule(notice, at, now)
    else:
        notices.send_now(session, notice, recipients, now, per_second)
    return notice


def cancel(
    session: Session,
    org: Organisation,
    forum: Forum,
    reason: str,
    now: datetime,
    staff_id: int | None,
    per_second: float = delivery.DEFAULT_MULTICAST_PER_SECOND,
) -> Notice | None:
    """Cancel before the start: unsent forum notices are cancelled, those who said ไป/ยังไม่แน่ใจ are told."""
    if forum.status == ForumStatus.CANCELLED:
        raise ConflictError("เวทีนี้ถูกยกเลิกไปแล้ว")
    if forum.starts_at <= now:
        raise ConflictError("เวทีนี้เริ่มไปแล้ว ยกเลิกไม่ได้")
    forum.status = ForumStatus.CANCELLED
    forum.cancel_reason = reason.strip()
    forum.cancelled_at = now
    for notice in forum_notices(session, forum.id or 0):
        if notice.status in (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED):
            notices.cancel(notice, now)
    notice = notices.create_for_forum(
        session,
        forum_id=forum.id or 0,
        purpose=NoticePurpose.FORUM_CANCELLED,
        kind=AudienceKind.FORUM_GOING,
        title=f"ยกเลิกเวทีประชาคม: {forum.topic}",
        summary=reason,
        messages=texts.cancelled_notice(org, forum, forum.cancel_reason),
        now=now,
        staff_id=staff_id,
    )
    recipients = audience.resolve(session, notice, FOR_NOTICES)
    if recipients.count == 0:
        notices.cancel(notice, now)
        return None
    notices.dispatch(session, notice, recipients, now, per_second)
    return notice


def attendance_opens(forum: Forum) -> datetime:
    """Attendance is of a forum being held: recorded from its start (a forum not held has no participants)."""
    return forum.starts_at


def _check_attendance_open(forum: Forum, now: datetime) -> None:
    if forum.status == ForumStatus.CANCELLED:
        raise ConflictError("เวทีนี้ถูกยกเลิกแล้ว")
    if now < attendance_opens(forum):
        raise ConflictError(f"เวทียังไม่เริ่ม บันทึกผู้เข้าร่วมได้ตั้งแต่เวลาเริ่มเวที ({thai.format_datetime(forum.starts_at)})")


def tick(session: Session, forum: Forum, registrations: list[int], staff_id: int | None, now: datetime) -> int:
    """Staff tick registration numbers on the list at the venue; returns how many were newly marked."""
    _check_attendance_open(forum, now)
    rows = session.exec(
        select(ForumRsvp).where(ForumRsvp.forum_id == forum.id, col(ForumRsvp.id).in_(registrations))
    ).all()
    unknown = sorted(set(registrations) - {r.id for r in rows})
    if unknown:
        raise InvalidError(f"ไม่พบหมายเลขลงทะเบียนของเวทีนี้: {', '.join(map(str, unknown[:20]))}")
    return sum(
        participation.record_attendance(
            session, forum, row.resident_id, row.village_no, CheckInMethod.STAFF, now, staff_id
        )
        for row in rows
    )


def record_paper(
    session: Session, org: Organisation, forum: Forum, counts: dict[int, int], staff_id: int | None, now: datetime
) -> None:
    """Participants who signed the paper sheet (not checked in by LINE), per village; replaces earlier figures."""
    _check_attendance_open(forum, now)
    _check_villages(org, list(counts))
    for village_no, participants in counts.items():
        row = session.get(ForumPaperCount, (forum.id, village_no))
        if row is None:
            session.add(
                ForumPaperCount(
                    forum_id=forum.id or 0,
                    village_no=village_no,
                    participants=participants,
                    recorded_by=staff_id,
                    recorded_at=now,
                )
            )
        else:
            row.participants, row.recorded_by, row.recorded_at = participants, staff_id, now


def publish_outcome(
    session: Session,
    org: Organisation,
    forum: Forum,
    data: OutcomeCreate,
    staff_id: int | None,
    now: datetime,
    per_second: float = delivery.DEFAULT_MULTICAST_PER_SECOND,
) -> tuple[ForumOutcome, Notice | None]:
    """Publish the outcome once, after the forum: public page, and a push to attendees and opinion senders."""
    if forum.status == ForumStatus.CANCELLED:
        raise ConflictError("เวทีนี้ถูกยกเลิกแล้ว")
    if forum.starts_at > now:
        raise ConflictError("เวทียังไม่ได้จัด เผยแพร่ผลได้หลังวันงาน")
    if session.get(ForumOutcome, forum.id) is not None:
        raise ConflictError("เผยแพร่ผลเวทีนี้ไปแล้ว จะไม่ส่งซ้ำ")
    links = [{"title": link.title.strip(), "url": notices.check_url(link.url, image=False)} for link in data.plan_links]
    outcome = ForumOutcome(
        forum_id=forum.id or 0,
        minutes=data.minutes.strip(),
        decisions=data.decisions.strip(),
        opinions_used=data.opinions_used.strip(),
        plan_links=json.dumps(links, ensure_ascii=False),
        published_by=staff_id,
        published_at=now,
    )
    session.add(outcome)
    notice = notices.create_for_forum(
        session,
        forum_id=forum.id or 0,
        purpose=NoticePurpose.FORUM_OUTCOME,
        kind=AudienceKind.FORUM_OUTCOME,
        title=f"สรุปผลเวทีประชาคม: {forum.topic}",
        summary=outcome.decisions,
        messages=texts.outcome_message(org, forum, outcome),
        now=now,
        staff_id=staff_id,
    )
    recipients = audience.resolve(session, notice, FOR_NOTICES)
    if recipients.count == 0:
        notices.cancel(notice, now)
        return outcome, None
    notices.dispatch(session, notice, recipients, now, per_second)
    return outcome, notice


def erase_resident(session: Session, resident: Resident, now: datetime) -> None:
    """Erasure: opinions lose their words and photo; RSVPs and attendance stay as anonymous counts."""
    resident_id = resident.id or 0
    for opinion in session.exec(select(ForumOpinion).where(ForumOpinion.resident_id == resident_id)).all():
        opinion.text, opinion.photo_message_id = ERASED_OPINION, None

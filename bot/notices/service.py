"""Notices' rules: writing one (LINE's limits checked in Thai), sending it once, scheduling, cancelling,
opt-outs, and the recent notices a resident may read. Functions never commit: the caller does.

A notice moves draft → sent, or draft → scheduled → sent (or no_recipients), or to cancelled before
it is sent. Marking it sent and writing all its outbox rows happen in one transaction; callers hold
the notice's row lock (`get(..., lock=True)` in a claiming session), so it is never sent twice.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from bot.chat.messages import MAX_MESSAGES_PER_CALL, MAX_TEXT_CHARS, Message
from bot.errors import Conflict, DomainError, Invalid, NotFound
from bot.notices import audience, delivery, texts
from bot.notices.audience import Forums, Recipients
from bot.notices.models import (
    AudienceKind,
    Notice,
    NoticeCreate,
    NoticePreference,
    NoticePurpose,
    NoticeStatus,
)
from bot.organisation import Organisation
from bot.residents.models import Resident
from bot.staff.models import StaffContact

MAX_IMAGE_URL = 2000  # LINE's limit for image URLs
RECENT_DAYS = 60


class NoticeError(DomainError, ValueError):
    """A request about a notice that cannot be honoured; `str(error)` explains it to staff in Thai."""


class NotFoundError(NoticeError, NotFound):
    pass


class InvalidError(NoticeError, Invalid):
    pass


class ConflictError(NoticeError, Conflict):
    pass


# --- writing ------------------------------------------------------------------------------------


def check_url(url: str, *, image: bool) -> str:
    """A link staff may put in a notice: http(s) only (never `javascript:`), images https only."""
    url = url.strip()
    parts = urlsplit(url)
    schemes = ("https",) if image else ("https", "http")
    if parts.scheme.lower() not in schemes or not parts.netloc or any(c.isspace() or ord(c) < 32 for c in url):
        if image:
            raise InvalidError(f"ที่อยู่รูปภาพต้องขึ้นต้นด้วย https:// (LINE รับเฉพาะ https): {url[:80]}")
        raise InvalidError(f"ลิงก์ต้องขึ้นต้นด้วย https:// หรือ http:// เท่านั้น (ไม่รับ javascript: หรือแบบอื่น): {url[:80]}")
    if image and len(url) > MAX_IMAGE_URL:
        raise InvalidError(f"ที่อยู่รูปภาพยาวเกิน {MAX_IMAGE_URL:,} ตัวอักษร ซึ่ง LINE ไม่รับ")
    return url


def compose(title: str, text: str, link: str | None, images: list[str]) -> list[Message]:
    """The LINE messages of a notice, within LINE's limits (else InvalidError in Thai)."""
    if not title.strip() or not text.strip():
        raise InvalidError("ต้องมีหัวข้อและเนื้อหาประกาศ")
    link = check_url(link, image=False) if link else None
    images = [check_url(url, image=True) for url in images]
    body = texts.notice_body(title, text, link)
    if len(body) > MAX_TEXT_CHARS:
        raise InvalidError(
            f"ข้อความประกาศยาว {len(body):,} ตัวอักษร (รวมหัวข้อและลิงก์) เกินที่ LINE รับได้ {MAX_TEXT_CHARS:,} ตัวอักษร "
            "กรุณาตัดให้สั้นลง หรือแบ่งเป็นหลายประกาศ"
        )
    if 1 + len(images) > MAX_MESSAGES_PER_CALL:
        raise InvalidError(
            f"ประกาศหนึ่งฉบับส่งได้ไม่เกิน {MAX_MESSAGES_PER_CALL} ข้อความตามข้อกำหนดของ LINE "
            f"(ข้อความ 1 + รูปภาพ {len(images)} = {1 + len(images)}) กรุณาลดจำนวนรูป"
        )
    return [{"type": "text", "text": body}, *(texts.image(url) for url in images)]


def _check_audience(
    session: Session, org: Organisation, forums: Forums, kind: str, villages: list[int], forum_id: int | None
) -> None:
    if kind == AudienceKind.VILLAGES:
        if not villages:
            raise InvalidError("ประกาศถึงหมู่บ้าน ต้องระบุหมู่บ้านอย่างน้อยหนึ่งหมู่ (villages)")
        known = ", ".join(str(v.number) for v in org.villages)
        for number in villages:
            if org.village(number) is None:
                raise InvalidError(f"ไม่พบหมู่ที่ {number} ใน{org.short_name} (มีหมู่ที่ {known})")
    elif villages:
        raise InvalidError("ระบุหมู่บ้าน (villages) ได้เฉพาะเมื่อกลุ่มผู้รับเป็น villages")
    if kind == AudienceKind.FORUM:
        if forum_id is None or not forums.exists(session, forum_id):
            raise InvalidError(f"ไม่พบเวทีประชาคมหมายเลข {forum_id}")
    elif forum_id is not None:
        raise InvalidError("ระบุ forum_id ได้เฉพาะเมื่อกลุ่มผู้รับเป็น forum")


def create(
    session: Session, org: Organisation, forums: Forums, data: NoticeCreate, staff_id: int | None, now: datetime
) -> Notice:
    """A draft notice from staff input; refused (InvalidError) when LINE would refuse it or nobody gets it."""
    villages = sorted(set(data.audience.villages))
    _check_audience(session, org, forums, data.audience.kind, villages, data.audience.forum_id)
    images = [data.image_url, *data.images] if data.image_url else list(data.images)
    messages = compose(data.title, data.text, data.link, images)
    notice = Notice(
        title=data.title.strip(),
        text=data.text.strip(),
        image_url=images[0] if images else None,
        images=json.dumps(images[1:]),
        link=data.link.strip() if data.link else None,
        essential=data.essential,
        audience_kind=data.audience.kind,
        audience_villages=json.dumps(villages),
        forum_id=data.audience.forum_id,
        messages=json.dumps(messages, ensure_ascii=False),
        created_by=staff_id,
        created_at=now,
    )
    if audience.count(session, notice, forums).count == 0:
        raise InvalidError("ยังไม่มีผู้รับในกลุ่มนี้ที่รับข้อความทาง LINE ได้ จึงไม่สร้างประกาศ กรุณาเลือกกลุ่มผู้รับใหม่")
    session.add(notice)
    session.flush()
    return notice


def create_for_forum(
    session: Session,
    *,
    forum_id: int,
    purpose: NoticePurpose,
    kind: AudienceKind,
    title: str,
    summary: str,
    messages: list[Message],
    now: datetime,
    villages: list[int] | None = None,
    staff_id: int | None = None,
) -> Notice:
    """A notice the forums domain writes with its own messages (announcement, reminder, outcome …)."""
    notice = Notice(
        title=title[:200],
        text=summary,
        purpose=purpose,
        audience_kind=kind,
        audience_villages=json.dumps(sorted(set(villages or []))),
        forum_id=forum_id,
        messages=json.dumps(messages, ensure_ascii=False),
        created_by=staff_id,
        created_at=now,
    )
    session.add(notice)
    session.flush()
    return notice


# --- sending ------------------------------------------------------------------------------------


def get(session: Session, notice_id: int, *, lock: bool = False) -> Notice:
    notice = session.get(Notice, notice_id, with_for_update=lock)
    if notice is None:
        raise NotFoundError("ไม่พบประกาศนี้")
    return notice


def ensure_draft(notice: Notice) -> None:
    """Only a draft can be sent or scheduled: a second send is refused, with the reason."""
    reasons = {
        NoticeStatus.SENT: "ประกาศนี้ส่งไปแล้ว จะไม่ส่งซ้ำ",
        NoticeStatus.NO_RECIPIENTS: "ประกาศนี้ถึงกำหนดแล้วแต่ไม่มีผู้รับ กรุณาสร้างประกาศใหม่",
        NoticeStatus.SCHEDULED: "ประกาศนี้ตั้งเวลาส่งไว้แล้ว หากต้องการเปลี่ยน ให้ยกเลิกแล้วสร้างใหม่",
        NoticeStatus.CANCELLED: "ประกาศนี้ถูกยกเลิกแล้ว",
    }
    if notice.status != NoticeStatus.DRAFT:
        raise ConflictError(reasons.get(NoticeStatus(notice.status), "ประกาศนี้ส่งไม่ได้"))


def send_now(
    session: Session,
    notice: Notice,
    recipients: Recipients,
    now: datetime,
    per_second: float = delivery.DEFAULT_MULTICAST_PER_SECOND,
) -> None:
    """Mark a draft sent and write every outbox row for it, in the caller's transaction."""
    ensure_draft(notice)
    if recipients.count == 0:
        raise ConflictError("ตอนนี้ไม่มีผู้รับในกลุ่มนี้ที่รับข้อความได้ จึงไม่ได้ส่ง")
    dispatch(session, notice, recipients, now, per_second)


def dispatch(session: Session, notice: Notice, recipients: Recipients, now: datetime, per_second: float) -> None:
    notice.status = NoticeStatus.SENT
    notice.sent_at = now
    notice.method = recipients.method
    notice.recipient_count = recipients.count
    delivery.hand_over(session, notice, recipients, now, per_second)


def check_send_time(at: datetime, now: datetime) -> None:
    if at <= now:
        raise InvalidError("เวลาที่ตั้งส่งต้องเป็นเวลาในอนาคต (ถ้าจะส่งทันที ไม่ต้องระบุ at)")


def schedule(notice: Notice, at: datetime, now: datetime) -> None:
    ensure_draft(notice)
    check_send_time(at, now)
    notice.status = NoticeStatus.SCHEDULED
    notice.scheduled_at = at


def cancel(notice: Notice, now: datetime) -> None:
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED):
        raise ConflictError(
            "ยกเลิกได้เฉพาะประกาศที่ยังไม่ได้ส่ง" if notice.status != NoticeStatus.CANCELLED else "ประกาศนี้ถูกยกเลิกไปแล้ว"
        )
    notice.status = NoticeStatus.CANCELLED
    notice.cancelled_at = now


def recent(session: Session, limit: int = 50, offset: int = 0) -> list[Notice]:
    query = select(Notice).order_by(col(Notice.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query).all())


# --- residents ----------------------------------------------------------------------------------


def for_village(session: Session, village_no: int | None, now: datetime, limit: int = 5) -> list[Notice]:
    """Recently sent public notices a resident of `village_no` may read (ข่าวสาร), newest first."""
    query = (
        select(Notice)
        .where(
            Notice.status == NoticeStatus.SENT,
            col(Notice.sent_at) >= now - timedelta(days=RECENT_DAYS),
            col(Notice.purpose).in_([NoticePurpose.GENERAL, NoticePurpose.FORUM_ANNOUNCEMENT]),
            col(Notice.audience_kind).in_([AudienceKind.ALL, AudienceKind.VILLAGES]),
        )
        .order_by(col(Notice.sent_at).desc(), col(Notice.id).desc())
        .limit(100)
    )
    found = [
        n
        for n in session.exec(query).all()
        if n.audience_kind == AudienceKind.ALL or (village_no is not None and village_no in n.village_list())
    ]
    return found[:limit]


def is_opted_out(session: Session, resident_id: int) -> bool:
    preference = session.get(NoticePreference, resident_id)
    return preference is not None and preference.opted_out


def set_opted_out(session: Session, resident_id: int, opted_out: bool, now: datetime) -> None:
    preference = session.get(NoticePreference, resident_id)
    if preference is None:
        session.add(NoticePreference(resident_id=resident_id, opted_out=opted_out, updated_at=now))
    else:
        preference.opted_out = opted_out
        preference.updated_at = now


def erase_resident(session: Session, resident: Resident, now: datetime) -> None:
    """Erasure: the notice preference goes, and a staff link no longer points at the person."""
    resident_id = resident.id or 0
    preference = session.get(NoticePreference, resident_id)
    if preference is not None:
        session.delete(preference)
    for link in session.exec(select(StaffContact).where(StaffContact.resident_id == resident_id)).all():
        link.resident_id = None

"""Filing a complaint in LINE, and following one's cases (ติดตาม).

```mermaid
stateDiagram-v2
    [*] --> complaints.category: ร้องเรียน
    complaints.category --> complaints.describe: tap a category
    complaints.describe --> complaints.attach: text (1–5,000 chars)
    complaints.attach --> complaints.attach: photo / location / my village
    complaints.attach --> complaints.phone: ถัดไป
    complaints.phone --> complaints.confirm: phone number / ข้าม
    complaints.confirm --> [*]: ยืนยัน (code + due date) / ยกเลิก
    [*] --> complaints.attach: a problem typed, offered and accepted (category guessed, text kept)
    [*] --> complaints.category: the same, no category guessed (the text is kept)
    complaints.attach --> complaints.category: เปลี่ยนหมวด (the text is kept)
    [*] --> complaints.still_wrong: ยังไม่แก้ไข (the case reopens)
    complaints.still_wrong --> [*]: what is still wrong (to the unit), or anything else
```
A text-only complaint takes six taps or messages: ร้องเรียน, category, description, ถัดไป, ข้าม, ยืนยัน;
one typed as a plain message ("ไฟดับที่หมู่ 3 ค่ะ") takes four: the message, แจ้งเรื่อง, ถัดไป, ข้าม, ยืนยัน.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.chat import confirm, intents
from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.chat.engine import Router, Turn
from bot.chat.events import EventKind
from bot.complaints import service, texts
from bot.complaints.models import Complaint
from bot.complaints.service import ConfirmFix, InvalidTransition, RateHandling
from bot.organisation import Category

router = Router("complaints")


class ComplaintStep(StrEnum):
    """The dialog's states, as the conversation table keeps them."""

    CATEGORY = "complaints.category"
    DESCRIBE = "complaints.describe"
    ATTACH = "complaints.attach"
    PHONE = "complaints.phone"
    CONFIRM = "complaints.confirm"
    STILL_WRONG = "complaints.still_wrong"  # after ยังไม่แก้ไข: what is still wrong, in the complainant's words


class AttachChoice(StrEnum):
    """What an AttachStep button does."""

    NEXT = "next"
    VILLAGE = "village"  # the place is the resident's own village
    CATEGORY = "category"  # change the category


_PHONE = re.compile(r"^0\d{8,9}$")


@dataclass(frozen=True)
class PickCategory(CallbackData, prefix="ccat"):
    key: str


@dataclass(frozen=True)
class AttachStep(CallbackData, prefix="catt"):
    choice: str  # an AttachChoice


@dataclass(frozen=True)
class SkipPhone(CallbackData, prefix="cphone"):
    skip: bool


@dataclass(frozen=True)
class SubmitComplaint(CallbackData, prefix="csubmit"):
    confirmed: bool


@router.entry("ร้องเรียน", "ร้องทุกข์", "แจ้งปัญหา", "ร้องเรียน/ร้องทุกข์")
def start(turn: Turn) -> None:
    turn.goto(ComplaintStep.CATEGORY)
    turn.reply(texts.ask_category(turn.org, _category_buttons(turn)))


def file_offered_text(turn: Turn) -> None:
    """A problem the resident typed as a plain message, offered as a complaint and accepted."""
    text = str(turn.data.get("offered_text", ""))[: service.MAX_DESCRIPTION]
    category = turn.org.category(str(turn.data.get("offered_category") or ""))
    turn.end()
    if category is None:
        turn.goto(ComplaintStep.CATEGORY, description=text)
        turn.reply(texts.ask_category(turn.org, _category_buttons(turn)))
        return
    _described(turn, category.key, text)


def _category_buttons(turn: Turn) -> list[m.Action]:
    return [
        m.postback(c.short or m.shorten(c.name), PickCategory(c.key).pack(), c.name)
        for c in turn.org.categories[: m.MAX_QUICK_REPLY_ITEMS]
    ]


@router.tap(PickCategory, states=(ComplaintStep.CATEGORY,))
def picked_category(turn: Turn, tapped: PickCategory) -> None:
    _category_chosen(turn, turn.org.category(tapped.key))


@router.step(ComplaintStep.CATEGORY)
def typed_category(turn: Turn) -> None:
    typed = (turn.incoming.text or "").strip()
    number = intents.choice_number(typed)
    categories = turn.org.categories
    if number is not None and 1 <= number <= len(categories):
        _category_chosen(turn, categories[number - 1])
        return
    _category_chosen(turn, next((c for c in categories if typed and (typed in c.name or typed == c.short)), None))


def _category_chosen(turn: Turn, category: Category | None) -> None:
    if category is None:
        turn.reply(texts.category_unknown(turn.org, _category_buttons(turn)))
        return
    description = turn.data.get("description")
    if description:  # typed before the category (an accepted offer, or เปลี่ยนหมวด)
        _described(turn, category.key, str(description))
        return
    turn.goto(ComplaintStep.DESCRIBE, category=category.key)
    turn.reply(texts.ask_description(turn.org, category.name))


def _described(turn: Turn, category: str, text: str) -> None:
    kept = turn.data  # after เปลี่ยนหมวด: the photos and place already sent
    turn.goto(
        ComplaintStep.ATTACH,
        category=category,
        description=text,
        photos=kept.get("photos", []),
        latitude=kept.get("latitude"),
        longitude=kept.get("longitude"),
        address=kept.get("address"),
        village=kept.get("village"),
    )
    named = turn.org.category(category)
    turn.reply(texts.category_set(turn.org, named.name if named else category))
    _ask_attachments(turn)


@router.step(ComplaintStep.DESCRIBE)
def described(turn: Turn) -> None:
    text = (turn.incoming.text or "").strip() if turn.incoming.kind is EventKind.TEXT else ""
    if not text:
        turn.reply(texts.description_empty(turn.org))
        return
    if len(text) > service.MAX_DESCRIPTION:
        turn.reply(texts.description_too_long(turn.org, service.MAX_DESCRIPTION))
        return
    turn.goto(
        ComplaintStep.ATTACH, description=text, photos=[], latitude=None, longitude=None, address=None, village=None
    )
    _ask_attachments(turn)


def _ask_attachments(turn: Turn) -> None:
    quick = [m.camera_roll("ส่งรูป"), m.camera("ถ่ายรูป"), m.share_location("ส่งตำแหน่ง")]
    if turn.resident.village_no is not None:
        quick.append(m.postback("ใช้หมู่บ้านของฉัน", AttachStep(AttachChoice.VILLAGE).pack(), "ใช้หมู่บ้านของฉัน"))
    quick.append(m.postback("ถัดไป", AttachStep(AttachChoice.NEXT).pack(), "ถัดไป"))
    quick.append(m.postback("เปลี่ยนหมวด", AttachStep(AttachChoice.CATEGORY).pack(), "เปลี่ยนหมวด"))
    data = turn.data
    has_place = data.get("latitude") is not None or data.get("village") is not None
    turn.reply(texts.ask_attachments(turn.org, quick, len(data.get("photos", [])), has_place))


@router.step(ComplaintStep.ATTACH)
def attached(turn: Turn) -> None:
    incoming, data = turn.incoming, turn.data
    if incoming.kind is EventKind.IMAGE and incoming.message_id:
        photos = list(data.get("photos", []))
        if len(photos) >= turn.settings.photos_per_case:
            turn.reply(texts.too_many_photos(turn.org, turn.settings.photos_per_case))
            return
        turn.goto(ComplaintStep.ATTACH, photos=[*photos, incoming.message_id])
        if len(photos) == 0:  # one acknowledgement for a set of photos sent together
            _ask_attachments(turn)
        return
    if incoming.kind is EventKind.LOCATION:
        lat, lon = incoming.latitude, incoming.longitude
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            turn.reply(texts.bad_location(turn.org))
            return
        turn.goto(ComplaintStep.ATTACH, latitude=lat, longitude=lon, address=(incoming.address or "")[:300] or None)
        _ask_attachments(turn)
        return
    if incoming.kind is EventKind.TEXT and (incoming.text or "").strip() in ("ถัดไป", "ข้าม", "เสร็จ"):
        _ask_phone(turn)
        return
    _ask_attachments(turn)


@router.tap(AttachStep, states=(ComplaintStep.ATTACH,))
def tapped_attach_step(turn: Turn, tapped: AttachStep) -> None:
    if tapped.choice == AttachChoice.CATEGORY:
        turn.goto(ComplaintStep.CATEGORY)  # description, photos and place stay in the dialog's data
        turn.reply(texts.ask_category(turn.org, _category_buttons(turn)))
        return
    if tapped.choice == AttachChoice.VILLAGE:
        turn.goto(ComplaintStep.ATTACH, village=turn.resident.village_no)
    _ask_phone(turn)


def _ask_phone(turn: Turn) -> None:
    turn.goto(ComplaintStep.PHONE)
    turn.reply(texts.ask_phone(turn.org, [m.postback("ข้าม", SkipPhone(True).pack(), "ข้าม")]))


@router.step(ComplaintStep.PHONE)
def typed_phone(turn: Turn) -> None:
    typed = re.sub(r"[\s-]", "", turn.incoming.text or "")
    if typed in ("ข้าม", "ไม่ต้อง"):
        _ask_confirmation(turn)
        return
    if not _PHONE.match(typed):
        turn.reply(texts.bad_phone(turn.org, [m.postback("ข้าม", SkipPhone(True).pack(), "ข้าม")]))
        return
    turn.goto(ComplaintStep.PHONE, phone=typed)
    _ask_confirmation(turn)


@router.tap(SkipPhone, states=(ComplaintStep.PHONE,))
def skipped_phone(turn: Turn, tapped: SkipPhone) -> None:
    _ask_confirmation(turn)


def _ask_confirmation(turn: Turn) -> None:
    data = turn.data
    turn.goto(ComplaintStep.CONFIRM)
    category = next(c.name for c in turn.org.categories if c.key == data["category"])
    place = None
    if data.get("latitude") is not None:
        place = data.get("address") or f"{data['latitude']:.5f}, {data['longitude']:.5f}"
    elif data.get("village") is not None:
        village = turn.org.village(data["village"])
        place = village.label if village else None
    text = texts.summary(turn.org, category, data["description"], len(data.get("photos", [])), place, data.get("phone"))
    turn.reply(texts.confirm_question(turn.org, text, *confirm.buttons(SubmitComplaint)))


@router.tap(SubmitComplaint, states=(ComplaintStep.CONFIRM,))
def submitted(turn: Turn, tapped: SubmitComplaint) -> None:
    confirm.tapped(turn, tapped.confirmed, submit=_file, cancelled=texts.cancelled)


@router.step(ComplaintStep.CONFIRM)
def typed_confirmation(turn: Turn) -> None:
    confirm.typed(turn, submit=_file, ask_again=_ask_confirmation)


def _file(turn: Turn) -> None:
    data = turn.data
    complaint = service.file_complaint(
        turn.session,
        org=turn.org,
        settings=turn.settings,
        category=data["category"],
        description=data["description"],
        now=turn.now,
        resident=turn.resident,
        village_no=data.get("village") or turn.resident.village_no,
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        address=data.get("address"),
        phone=data.get("phone"),
        photo_message_ids=data.get("photos", []),
    )
    turn.end()
    turn.reply(texts.filed(turn.org, complaint.code, complaint.due_at))


def _own(turn: Turn, code: str) -> Complaint | None:
    """The resident's own complaint, or None with "not found" told (someone else's code reads as unknown)."""
    complaint = service.owned_by(turn.session, code, turn.resident)
    if complaint is None:
        turn.reply(texts.not_found(turn.org))
    return complaint


@router.tap(ConfirmFix)
def confirmed_fix(turn: Turn, tapped: ConfirmFix) -> None:
    complaint = _own(turn, tapped.code)
    if complaint is None:
        return
    try:
        service.confirm_fix(turn.session, complaint, tapped.fixed, org=turn.org, now=turn.now)
    except InvalidTransition:
        turn.reply(m.text(f"เรื่อง {complaint.code} ไม่ได้รอการยืนยันแล้ว{turn.p}"))
        return
    if tapped.fixed:  # answered here, with this tap's reply token, not pushed
        turn.reply(service.rating_question(turn.org, complaint.code))
        return
    turn.goto(ComplaintStep.STILL_WRONG, code=complaint.code)
    turn.reply(texts.reopened(turn.org, complaint.code))


@router.step(ComplaintStep.STILL_WRONG)
def told_what_is_still_wrong(turn: Turn) -> None:
    text = (turn.incoming.text or "").strip() if turn.incoming.kind is EventKind.TEXT else ""
    complaint = service.owned_by(turn.session, str(turn.data.get("code", "")), turn.resident)
    turn.end()
    if not text or complaint is None:
        turn.reply(texts.still_wrong_skipped(turn.org))
        return
    service.add_complainant_detail(turn.session, complaint, text, now=turn.now)
    turn.reply(texts.still_wrong_noted(turn.org, complaint.code))


@router.tap(RateHandling)
def rated(turn: Turn, tapped: RateHandling) -> None:
    complaint = _own(turn, tapped.code)
    if complaint is None:
        return
    try:
        fresh = service.rate(turn.session, complaint, tapped.score, now=turn.now)
    except service.ComplaintError:
        turn.reply(texts.not_found(turn.org))
        return
    turn.reply(texts.rated(turn.org) if fresh else texts.already_rated(turn.org))

"""Asking the information centre in LINE: a question, a request for official information, a
suggestion or praise/criticism; and rating the answer when it comes.

```mermaid
stateDiagram-v2
    [*] --> inquiries.kind: สอบถาม / ศูนย์ข้อมูลข่าวสาร
    [*] --> inquiries.write: ขอข้อมูล / เสนอแนะ / ติชม (kind chosen by the word)
    [*] --> inquiries.confirm: a question typed as a plain message, offered and accepted
    inquiries.kind --> inquiries.write: tap a kind
    inquiries.write --> inquiries.confirm: text (1–5,000 chars)
    inquiries.confirm --> [*]: ยืนยัน (code + promised date) / ยกเลิก
```
Following an inquiry is `ติดตาม Q2570-00001` (the tracking router); the answer arrives as a push
with a 1–5 rating, which feeds the information-centre satisfaction survey.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.chat import confirm
from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.chat.engine import Router, Turn
from bot.chat.events import EventKind
from bot.inquiries import service, texts
from bot.inquiries.models import InquiryKind
from bot.inquiries.service import RateAnswer

router = Router("inquiries")


class InquiryStep(StrEnum):
    """The dialog's states, as the conversation table keeps them."""

    KIND = "inquiries.kind"
    WRITE = "inquiries.write"
    CONFIRM = "inquiries.confirm"


@dataclass(frozen=True)
class PickKind(CallbackData, prefix="qkind"):
    kind: str


@dataclass(frozen=True)
class SubmitInquiry(CallbackData, prefix="qsubmit"):
    confirmed: bool


def _kind_buttons() -> list[m.Action]:
    return [m.postback(texts.KIND_BUTTONS[k], PickKind(k.value).pack(), texts.KIND_BUTTONS[k]) for k in InquiryKind]


@router.entry("สอบถาม", "ศูนย์ข้อมูลข่าวสาร", "ถามเจ้าหน้าที่")
def start(turn: Turn) -> None:
    turn.goto(InquiryStep.KIND)
    turn.reply(texts.ask_kind(turn.org, _kind_buttons()))


def ask_offered_question(turn: Turn) -> None:
    """A question typed as a plain message ("…ได้ไหมคะ"), offered to the centre and accepted: the
    resident's own words become the inquiry, to confirm."""
    text = str(turn.data.get("offered_text", ""))[: service.MAX_TEXT]
    turn.end()
    turn.goto(InquiryStep.CONFIRM, kind=InquiryKind.QUESTION.value, text=text)
    _ask_confirmation(turn)


@router.entry("ขอข้อมูล", "ขอข้อมูลข่าวสาร")
def start_information_request(turn: Turn) -> None:
    _ask_text(turn, InquiryKind.INFORMATION_REQUEST)


@router.entry("เสนอแนะ", "ข้อเสนอแนะ")
def start_suggestion(turn: Turn) -> None:
    _ask_text(turn, InquiryKind.SUGGESTION)


@router.entry("ติชม", "คำติชม")
def start_feedback(turn: Turn) -> None:
    _ask_text(turn, InquiryKind.FEEDBACK)


def _ask_text(turn: Turn, kind: InquiryKind) -> None:
    turn.goto(InquiryStep.WRITE, kind=kind.value)
    turn.reply(texts.ask_text(turn.org, kind.value, service.promised_days(turn.org, kind)))


@router.tap(PickKind, states=(InquiryStep.KIND,))
def picked_kind(turn: Turn, tapped: PickKind) -> None:
    key = tapped.kind
    if key not in InquiryKind._value2member_map_:
        turn.reply(texts.kind_unknown(turn.org, _kind_buttons()))
        return
    _ask_text(turn, InquiryKind(key))


@router.step(InquiryStep.KIND)
def typed_kind(turn: Turn) -> None:
    typed = (turn.incoming.text or "").strip()
    kind = next((k for k, label in texts.KIND_BUTTONS.items() if typed and typed in (label, texts.KIND_NAMES[k])), None)
    if kind is None:
        turn.reply(texts.kind_unknown(turn.org, _kind_buttons()))
        return
    _ask_text(turn, InquiryKind(kind))


@router.step(InquiryStep.WRITE)
def wrote(turn: Turn) -> None:
    text = (turn.incoming.text or "").strip() if turn.incoming.kind is EventKind.TEXT else ""
    if not text:
        turn.reply(texts.text_empty(turn.org))
        return
    if len(text) > service.MAX_TEXT:
        turn.reply(texts.text_too_long(turn.org, service.MAX_TEXT))
        return
    turn.goto(InquiryStep.CONFIRM, text=text)
    _ask_confirmation(turn)


def _ask_confirmation(turn: Turn) -> None:
    data = turn.data
    turn.reply(texts.confirm_question(turn.org, data["kind"], data["text"], *confirm.buttons(SubmitInquiry)))


@router.tap(SubmitInquiry, states=(InquiryStep.CONFIRM,))
def submitted(turn: Turn, tapped: SubmitInquiry) -> None:
    confirm.tapped(turn, tapped.confirmed, submit=_record, cancelled=texts.cancelled)


@router.step(InquiryStep.CONFIRM)
def typed_confirmation(turn: Turn) -> None:
    confirm.typed(turn, submit=_record, ask_again=_ask_confirmation)


def _record(turn: Turn) -> None:
    data = turn.data
    inquiry = service.record(
        turn.session,
        org=turn.org,
        kind=InquiryKind(data["kind"]),
        text=data["text"],
        now=turn.now,
        resident=turn.resident,
    )
    turn.end()
    turn.reply(texts.recorded(turn.org, inquiry.code, inquiry.due_at))


@router.tap(RateAnswer)
def rated(turn: Turn, tapped: RateAnswer) -> None:
    inquiry = service.owned_by(turn.session, tapped.code, turn.resident)
    if inquiry is None:
        turn.reply(texts.not_found(turn.org))
        return
    try:
        fresh = service.rate(turn.session, inquiry, tapped.score, now=turn.now)
    except service.InquiryError:
        turn.reply(texts.not_found(turn.org))
        return
    turn.reply(texts.rated(turn.org) if fresh else texts.already_rated(turn.org))

"""Residents' chat: follow, PDPA consent, choosing a village, seeing and erasing one's data.

```mermaid
stateDiagram-v2
    [*] --> Notice: follow (new)
    Notice --> residents.village: ยินยอม
    Notice --> [*]: ไม่ยินยอม
    residents.village --> [*]: tap / type a village
    [*] --> residents.village: เปลี่ยนหมู่บ้าน
    [*] --> residents.erase: ลบข้อมูลของฉัน
    residents.erase --> [*]: ลบข้อมูล / ไม่ลบ
```
A re-follow of a resident already set up only says welcome back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.chat.engine import Router, Turn
from bot.chat.events import EventKind
from bot.residents import service, texts

router = Router("residents")


class ResidentStep(StrEnum):
    """The dialog's states, as the conversation table keeps them."""

    CHOOSE_VILLAGE = "residents.village"
    CONFIRM_ERASE = "residents.erase"


@dataclass(frozen=True)
class Consent(CallbackData, prefix="consent"):
    given: bool


@dataclass(frozen=True)
class PickVillage(CallbackData, prefix="village"):
    number: int


@dataclass(frozen=True)
class VillagePage(CallbackData, prefix="villages"):
    page: int


@dataclass(frozen=True)
class ConfirmErase(CallbackData, prefix="erase"):
    confirmed: bool


@router.on_follow
def followed(turn: Turn) -> None:
    service.record_follow(turn.resident, turn.now)
    if service.is_set_up(turn.resident, turn.org):
        turn.reply(texts.welcome_back(turn.org))
    elif turn.consented:
        _ask_village(turn)
    else:
        turn.reply(texts.welcome(turn.org), *_consent_request(turn))


@router.on_unfollow
def unfollowed(turn: Turn) -> None:
    service.record_unfollow(turn.resident, turn.now)
    turn.end()


def _consent_request(turn: Turn) -> list[m.Message]:
    yes = m.postback("ยินยอม", Consent(True).pack(), "ยินยอม")
    no = m.postback("ไม่ยินยอม", Consent(False).pack(), "ไม่ยินยอม")
    return [texts.pdpa_notice(turn.org), texts.consent_question(turn.org, yes, no)]


def ask_consent(turn: Turn) -> None:
    """The engine's consent gate: shown whenever a service needs data the resident has not allowed."""
    turn.reply(texts.consent_needed(turn.org), *_consent_request(turn))


@router.entry("ยินยอม", "ยอมรับ", needs_consent=False)
def typed_consent(turn: Turn) -> None:
    _answer_consent(turn, given=True)


@router.tap(Consent, needs_consent=False)
def tapped_consent(turn: Turn, tapped: Consent) -> None:
    _answer_consent(turn, tapped.given)


def _answer_consent(turn: Turn, given: bool) -> None:
    if not given:
        _decline(turn)
        return
    if not turn.consented:
        service.give_consent(turn.session, turn.resident, turn.org, turn.now)
    if turn.resident.village_no is None:
        _ask_village(turn)
    else:
        turn.reply(texts.welcome_back(turn.org))


@router.entry("ไม่ยินยอม", "ถอนความยินยอม", needs_consent=False)
def withdraw_consent(turn: Turn) -> None:
    _decline(turn)


def _decline(turn: Turn) -> None:
    """ไม่ยินยอม: "เราจะไม่เก็บข้อมูลของท่าน" holds: the messages they sent until now are forgotten too."""
    service.decline_consent(turn.session, turn.resident, turn.org, turn.now)
    turn.forget_messages()
    turn.end()
    turn.reply(texts.consent_declined(turn.org))


def _village_quick_replies(turn: Turn, page: int = 0) -> list[m.Action]:
    villages = turn.org.villages
    start = page * texts.VILLAGES_PER_PAGE
    shown = villages[start : start + texts.VILLAGES_PER_PAGE]
    if len(villages) <= texts.VILLAGES_PER_PAGE + 1:  # all fit on one bar
        shown = villages
    quick = [m.postback(texts.village_label(v), PickVillage(v.number).pack(), texts.village_label(v)) for v in shown]
    if len(shown) < len(villages):
        following = page + 1 if start + len(shown) < len(villages) else 0
        quick.append(m.postback("หมู่อื่น ๆ", VillagePage(following).pack()))
    return quick


def _ask_village(turn: Turn, lead: str | None = None) -> None:
    turn.goto(ResidentStep.CHOOSE_VILLAGE)
    turn.reply(texts.ask_village(turn.org, _village_quick_replies(turn), lead))


@router.entry("เปลี่ยนหมู่บ้าน", "เลือกหมู่บ้าน")
def change_village(turn: Turn) -> None:
    _ask_village(turn, f"เลือกหมู่บ้านของท่านได้เลย{turn.p}")


@router.tap(VillagePage)
def next_village_page(turn: Turn, tapped: VillagePage) -> None:
    turn.goto(ResidentStep.CHOOSE_VILLAGE)
    turn.reply(texts.ask_village(turn.org, _village_quick_replies(turn, tapped.page), f"เลือกหมู่บ้าน{turn.p}"))


_VILLAGE_NUMBER = re.compile(r"^(?:หมู่(?:ที่)?\s*)?(\d{1,3})\b")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def parse_village_number(typed: str) -> int | None:
    """`3`, `หมู่ 3`, `หมู่ที่ ๓ บ้าน…` → 3."""
    match = _VILLAGE_NUMBER.match(typed.strip().translate(_THAI_DIGITS))
    return int(match.group(1)) if match else None


@router.step(ResidentStep.CHOOSE_VILLAGE)
def typed_village(turn: Turn) -> None:
    number = parse_village_number(turn.incoming.text or "") if turn.incoming.kind is EventKind.TEXT else None
    if number is None or turn.org.village(number) is None:
        turn.reply(texts.village_unknown(turn.org, _village_quick_replies(turn)))
        return
    _save_village(turn, number)


@router.tap(PickVillage)
def picked_village(turn: Turn, tapped: PickVillage) -> None:
    number = tapped.number
    if turn.org.village(number) is None:  # a village removed from the organisation file since
        _ask_village(turn, f"ไม่พบหมู่บ้านนี้แล้ว{turn.p} กรุณาเลือกใหม่")
        return
    _save_village(turn, number)


def _save_village(turn: Turn, number: int) -> None:
    service.choose_village(turn.resident, turn.org, number)
    turn.end()
    village = turn.org.village(number)
    assert village is not None
    turn.reply(texts.village_saved(turn.org, village))


@router.entry("ข้อมูลของฉัน", needs_consent=False)
def show_my_data(turn: Turn) -> None:
    stored = turn.people.stored_events(turn.session, turn.resident)
    turn.reply(texts.held_data(turn.org, service.held_data(turn.session, turn.resident, stored)))


@router.entry("ลบข้อมูลของฉัน", "ลบข้อมูล", needs_consent=False)
def ask_erase(turn: Turn) -> None:
    turn.goto(ResidentStep.CONFIRM_ERASE)
    yes = m.postback("ลบข้อมูล", ConfirmErase(True).pack(), "ลบข้อมูล")
    no = m.postback("ไม่ลบ", ConfirmErase(False).pack(), "ไม่ลบ")
    turn.reply(texts.erase_question(turn.org, yes, no))


@router.tap(ConfirmErase, states=(ResidentStep.CONFIRM_ERASE,), needs_consent=False)
def tapped_erase(turn: Turn, tapped: ConfirmErase) -> None:
    _finish_erase(turn, tapped.confirmed)


@router.step(ResidentStep.CONFIRM_ERASE)
def typed_erase(turn: Turn) -> None:
    typed = (turn.incoming.text or "").strip()
    if typed in ("ลบข้อมูล", "ยืนยัน", "ใช่"):
        _finish_erase(turn, True)
    elif typed in ("ไม่ลบ", "ไม่"):
        _finish_erase(turn, False)
    else:
        turn.reply(texts.erase_answer_buttons(turn.org))


def _finish_erase(turn: Turn, confirmed: bool) -> None:
    turn.end()
    if not confirmed:
        turn.reply(texts.erase_kept(turn.org))
        return
    turn.people.erase(turn.session, turn.resident, turn.now)
    turn.reply(texts.erased(turn.org))

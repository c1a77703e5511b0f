"""Reporting a corruption or misconduct tip in LINE: a sealed dialog from its first message.

```mermaid
stateDiagram-v2
    [*] --> tips.identity: แจ้งทุจริต (protection explained first)
    tips.identity --> tips.what: ไม่เปิดเผยชื่อ
    tips.identity --> tips.name: เปิดเผยชื่อ
    tips.name --> tips.phone
    tips.phone --> tips.what: phone / ข้าม
    tips.what --> tips.kind: the type of corruption (tip_types of the organisation file), when it has any
    tips.what --> tips.who: no tip_types
    tips.kind --> tips.who: a type (tap, number or name) / ไม่แน่ใจ
    tips.who --> tips.when: text / ข้าม
    tips.when --> tips.where: text / ข้าม
    tips.where --> tips.evidence: text / location / ข้าม
    tips.evidence --> tips.confirm: ถัดไป
    tips.confirm --> [*]: ยืนยัน (tip code) / ยกเลิก
```
Every turn of this dialog is sealed (Turn.seal): its state is encrypted, the inbox keeps no copy of
what was typed, and replies travel through a sealed recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.chat import confirm, intents
from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.chat.engine import Handler, Router, Turn, normalise
from bot.chat.events import EventKind
from bot.crypto import coarse_time
from bot.tips import service, texts

router = Router("tips")


class TipStep(StrEnum):
    """The dialog's states, as the (sealed) dialog keeps them."""

    IDENTITY = "tips.identity"
    NAME = "tips.name"
    PHONE = "tips.phone"
    WHAT = "tips.what"
    KIND = "tips.kind"
    WHO = "tips.who"
    WHEN = "tips.when"
    WHERE = "tips.where"
    EVIDENCE = "tips.evidence"
    CONFIRM = "tips.confirm"


class Skipped(StrEnum):
    """The question a TipSkip button (ข้าม, ถัดไป) leaves unanswered."""

    PHONE = "phone"
    WHO = "who"
    WHEN = "when"
    WHERE = "where"
    EVIDENCE = "evidence"


NOT_SURE = ("ไม่แน่ใจ", "ไม่ทราบ", "ข้าม")
_PHONE = re.compile(r"^0\d{8,9}$")
SKIP_WORDS = ("ข้าม", "ไม่ทราบ", "-")
TIP_CONFIRM_WORDS = ("ยืนยัน", "ส่ง")  # a typed ตกลง has never sent a tip; kept so


@dataclass(frozen=True)
class Disclose(CallbackData, prefix="tid"):
    named: bool


@dataclass(frozen=True)
class TipSkip(CallbackData, prefix="tskip"):
    step: str  # a Skipped


@dataclass(frozen=True)
class SubmitTip(CallbackData, prefix="tsubmit"):
    confirmed: bool


@dataclass(frozen=True)
class PickTipType(CallbackData, prefix="ttype"):
    key: str  # a tip_types key, or "" for not sure


def _skip(step: Skipped, label: str = "ข้าม") -> m.Action:
    return m.postback(label, TipSkip(step).pack(), label)


@router.entry("แจ้งทุจริต", "แจ้งเบาะแสทุจริต", "แจ้งเบาะแส", "เบาะแสทุจริต")
def start(turn: Turn) -> None:
    turn.seal()
    turn.goto(TipStep.IDENTITY)
    named = m.postback("เปิดเผยชื่อ", Disclose(True).pack(), "เปิดเผยชื่อ")
    anonymous = m.postback("ไม่เปิดเผยชื่อ", Disclose(False).pack(), "ไม่เปิดเผยชื่อ")
    turn.reply(*texts.protection(turn.org, anonymous, named))


@router.tap(Disclose, states=(TipStep.IDENTITY,))
def chose_identity(turn: Turn, tapped: Disclose) -> None:
    turn.seal()
    if tapped.named:
        turn.goto(TipStep.NAME, anonymous=False)
        turn.reply(texts.ask_name(turn.org))
    else:
        turn.goto(TipStep.WHAT, anonymous=True)
        turn.reply(texts.ask_what(turn.org))


def _typed(turn: Turn, limit: int = service.MAX_TEXT) -> str | None:
    text = (turn.incoming.text or "").strip() if turn.incoming.kind is EventKind.TEXT else ""
    if not text or len(text) > limit:
        turn.reply(texts.text_needed(turn.org))
        return None
    return text


@router.step(TipStep.IDENTITY)
def typed_identity(turn: Turn) -> None:
    typed = (turn.incoming.text or "").strip()
    if typed in ("ไม่เปิดเผยชื่อ", "ไม่เปิดเผย"):
        turn.goto(TipStep.WHAT, anonymous=True)
        turn.reply(texts.ask_what(turn.org))
    elif typed == "เปิดเผยชื่อ":
        turn.goto(TipStep.NAME, anonymous=False)
        turn.reply(texts.ask_name(turn.org))
    else:
        start(turn)


@router.step(TipStep.NAME)
def typed_name(turn: Turn) -> None:
    if (name := _typed(turn, 200)) is not None:
        turn.goto(TipStep.PHONE, name=name)
        turn.reply(texts.ask_phone(turn.org, _skip(Skipped.PHONE)))


@router.step(TipStep.PHONE)
def typed_phone(turn: Turn) -> None:
    typed = re.sub(r"[\s-]", "", turn.incoming.text or "")
    if typed in SKIP_WORDS:
        _ask_what(turn)
    elif _PHONE.match(typed):
        turn.goto(TipStep.PHONE, phone=typed)
        _ask_what(turn)
    else:
        turn.reply(texts.bad_phone(turn.org, _skip(Skipped.PHONE)))


def _ask_what(turn: Turn) -> None:
    turn.goto(TipStep.WHAT)
    turn.reply(texts.ask_what(turn.org))


@router.step(TipStep.WHAT)
def typed_what(turn: Turn) -> None:
    if (what := _typed(turn)) is not None:
        turn.goto(TipStep.WHAT, what=what)
        _ask_kind(turn)


def _ask_kind(turn: Turn, again: bool = False) -> None:
    """The type of corruption, so the outcome indicators can count tips by type (skipped without tip_types)."""
    types = turn.org.tip_types
    if not types:
        _ask_who(turn)
        return
    turn.goto(TipStep.KIND)
    quick = [m.postback(m.shorten(f"{i} {t.label}"), PickTipType(t.key).pack(), t.name) for i, t in enumerate(types, 1)]
    turn.reply(
        texts.ask_kind(
            turn.org,
            [t.name for t in types],
            [*quick[:12], m.postback("ไม่แน่ใจ", PickTipType("").pack(), "ไม่แน่ใจ")],
            again,
        )
    )


def _ask_who(turn: Turn) -> None:
    turn.goto(TipStep.WHO)
    turn.reply(texts.ask_who(turn.org, _skip(Skipped.WHO)))


@router.step(TipStep.KIND)
def typed_kind(turn: Turn) -> None:
    typed = normalise(turn.incoming.text or "") if turn.incoming.kind is EventKind.TEXT else ""
    types = turn.org.tip_types
    if typed in NOT_SURE:
        _ask_who(turn)
        return
    number = intents.choice_number(typed)
    chosen = (
        types[number - 1]
        if number is not None and 1 <= number <= len(types)
        else next((t for t in types if typed and typed in (normalise(t.name), normalise(t.label))), None)
    )
    if chosen is None:
        _ask_kind(turn, again=True)
        return
    turn.goto(TipStep.KIND, tip_type=chosen.key)
    _ask_who(turn)


@router.tap(PickTipType, states=(TipStep.KIND,))
def picked_kind(turn: Turn, tapped: PickTipType) -> None:
    turn.seal()
    key = tapped.key
    if key and turn.org.tip_type(key) is not None:
        turn.goto(TipStep.KIND, tip_type=key)
    _ask_who(turn)


@router.step(TipStep.WHO)
def typed_who(turn: Turn) -> None:
    if (turn.incoming.text or "").strip() in SKIP_WORDS:
        _ask_when(turn)
    elif (who := _typed(turn, 1000)) is not None:
        turn.goto(TipStep.WHO, who=who)
        _ask_when(turn)


def _ask_when(turn: Turn) -> None:
    turn.goto(TipStep.WHEN)
    turn.reply(texts.ask_when(turn.org, _skip(Skipped.WHEN)))


@router.step(TipStep.WHEN)
def typed_when(turn: Turn) -> None:
    if (turn.incoming.text or "").strip() in SKIP_WORDS:
        _ask_where(turn)
    elif (when := _typed(turn, 300)) is not None:
        turn.goto(TipStep.WHEN, when_text=when)
        _ask_where(turn)


def _ask_where(turn: Turn) -> None:
    turn.goto(TipStep.WHERE)
    turn.reply(texts.ask_where(turn.org, [m.share_location("ส่งตำแหน่ง"), _skip(Skipped.WHERE)]))


@router.step(TipStep.WHERE)
def typed_where(turn: Turn) -> None:
    incoming = turn.incoming
    if (
        incoming.kind is EventKind.LOCATION
        and incoming.latitude is not None
        and incoming.longitude is not None
        and -90 <= incoming.latitude <= 90
        and -180 <= incoming.longitude <= 180
    ):
        turn.goto(
            TipStep.WHERE,
            latitude=incoming.latitude,
            longitude=incoming.longitude,
            where_text=(incoming.address or "")[:300] or None,
        )
        _ask_evidence(turn)
    elif (incoming.text or "").strip() in SKIP_WORDS:
        _ask_evidence(turn)
    elif (where := _typed(turn, 300)) is not None:
        turn.goto(TipStep.WHERE, where_text=where)
        _ask_evidence(turn)


def _ask_evidence(turn: Turn) -> None:
    turn.goto(TipStep.EVIDENCE)
    quick = [m.camera_roll("ส่งรูป"), m.camera("ถ่ายรูป"), _skip(Skipped.EVIDENCE, "ถัดไป")]
    turn.reply(texts.ask_evidence(turn.org, quick, len(turn.data.get("evidence", []))))


@router.step(TipStep.EVIDENCE)
def sent_evidence(turn: Turn) -> None:
    incoming = turn.incoming
    if incoming.kind is EventKind.IMAGE and incoming.message_id:
        evidence = list(turn.data.get("evidence", []))
        if len(evidence) < turn.settings.photos_per_case:
            turn.goto(TipStep.EVIDENCE, evidence=[*evidence, incoming.message_id])
        if not evidence:
            _ask_evidence(turn)
        return
    if (incoming.text or "").strip() in ("ถัดไป", "ข้าม", "เสร็จ"):
        _ask_confirm(turn)
    else:
        _ask_evidence(turn)


@router.tap(TipSkip, states=tuple(TipStep))
def skipped(turn: Turn, tapped: TipSkip) -> None:
    ask_next: dict[str, Handler] = {
        Skipped.PHONE: _ask_what,
        Skipped.WHO: _ask_when,
        Skipped.WHEN: _ask_where,
        Skipped.WHERE: _ask_evidence,
        Skipped.EVIDENCE: _ask_confirm,
    }
    ask_next.get(tapped.step, _ask_what)(turn)


def _ask_confirm(turn: Turn) -> None:
    turn.goto(TipStep.CONFIRM)
    data = turn.data
    yes, no = confirm.buttons(SubmitTip, said="ยืนยันแจ้งเบาะแส")
    turn.reply(texts.confirm_question(turn.org, data.get("anonymous", True), data.get("what", ""), yes, no))


@router.tap(SubmitTip, states=(TipStep.CONFIRM,))
def submitted(turn: Turn, tapped: SubmitTip) -> None:
    confirm.tapped(turn, tapped.confirmed, submit=_file, cancelled=texts.cancelled)


@router.step(TipStep.CONFIRM)
def typed_confirm(turn: Turn) -> None:
    confirm.typed(turn, submit=_file, ask_again=_ask_confirm, words=TIP_CONFIRM_WORDS)


def _file(turn: Turn) -> None:
    """File the tip. Its rows (tip, timeline, evidence, officers' note) carry the hour, not the moment:
    an exact time would match the reporter's last ordinary message."""
    data = turn.data
    tip = service.file_tip(
        turn.session,
        sealer=turn.sealer,
        settings=turn.settings,
        line_user_id=turn.incoming.user_id,
        anonymous=data.get("anonymous", True),
        what=data["what"],
        now=coarse_time(turn.now),
        name=data.get("name"),
        phone=data.get("phone"),
        who=data.get("who"),
        when_text=data.get("when_text"),
        where_text=data.get("where_text"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        evidence_message_ids=data.get("evidence", []),
        tip_type=data.get("tip_type") if turn.org.tip_type(str(data.get("tip_type") or "")) else None,
    )
    turn.end()
    turn.reply(texts.filed(turn.org, tip.code))

"""The engine's own dialogs: global commands (ยกเลิก, เมนู, ช่วยเหลือ), the fallback, and
placeholders for services not built yet (their real routers come earlier and win).

The fallback understands what people type outside any dialog (`bot.chat.intents`): greetings, thanks
and stickers are answered in kind; a problem described is OFFERED as a complaint, a question the
inquiries channel (when `bot.main` wires one in, `Wiring.offers`) or else the office's contact.

```mermaid
stateDiagram-v2
    [*] --> chat.offered: a problem or a question typed
    chat.offered --> [*]: tap / type yes (the service wired for the offer takes over, with the text)
    chat.offered --> [*]: tap / type no (the menu); anything else is understood afresh
```
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.chat import messages as m
from bot.chat import texts
from bot.chat.callbacks import CallbackData
from bot.chat.engine import Handler, Hooks, Router, Turn
from bot.chat.events import EventKind
from bot.chat.intents import Intent, IntentKind, classify


class ChatStep(StrEnum):
    """The engine's own dialog state, as the conversation table keeps it."""

    OFFERED = "chat.offered"


class Offer(StrEnum):
    """What a typed message was offered as (the dialog data's "offered")."""

    COMPLAINT = "complaint"
    QUESTION = "question"


@dataclass(frozen=True)
class TakeOffer(CallbackData, prefix="offer"):
    accepted: bool


# Lists shown with a state but no step (so every keyword still works): what the resident typed that no
# keyword caught goes to the list's handler first ("1", "๒", a title); it returns False if it is no choice.
ListHandler = Callable[[Turn], bool]


@dataclass(frozen=True)
class Wiring:
    """What other dialogs lend the engine's own, handed in by `bot.main` (nothing registers itself on import).

    `offers`: the service that takes over an accepted offer, reading turn.data["offered_text"] (and
    "offered_category"); a kind nobody takes is not offered (a question then gets the office's contact).
    `list_choices`: by list state, the handler of a choice typed at that list."""

    needs_consent: Handler
    offers: Mapping[Offer, Handler] = field(default_factory=dict)
    list_choices: Mapping[str, ListHandler] = field(default_factory=dict)


def cancel(turn: Turn) -> None:
    if turn.state is None:
        turn.reply(texts.nothing_to_cancel(turn.org))
        return
    turn.end()
    turn.reply(texts.cancelled(turn.org))


def show_menu(turn: Turn) -> None:
    turn.end()
    turn.reply(texts.menu(turn.org))


def show_help(turn: Turn) -> None:
    turn.reply(texts.help_text(turn.org))


office = Router("office")


# "ติดต่อ อบต.พนา" (the menu's label typed out) reaches it too; "ข้อมูล อบต." is what older menus typed.
@office.entry("ติดต่อ", "ข้อมูล อบต.", "ข้อมูลอบต.", "ข้อมูล อบต", "ติดต่อเรา", needs_consent=False, prefix_match=True)
def show_office(turn: Turn) -> None:
    turn.reply(*texts.office_info(turn.org))


def fallback(turn: Turn, wiring: Wiring) -> None:
    kind = turn.incoming.kind
    if kind is EventKind.STICKER:
        turn.reply(texts.emoji(turn.org))
        return
    if kind is not EventKind.TEXT or not (turn.incoming.text or "").strip():
        turn.reply(texts.fallback(turn.org, turn.expired))
        return
    typed = (turn.incoming.text or "").strip()
    chooser = wiring.list_choices.get(turn.state or "")
    if chooser is not None:
        if chooser(turn):
            return
        turn.end()
    intent = classify(turn.org, typed)
    if turn.state == ChatStep.OFFERED:
        if intent.kind is IntentKind.YES:
            _accept(turn, wiring)
            return
        if intent.kind is IntentKind.NO:
            turn.end()
            turn.reply(texts.offer_declined(turn.org))
            return
        turn.end()  # something new: understood afresh below
    _answer(turn, typed, intent, wiring)


def _answer(turn: Turn, typed: str, intent: Intent, wiring: Wiring) -> None:
    org = turn.org
    if intent.kind is IntentKind.GREETING:
        turn.reply(texts.greeting(org))
    elif intent.kind in (IntentKind.THANKS, IntentKind.YES):
        turn.reply(texts.thanks(org))
    elif intent.kind is IntentKind.EMOJI:
        turn.reply(texts.emoji(org))
    elif intent.kind is IntentKind.COMPLAINT and Offer.COMPLAINT in wiring.offers:
        category = org.category(intent.category) if intent.category else None
        turn.goto(ChatStep.OFFERED, offered=Offer.COMPLAINT, offered_text=typed, offered_category=intent.category)
        turn.reply(texts.offer_complaint(org, category.name if category else None, *_offer_buttons("แจ้งเรื่อง")))
    elif intent.kind is IntentKind.QUESTION and Offer.QUESTION in wiring.offers:
        turn.goto(ChatStep.OFFERED, offered=Offer.QUESTION, offered_text=typed, offered_category=intent.category)
        turn.reply(texts.offer_inquiry(org, *_offer_buttons("ส่งคำถาม")))
    elif intent.kind is IntentKind.QUESTION:
        turn.reply(texts.office_contact(org))
    else:
        turn.reply(texts.fallback(org, turn.expired))


def _offer_buttons(yes_label: str) -> tuple[m.Action, m.Action]:
    return (
        m.postback(yes_label, TakeOffer(True).pack(), yes_label),
        m.postback("ไม่ใช่", TakeOffer(False).pack(), "ไม่ใช่"),
    )


def took_offer(turn: Turn, tapped: TakeOffer, wiring: Wiring) -> None:
    if tapped.accepted:
        _accept(turn, wiring)
        return
    turn.end()
    turn.reply(texts.offer_declined(turn.org))


def _accept(turn: Turn, wiring: Wiring) -> None:
    offered = str(turn.data.get("offered", ""))
    handler = wiring.offers.get(Offer(offered)) if offered in set(Offer) else None
    if handler is None:
        turn.end()
        turn.reply(texts.fallback(turn.org, expired=False))
    elif not turn.consented:
        wiring.needs_consent(turn)  # the offer stays open: after consenting, "ใช่" still files it
    else:
        handler(turn)


def stale_button(turn: Turn) -> None:
    turn.reply(texts.stale_button(turn.org))


def hooks(wiring: Wiring) -> Hooks:
    """The engine's hooks and global commands, with what `wiring` lends them (`needs_consent`: the residents
    dialogs' PDPA notice)."""
    global_commands = Router("global")
    global_commands.entry("ยกเลิก", "cancel", needs_consent=False)(cancel)
    global_commands.entry("เมนู", "menu", "เริ่ม", needs_consent=False)(show_menu)
    global_commands.entry("ช่วยเหลือ", "help", "วิธีใช้", needs_consent=False)(show_help)
    global_commands.tap(TakeOffer, states=(ChatStep.OFFERED,), needs_consent=False)(
        functools.partial(took_offer, wiring=wiring)
    )
    return Hooks(
        global_commands=global_commands,
        needs_consent=wiring.needs_consent,
        stale_button=stale_button,
        fallback=functools.partial(fallback, wiring=wiring),
    )

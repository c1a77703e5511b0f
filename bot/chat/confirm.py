"""The last step of a filing dialog: "send this?" with ยืนยัน / ยกเลิก buttons, or a typed word.

The dialog keeps its own question, its own cancelled text and what submitting does; this is the part
every filing dialog answers alike (complaints, tips, inquiries). The dialog's tap handler for its
yes/no callback calls `tapped`, its step for the confirm state calls `typed`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.chat.engine import Handler, Turn
from bot.organisation import Organisation

WORDS = ("ยืนยัน", "ส่ง", "ตกลง")  # typed instead of tapping ยืนยัน


def buttons(answer: Callable[[bool], CallbackData], said: str = "ยืนยันส่งเรื่อง") -> tuple[m.Action, m.Action]:
    """ยืนยัน and ยกเลิก, tapping `answer(True)` and `answer(False)`; `said` is what the resident's ยืนยัน
    shows in the chat."""
    return (m.postback("ยืนยัน", answer(True).pack(), said), m.postback("ยกเลิก", answer(False).pack(), "ยกเลิก"))


def tapped(turn: Turn, confirmed: bool, *, submit: Handler, cancelled: Callable[[Organisation], m.Message]) -> None:
    """A tapped ยืนยัน submits; ยกเลิก ends the dialog with the dialog's own cancelled text."""
    if confirmed:
        submit(turn)
        return
    turn.end()
    turn.reply(cancelled(turn.org))


def typed(turn: Turn, *, submit: Handler, ask_again: Handler, words: Collection[str] = WORDS) -> None:
    """A typed confirming word submits; anything else asks the question again."""
    if (turn.incoming.text or "").strip() in words:
        submit(turn)
    else:
        ask_again(turn)

"""The engine's own dialogs: global commands (ยกเลิก, เมนู, ช่วยเหลือ), the fallback, and
placeholders for services not built yet (their real routers come earlier and win).

States: none; these handlers work in every state and ยกเลิก clears whatever state there is.
"""

from __future__ import annotations

from bot.chat import texts
from bot.chat.engine import Handler, Hooks, Router, Turn

global_commands = Router("global")


@global_commands.entry("ยกเลิก", "cancel", needs_consent=False)
def cancel(turn: Turn) -> None:
    if turn.state is None:
        turn.reply(texts.nothing_to_cancel(turn.org))
        return
    turn.end()
    turn.reply(texts.cancelled(turn.org))


@global_commands.entry("เมนู", "menu", "เริ่ม", needs_consent=False)
def show_menu(turn: Turn) -> None:
    turn.end()
    turn.reply(texts.menu(turn.org))


@global_commands.entry("ช่วยเหลือ", "help", "วิธีใช้", needs_consent=False)
def show_help(turn: Turn) -> None:
    turn.reply(texts.help_text(turn.org))


office = Router("office")


@office.entry("ข้อมูล อบต.", "ข้อมูลอบต.", "ข้อมูล อบต", "ติดต่อ", needs_consent=False)
def show_office(turn: Turn) -> None:
    turn.reply(*texts.office_info(turn.org))


def fallback(turn: Turn) -> None:
    turn.reply(texts.fallback(turn.org, turn.expired))


def stale_button(turn: Turn) -> None:
    turn.reply(texts.stale_button(turn.org))


def hooks(needs_consent: Handler) -> Hooks:
    """The engine's hooks; `needs_consent` comes from the residents dialogs (the PDPA notice)."""
    return Hooks(
        global_commands=global_commands,
        needs_consent=needs_consent,
        stale_button=stale_button,
        fallback=fallback,
    )

"""Typed postbacks and message builders enforce LINE's limits before anything is sent."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot
from bot.chat import messages as m
from bot.chat.callbacks import CallbackData, CallbackError, Callbacks
from bot.main import CALLBACKS
from bot.residents.dialogs import PickVillage, parse_village_number


@dataclass(frozen=True)
class Sample(CallbackData, prefix="test-sample"):
    code: str
    number: int
    flag: bool


@given(
    st.text(alphabet=st.characters(blacklist_characters=":", blacklist_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.booleans(),
)
def test_callbacks_round_trip(code: str, number: int, flag: bool) -> None:
    data = Sample(code, number, flag).pack()
    assert Callbacks([Sample]).unpack(data) == Sample(code, number, flag)


def test_callbacks_refuse_what_line_would_or_what_we_cannot_read() -> None:
    with pytest.raises(CallbackError):
        Sample("x" * 300, 1, True).pack()
    with pytest.raises(CallbackError):
        Sample("a:b", 1, True).pack()
    known = Callbacks(CALLBACKS)
    for bad in ("unknown:1", "village:", "village:x", "village:1:2", "x" * 301, "test-sample:a:1:1"):
        with pytest.raises(CallbackError):
            known.unpack(bad)
    assert known.unpack("village:7") == PickVillage(7)


def test_two_callbacks_may_not_share_a_prefix() -> None:
    @dataclass(frozen=True)
    class Village(CallbackData, prefix="village"):
        name: str

    with pytest.raises(ValueError, match="village"):
        Callbacks([PickVillage, Village])


def test_every_callback_a_module_defines_is_one_the_chat_can_read() -> None:
    """A button whose class bot.main's CALLBACKS lacks would answer every tap with "no longer works"."""
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        importlib.import_module(module.name)
    defined, unseen = set(), [CallbackData]
    while unseen:
        for kind in unseen.pop().__subclasses__():
            unseen.append(kind)
            if kind.__module__.startswith("bot."):
                defined.add(kind)
    assert len(defined) > 20
    assert sorted(k.__qualname__ for k in defined - set(CALLBACKS)) == []


def test_message_builders_check_line_limits() -> None:
    with pytest.raises(m.MessageLimitError):
        m.text("ก" * 5001)
    with pytest.raises(m.MessageLimitError):
        m.text("   ")
    with pytest.raises(m.MessageLimitError):
        m.text("x", quick=[m.say(str(i)) for i in range(14)])
    with pytest.raises(m.MessageLimitError):
        m.say("ป้ายที่ยาวเกินยี่สิบตัวอักษรแน่นอน")
    with pytest.raises(m.MessageLimitError):
        m.uri("เปิด", "javascript:alert(1)")
    with pytest.raises(m.MessageLimitError):
        m.buttons("alt", "x", [m.say(str(i)) for i in range(5)])
    with pytest.raises(m.MessageLimitError):
        m.check_batch([m.text("x")] * 6)
    assert m.text("สวัสดี", quick=[m.say("เมนู")])["quickReply"]["items"][0]["action"]["text"] == "เมนู"


@pytest.mark.parametrize(("typed", "number"), [("3", 3), ("หมู่ 3", 3), ("หมู่ที่ ๑๒ บ้านใหม่", 12), ("สาม", None)])
def test_village_numbers_are_read_as_people_type_them(typed: str, number: int | None) -> None:
    assert parse_village_number(typed) == number

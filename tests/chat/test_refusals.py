"""A service's refusal (bot.errors) in a chat turn: the resident gets its polite Thai message, and whatever
the turn had written before the refusal is undone."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, func, select

from bot.chat import commands
from bot.chat.callbacks import Callbacks
from bot.chat.engine import Dispatcher, Router, Turn
from bot.errors import Conflict
from bot.main import CALLBACKS, PEOPLE
from bot.outbox import service as outbox
from bot.outbox.models import OutboxMessage
from bot.residents import dialogs as resident_dialogs
from bot.worker import InboxProcessor
from tests.harness import Harness


class ProbeStep(StrEnum):
    PROBING = "probing"


def test_a_refusal_is_answered_in_thai_and_its_writes_are_undone(harness: Harness) -> None:
    probe = Router("probe")

    @probe.entry("ทดสอบ", needs_consent=False)
    def refuse(turn: Turn) -> None:
        outbox.enqueue_push(
            turn.session,
            resident_id=turn.resident.id,
            user_id=turn.incoming.user_id,
            messages=[{"type": "text", "text": "ไม่ควรถึงผู้ใช้"}],
            now=turn.now,
        )
        turn.session.flush()
        turn.goto(ProbeStep.PROBING)
        raise Conflict("เรื่องนี้ปิดไปแล้วค่ะ")

    runtime = harness.runtime
    dispatcher = Dispatcher(
        [probe],
        commands.hooks(commands.Wiring(needs_consent=resident_dialogs.ask_consent)),
        settings=runtime.settings,
        sealer=runtime.sealer,
        people=PEOPLE,
        callbacks=Callbacks(CALLBACKS),
    )
    harness.processor = InboxProcessor(runtime, dispatcher, clock=harness.clock)
    user = harness.new_user()
    assert harness.say(user, "ทดสอบ") == ["เรื่องนี้ปิดไปแล้วค่ะ"]
    with Session(harness.engine) as session:
        assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 1  # the reply only
    assert harness.say(user, "ทดสอบ") == ["เรื่องนี้ปิดไปแล้วค่ะ"]  # not stuck in the state it set

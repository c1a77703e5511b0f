"""Staff tests in LINE: people a staff roster covers (staff who linked their LINE account, and executives or
council members without a console account, by the personal code on their invitation) take the law test,
the conflict-of-interest test or the NO Gift self-assessment in the chat, one question per message.

```mermaid
stateDiagram-v2
    [*] --> [*]: แบบทดสอบ (nothing for this LINE account: how to link, or the personal code)
    [*] --> stafftests.list: แบบทดสอบ (tests open to this account)
    [*] --> stafftests.answer: แบบทดสอบ ABCD2345 (personal code: links the account, starts that test)
    stafftests.list --> stafftests.answer: tap a test, or type its number
    stafftests.answer --> stafftests.answer: answer (tap or type) / wrong answer refused politely
    stafftests.answer --> [*]: last question → filed once, score shown / ยกเลิก (nothing filed)
```
Answers stay in the dialog state until the last question, so an attempt counts only when finished; the one
scored attempt per fiscal year is enforced when it is filed. The answer key never reaches the chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.chat import intents
from bot.chat import messages as m
from bot.chat.callbacks import CallbackData
from bot.chat.engine import Router, Turn, normalise
from bot.chat.events import EventKind
from bot.errors import Conflict
from bot.surveys import staff_tests, texts
from bot.surveys.staff_tests import Taker
from surveys import flow
from surveys.flow import AnswerError
from surveys.models import Channel
from surveys.responses import Respondent

router = Router("stafftests")


class StaffTestStep(StrEnum):
    """The dialog's states, as the conversation table keeps them."""

    LISTED = "stafftests.list"
    ANSWERING = "stafftests.answer"


KEYWORDS = ("แบบทดสอบ", "ทำแบบทดสอบ", "แบบทดสอบบุคลากร")


@dataclass(frozen=True)
class OpenStaffTest(CallbackData, prefix="stopen"):
    key: str


@dataclass(frozen=True)
class StaffTestAnswer(CallbackData, prefix="stans"):
    key: str
    question: str
    value: str


def _who(taker: Taker) -> dict[str, Any]:
    return {"staff_id": taker.respondent.staff_id, "roster_key": taker.respondent.roster_key}


@router.entry(*KEYWORDS, needs_consent=False, prefix_match=True)
def start(turn: Turn) -> None:
    typed = normalise(turn.incoming.text or "")
    code = next(
        (typed.removeprefix(k).strip() for k in sorted(KEYWORDS, key=len, reverse=True) if typed.startswith(k)), ""
    )
    if code:
        taker = staff_tests.redeem(turn.session, code, turn.now, turn.resident.id)
        if taker is None:
            turn.end()
            turn.reply(texts.staff_code_wrong(turn.org))
            return
        _begin(turn, taker)
        return
    found = staff_tests.takers(turn.session, turn.resident.id or 0, turn.now)[:12]
    if not found:
        turn.end()
        turn.reply(texts.staff_no_tests(turn.org))
        return
    lines = [
        texts.staff_test_line(i, t.definition, staff_tests.has_taken(turn.session, t, turn.now))
        for i, t in enumerate(found, 1)
    ]
    quick = [
        m.postback(texts.label(t.definition.short_title), OpenStaffTest(t.survey.key).pack(), t.definition.title)
        for t in found
    ]
    turn.goto(StaffTestStep.LISTED, keys=[t.survey.key for t in found])
    turn.reply(texts.staff_test_list(turn.org, found[0].name, lines, [*quick, m.say("เมนู")]))


def typed_list_choice(turn: Turn) -> bool:
    keys = [str(k) for k in turn.data.get("keys", [])]
    number = intents.choice_number(normalise(turn.incoming.text or ""))
    if number is None or not 1 <= number <= len(keys):
        return False
    turn.end()
    open_test(turn, OpenStaffTest(keys[number - 1]))
    return True


@router.tap(OpenStaffTest, needs_consent=False)
def open_test(turn: Turn, tapped: OpenStaffTest) -> None:
    taker = staff_tests.taker_for(turn.session, turn.resident.id or 0, tapped.key, turn.now)
    if taker is None:  # closed meanwhile, or not this account's to take
        turn.end()
        turn.reply(texts.staff_no_tests(turn.org))
        return
    _begin(turn, taker)


def _begin(turn: Turn, taker: Taker) -> None:
    if staff_tests.has_taken(turn.session, taker, turn.now):
        turn.end()
        turn.reply(texts.staff_already_taken(turn.org, taker.definition))
        return
    first = flow.next_question(taker.definition, {})
    assert first is not None  # a definition has at least one question, and the first is always shown
    turn.reply(texts.staff_intro(turn.org, taker.name, taker.definition, len(taker.definition.questions)))
    _ask(turn, taker, {}, first.key)


def _ask(turn: Turn, taker: Taker, answers: dict[str, Any], key: str) -> None:
    if taker.survey.anonymous:
        turn.seal()
    question = taker.definition.question(key)
    assert question is not None
    keys = [q.key for q in taker.definition.questions]
    quick: list[m.Action] = []
    if question.type == "single":
        quick = [
            m.postback(
                texts.label(f"{i} {c.label}"), StaffTestAnswer(taker.survey.key, key, c.key).pack(), f"{i}. {c.label}"
            )
            for i, c in enumerate(question.choices, 1)
        ]
    elif question.type == "satisfaction":
        quick = [
            m.postback(label, StaffTestAnswer(taker.survey.key, key, label.split()[0]).pack())
            for label in texts.LEVEL_LABELS
        ]
    turn.goto(StaffTestStep.ANSWERING, survey=taker.survey.key, question=key, answers=answers, **_who(taker))
    turn.reply(
        texts.question(
            turn.org, taker.definition, question, keys.index(key) + 1, len(keys), [*quick[:12], texts.CANCEL]
        )
    )


def _taker(turn: Turn) -> Taker | None:
    """The test being taken, from the dialog state; None (and a polite end) when it closed meanwhile."""
    respondent = Respondent(staff_id=turn.data.get("staff_id"), roster_key=turn.data.get("roster_key"))
    key = str(turn.data.get("survey", ""))
    found = staff_tests.taker_for(turn.session, turn.resident.id or 0, key, turn.now)
    if found is None or found.respondent != respondent:
        turn.end()
        turn.reply(texts.closed(turn.org))
        return None
    return found


@router.step(StaffTestStep.ANSWERING)
def typed_answer(turn: Turn) -> None:
    taker = _taker(turn)
    if taker is None:
        return
    question = taker.definition.question(str(turn.data.get("question")))
    if question is None:
        turn.end()
        turn.reply(texts.closed(turn.org))
        return
    answers = dict(turn.data.get("answers", {}))
    typed = turn.incoming.text if turn.incoming.kind is EventKind.TEXT else None
    try:
        if typed is None:
            raise AnswerError("")
        value = flow.parse_reply(question, typed)
    except AnswerError:
        turn.reply(texts.invalid(turn.org, texts.answer_hint(question)))
        _ask(turn, taker, answers, question.key)
        return
    _save(turn, taker, answers, question.key, value)


@router.tap(StaffTestAnswer, states=(StaffTestStep.ANSWERING,), needs_consent=False)
def tapped_answer(turn: Turn, tapped: StaffTestAnswer) -> None:
    taker = _taker(turn)
    if taker is None:
        return
    answers = dict(turn.data.get("answers", {}))
    current = str(turn.data.get("question"))
    if tapped.key != taker.survey.key or tapped.question != current:
        turn.reply(texts.stale_question(turn.org))
        _ask(turn, taker, answers, current)
        return
    question = taker.definition.question(current)
    assert question is not None
    raw: Any = tapped.value
    if question.type == "satisfaction" and raw.isdigit():
        raw = int(raw)
    try:
        value = flow.check_value(question, raw)
    except AnswerError:
        turn.reply(texts.invalid(turn.org, texts.answer_hint(question)))
        _ask(turn, taker, answers, current)
        return
    _save(turn, taker, answers, current, value)


def _save(turn: Turn, taker: Taker, answers: dict[str, Any], key: str, value: Any) -> None:
    answers[key] = value
    answers = flow.prune(taker.definition, answers)
    following = flow.next_question(taker.definition, answers, after=key)
    if following is not None:
        _ask(turn, taker, answers, following.key)
        return
    turn.end()
    try:
        filed = staff_tests.file(turn.session, taker.survey, taker.respondent, answers, Channel.LINE, turn.now)
    except Conflict:
        turn.reply(texts.staff_already_taken(turn.org, taker.definition))
        return
    turn.reply(texts.staff_result(turn.org, taker.definition, filed.score_percent, filed.passed))

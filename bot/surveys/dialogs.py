"""Residents answer surveys in LINE: one question per message, quick replies (or typed 1–5), progress.

```mermaid
stateDiagram-v2
    [*] --> surveys.list: แบบสอบถาม
    surveys.list --> surveys.answer: tap a survey, or type its number or title (new, or resume)
    surveys.list --> Answered: tap a survey already answered
    Answered --> surveys.answer: แก้ไขคำตอบ (revise, from question 1)
    Answered --> [*]: ไม่แก้ไข
    [*] --> surveys.answer: เริ่มตอบ (a pushed invitation, maybe linked to a complaint)
    surveys.answer --> surveys.answer: answer / ข้าม / pick (multiple) / stale button refused
    surveys.answer --> [*]: last question answered (thanks) / ยกเลิก (answers kept, resume later)
```
Answers are saved as they are given, so ยกเลิก or an expired conversation loses nothing. Anonymous
surveys run sealed: the dialog state is encrypted and the inbox keeps no copy of the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.chat import intents
from bot.chat import messages as m
from bot.chat.engine import Router, Turn, normalise
from bot.chat.events import EventKind
from bot.surveys import service, texts
from bot.surveys.callbacks import DONE, SKIP, Answer, OpenSurvey, ReviseSurvey, Toggle
from surveys import catalogue, flow, responses
from surveys.definition import SATISFACTION_LEVELS, Definition, Question
from surveys.flow import AnswerError, Answers
from surveys.models import Channel, ResponseStatus, Survey, SurveyResponse
from surveys.responses import Link, SurveyClosed

router = Router("surveys")


class SurveyStep(StrEnum):
    """The dialog's states, as the conversation table keeps them."""

    ANSWERING = "surveys.answer"
    LISTED = "surveys.list"  # the list was shown: "1" or a title typed next opens that survey


LIST_KEYWORDS = ("แบบสอบถาม", "ประเมิน", "ตอบแบบสอบถาม", "แบบประเมิน")
SKIP_WORDS = ("ข้าม", "ไม่ตอบ")
DONE_WORDS = ("ตกลง", "เสร็จ", "ยืนยัน")


@router.entry(*LIST_KEYWORDS, prefix_match=True)
def list_surveys(turn: Turn) -> None:
    found = service.offers(turn.session, turn.resident, turn.now)[:12]
    if not found:
        turn.reply(texts.none_open(turn.org))
        return
    lines = [texts.list_line(i, offer.definition, offer.state) for i, offer in enumerate(found, 1)]
    quick = [
        m.postback(texts.label(o.definition.short_title), OpenSurvey(o.survey.key).pack(), o.definition.title)
        for o in found
    ]
    turn.goto(SurveyStep.LISTED, keys=[o.survey.key for o in found])
    turn.reply(texts.survey_list(turn.org, lines, [*quick, m.say("เมนู")]))


def typed_list_choice(turn: Turn) -> bool:
    """ "1", "๒" or a survey's title typed at the list opens that survey, as tapping it would."""
    typed = normalise(turn.incoming.text or "")
    keys = [str(k) for k in turn.data.get("keys", [])]
    number = intents.choice_number(typed)
    key = keys[number - 1] if number is not None and 1 <= number <= len(keys) else None
    if key is None and len(typed) >= 3:
        for candidate in keys:
            survey = catalogue.get(turn.session, candidate)
            definition = catalogue.definition_of(turn.session, survey) if survey is not None else None
            titles = (normalise(definition.title), normalise(definition.short_title)) if definition else ()
            if any(typed == t or typed in t for t in titles):
                key = candidate
                break
    if key is None:
        return False
    turn.end()
    _open(turn, key, link=None)
    return True


def _position(definition: Definition, key: str) -> tuple[int, int]:
    """ "ข้อ 3/9" counted over every question of the survey, the same count its intro announces: a question
    shown only after some answers never changes the total under the resident's eyes."""
    keys = [q.key for q in definition.questions]
    return keys.index(key) + 1, len(keys)


def _link(tapped: OpenSurvey | ReviseSurvey) -> Link | None:
    return (tapped.link_type, tapped.link_id) if tapped.link_type and tapped.link_id else None


def _open_for_resident(turn: Turn, key: str) -> tuple[Survey, Definition] | None:
    survey = catalogue.get(turn.session, key)
    if survey is None or survey.audience != "residents" or not survey.accepts_answers(turn.now):
        turn.end()
        turn.reply(texts.closed(turn.org))
        return None
    return survey, catalogue.definition_of(turn.session, survey)


@router.tap(OpenSurvey)
def open_survey(turn: Turn, tapped: OpenSurvey) -> None:
    _open(turn, tapped.key, _link(tapped))


def _open(turn: Turn, key: str, link: Link | None) -> None:
    """Start or resume the survey `key` (for the case `link` names); one already answered offers a revision."""
    found = _open_for_resident(turn, key)
    if found is None:
        return
    survey, definition = found
    respondent = service.respondent_of(turn.resident)
    existing = responses.find(turn.session, survey, respondent, turn.now, link)
    if existing is not None and existing.status == ResponseStatus.COMPLETE:
        turn.end()
        revise = m.postback("แก้ไขคำตอบ", ReviseSurvey(survey.key, *(link or (None, None))).pack(), "แก้ไขคำตอบ")
        turn.reply(texts.already_answered(turn.org, definition, existing.submitted_at, revise))
        return
    response, created = responses.begin(turn.session, survey, respondent, Channel.LINE, turn.now, link)
    definition = catalogue.definition_of(turn.session, survey, response.version)
    answers = responses.answers_of(turn.session, response, definition)
    question = flow.next_question(definition, answers)
    if question is None:  # only optional questions were left when they stopped
        _finish(turn, survey, response, revised=False)
        return
    number, total = _position(definition, question.key)
    lead = texts.intro(turn.org, definition, total) if created or not answers else texts.resume(turn.org, number, total)
    _ask(turn, survey, definition, response, question, answers, revising=False, lead=lead)


@router.tap(ReviseSurvey)
def revise_survey(turn: Turn, tapped: ReviseSurvey) -> None:
    found = _open_for_resident(turn, tapped.key)
    if found is None:
        return
    survey, definition = found
    response = responses.find(turn.session, survey, service.respondent_of(turn.resident), turn.now, _link(tapped))
    if response is None or response.status != ResponseStatus.COMPLETE:
        _open(turn, tapped.key, _link(tapped))
        return
    responses.adopt_version(turn.session, survey, response, definition)
    answers = responses.answers_of(turn.session, response, definition)
    question = flow.next_question(definition, answers, revising=True)
    assert question is not None  # a definition has at least one question, and the first is always shown
    _ask(turn, survey, definition, response, question, answers, revising=True, lead=texts.revising(turn.org))


def _quick(response_id: int, q: Question, picked: list[str]) -> list[m.Action]:
    def answer(label: str, value: str, shown: str | None = None) -> m.Action:
        return m.postback(texts.label(label), Answer(response_id, q.key, value).pack(), shown or label)

    if q.type == "satisfaction":
        quick = [answer(f"{level} {label}", str(level)) for level, label in SATISFACTION_LEVELS.items()]
    elif q.type == "single":
        quick = [answer(f"{i} {c.label}", c.key, c.label) for i, c in enumerate(q.choices, 1)]
    elif q.type == "multiple":
        quick = [
            m.postback(
                texts.label(f"{'✅' if c.key in picked else i} {c.label}"), Toggle(response_id, q.key, c.key).pack()
            )
            for i, c in enumerate(q.choices, 1)
        ]
        quick.append(answer("ตกลง", DONE))
    else:
        quick = []
    if not q.required and q.type != "multiple":  # multiple: ตกลง with nothing picked skips
        quick.append(answer("ข้าม", SKIP))
    return [*quick, texts.CANCEL]


def _ask(
    turn: Turn,
    survey: Survey,
    definition: Definition,
    response: SurveyResponse,
    q: Question,
    answers: Answers,
    *,
    revising: bool,
    lead: m.Message | None = None,
    picked: list[str] | None = None,
) -> None:
    if survey.anonymous:
        turn.seal()
    if picked is None:
        picked = list(answers.get(q.key, [])) if q.type == "multiple" and revising else []
    number, total = _position(definition, q.key)
    previous = texts.shown_answer(q, answers[q.key]) if revising and q.key in answers else None
    turn.goto(
        SurveyStep.ANSWERING, survey=survey.key, response=response.id, question=q.key, revising=revising, picked=picked
    )
    message = texts.question(
        turn.org, definition, q, number, total, _quick(response.id or 0, q, picked), previous, picked
    )
    turn.reply(*([lead] if lead else []), message)


@dataclass
class _Context:
    survey: Survey
    definition: Definition
    response: SurveyResponse
    question: Question
    answers: Answers
    revising: bool
    picked: list[str]


def _context(turn: Turn) -> _Context | None:
    """Where the resident is, from the dialog state; None (and a polite end) if that survey is gone or closed."""
    data = turn.data
    survey = catalogue.get(turn.session, str(data.get("survey", "")))
    response = turn.session.get(SurveyResponse, data.get("response") or 0)
    if survey is None or response is None or response.survey_id != survey.id or not survey.accepts_answers(turn.now):
        turn.end()
        turn.reply(texts.closed(turn.org))
        return None
    definition = catalogue.definition_of(turn.session, survey, response.version)
    question = definition.question(str(data.get("question")))
    if question is None:
        turn.end()
        turn.reply(texts.closed(turn.org))
        return None
    answers = responses.answers_of(turn.session, response, definition)
    return _Context(
        survey, definition, response, question, answers, bool(data.get("revising")), list(data.get("picked", []))
    )


def _again(turn: Turn, ctx: _Context, lead: m.Message | None = None) -> None:
    _ask(
        turn,
        ctx.survey,
        ctx.definition,
        ctx.response,
        ctx.question,
        ctx.answers,
        revising=ctx.revising,
        lead=lead,
        picked=ctx.picked,
    )


@router.step(SurveyStep.ANSWERING)
def typed_answer(turn: Turn) -> None:
    typed = (turn.incoming.text or "") if turn.incoming.kind is EventKind.TEXT else None
    if typed is not None and normalise(typed) in {normalise(k) for k in LIST_KEYWORDS}:
        turn.end()
        list_surveys(turn)
        return
    ctx = _context(turn)
    if ctx is None:
        return
    q = ctx.question
    if typed is None:
        _again(turn, ctx, texts.invalid(turn.org, texts.answer_hint(q)))
    elif normalise(typed) in SKIP_WORDS:
        _skip(turn, ctx)
    elif q.type == "multiple" and normalise(typed) in DONE_WORDS:
        _done(turn, ctx)
    else:
        try:
            value = flow.parse_reply(q, typed)
        except AnswerError:
            _again(turn, ctx, texts.invalid(turn.org, texts.answer_hint(q)))
            return
        _save(turn, ctx, value)


def _current(turn: Turn, response: int, question: str) -> _Context | None:
    """The context, if a tapped button belongs to the question being asked; else a polite refusal."""
    ctx = _context(turn)
    if ctx is not None and (response != ctx.response.id or question != ctx.question.key):
        _again(turn, ctx, texts.stale_question(turn.org))
        return None
    return ctx


@router.tap(Answer, states=(SurveyStep.ANSWERING,))
def tapped_answer(turn: Turn, tapped: Answer) -> None:
    ctx = _current(turn, tapped.response, tapped.question)
    if ctx is None:
        return
    value = tapped.value
    if value == SKIP:
        _skip(turn, ctx)
    elif value == DONE:
        _done(turn, ctx)
    else:
        _save(turn, ctx, int(value) if ctx.question.type == "satisfaction" and value.isdigit() else value)


@router.tap(Toggle, states=(SurveyStep.ANSWERING,))
def tapped_choice(turn: Turn, tapped: Toggle) -> None:
    ctx = _current(turn, tapped.response, tapped.question)
    if ctx is None:
        return
    choice = tapped.choice
    if ctx.question.choice(choice) is not None:
        ctx.picked = [k for k in ctx.picked if k != choice] if choice in ctx.picked else [*ctx.picked, choice]
    _again(turn, ctx)


def _skip(turn: Turn, ctx: _Context) -> None:
    if ctx.question.required:
        _again(turn, ctx, texts.invalid(turn.org, texts.must_answer(turn.org)))
        return
    _advance(turn, ctx, ctx.answers)  # revising: a skipped question keeps its earlier answer


def _done(turn: Turn, ctx: _Context) -> None:
    if ctx.picked:
        _save(turn, ctx, ctx.picked)
    elif ctx.question.required:
        _again(turn, ctx, texts.invalid(turn.org, texts.pick_one_first(turn.org)))
    else:
        _skip(turn, ctx)


def _save(turn: Turn, ctx: _Context, value: Any) -> None:
    try:
        answers = responses.save_answer(
            turn.session, ctx.survey, ctx.response, ctx.definition, ctx.question, value, turn.now
        )
    except SurveyClosed:
        turn.end()
        turn.reply(texts.closed(turn.org))
        return
    except AnswerError:
        _again(turn, ctx, texts.invalid(turn.org, texts.answer_hint(ctx.question)))
        return
    _advance(turn, ctx, answers)


def _advance(turn: Turn, ctx: _Context, answers: Answers) -> None:
    following = flow.next_question(ctx.definition, answers, after=ctx.question.key, revising=ctx.revising)
    if following is None:
        _finish(turn, ctx.survey, ctx.response, revised=ctx.revising)
        return
    _ask(turn, ctx.survey, ctx.definition, ctx.response, following, answers, revising=ctx.revising)


def _finish(turn: Turn, survey: Survey, response: SurveyResponse, *, revised: bool) -> None:
    responses.finish(response, turn.now)
    turn.end()
    turn.reply(texts.thanks(turn.org, revised))

"""Which question comes next, and what an answer means: pure functions over a definition and answers.

Answers are a dict question key → value: a level 1–5 (satisfaction), a choice key (single), a list of
choice keys (multiple), a string (text) or a float (number). Only answers to questions that are
visible under the skip conditions are kept.
"""

from __future__ import annotations

import re
from typing import Any

from surveys.definition import SATISFACTION_LEVELS, Definition, Question

Answers = dict[str, Any]
MAX_TEXT = 1000
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_LEVEL_WORDS = {label: level for level, label in SATISFACTION_LEVELS.items()}


class AnswerError(ValueError):
    """An answer that does not fit its question (the message is Thai, for staff and residents)."""


def visible_questions(definition: Definition, answers: Answers) -> list[Question]:
    """The questions asked, given the answers so far (a hidden question's answer never counts)."""
    shown: list[Question] = []
    seen: set[str] = set()
    for question in definition.questions:
        condition = question.show_if
        if condition is None or (condition.question in seen and condition.holds(answers.get(condition.question))):
            shown.append(question)
            seen.add(question.key)
    return shown


def next_question(
    definition: Definition, answers: Answers, after: str | None = None, revising: bool = False
) -> Question | None:
    """The visible question after `after` (from the start when None): when filling in, the next one not
    answered yet (a skipped optional question stays behind); when revising, simply the next one."""
    shown = visible_questions(definition, answers)
    keys = [q.key for q in shown]
    start = keys.index(after) + 1 if after in keys else 0
    return next((q for q in shown[start:] if revising or q.key not in answers), None)


def position(definition: Definition, answers: Answers, key: str) -> tuple[int, int]:
    """("ข้อ 3/8"): the question's number among the visible ones, and how many are visible now."""
    keys = [q.key for q in visible_questions(definition, answers)]
    return (keys.index(key) + 1 if key in keys else len(keys)), len(keys)


def prune(definition: Definition, answers: Answers) -> Answers:
    """Drop answers to questions an earlier change has hidden."""
    visible = {q.key for q in visible_questions(definition, answers)}
    return {k: v for k, v in answers.items() if k in visible}


def check_value(question: Question, value: Any) -> Any:
    """The normalised value of an answer given as data (API, paper entry), or `AnswerError`."""
    kind = question.type
    if kind == "satisfaction":
        if isinstance(value, bool) or not isinstance(value, int | float) or value not in (1, 2, 3, 4, 5):
            raise AnswerError(f"ข้อ {question.key}: ตอบได้เฉพาะระดับ 1–5")
        return int(value)
    if kind == "single":
        if not isinstance(value, str) or question.choice(value) is None:
            raise AnswerError(f"ข้อ {question.key}: ไม่มีตัวเลือก {value!r}")
        return value
    if kind == "multiple":
        picked = [value] if isinstance(value, str) else value
        if (
            not isinstance(picked, list)
            or not picked
            or any(not isinstance(k, str) or question.choice(k) is None for k in picked)
        ):
            raise AnswerError(f"ข้อ {question.key}: เลือกได้เฉพาะ {', '.join(c.key for c in question.choices)}")
        return [c.key for c in question.choices if c.key in picked]  # definition order, no repeats
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerError(f"ข้อ {question.key}: ต้องเป็นตัวเลข")
        if (question.min is not None and value < question.min) or (question.max is not None and value > question.max):
            raise AnswerError(f"ข้อ {question.key}: ต้องอยู่ระหว่าง {question.min} ถึง {question.max}")
        return float(value)
    if not isinstance(value, str) or not value.strip():
        raise AnswerError(f"ข้อ {question.key}: ต้องเป็นข้อความ")
    return value.strip()[:MAX_TEXT]


def parse_reply(question: Question, typed: str) -> Any:
    """What a resident typed in LINE, as a value: "4" / "๔" / "มาก"; a choice number or label; "1 3"."""
    text = typed.strip().translate(_THAI_DIGITS)
    if question.type == "satisfaction":
        level = _LEVEL_WORDS.get(text)
        if level is None and re.fullmatch(r"[1-5]", text):
            level = int(text)
        return check_value(question, level)
    if question.type == "single":
        return _choice(question, text)
    if question.type == "multiple":
        whole = next((c.key for c in question.choices if c.label == text), None)
        parts = [whole] if whole else [p for p in re.split(r"[\s,]+", text) if p]
        return check_value(question, [_choice(question, p) for p in parts] if parts else None)
    if question.type == "number":
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise AnswerError("กรุณาพิมพ์เป็นตัวเลข") from None
        return check_value(question, number)
    return check_value(question, typed)


def _choice(question: Question, text: str) -> str:
    if text.isdigit() and 1 <= int(text) <= len(question.choices):
        return question.choices[int(text) - 1].key
    found = next((c.key for c in question.choices if c.label == text or c.key == text), None)
    if found is None:
        raise AnswerError(f"ข้อ {question.key}: ไม่มีตัวเลือก {text!r}")
    return found


def check_answers(definition: Definition, given: dict[str, Any]) -> Answers:
    """A whole response at once (paper entry, staff quiz): every value valid, required ones present,
    none to unknown or hidden questions. Raises `AnswerError` listing every problem."""
    problems = [f"ไม่มีข้อ {key!r} ในแบบสอบถามนี้" for key in given if definition.question(key) is None]
    answers: Answers = {}
    for question in definition.questions:  # in order, so skip conditions see earlier answers
        raw = given.get(question.key)
        shown = question.key in {q.key for q in visible_questions(definition, answers)}
        if raw is None or raw == "" or raw == []:
            if shown and question.required:
                problems.append(f"ข้อ {question.key}: ต้องตอบ")
            continue
        if not shown:
            problems.append(f"ข้อ {question.key}: ไม่ต้องตอบ ตามเงื่อนไขการข้ามคำถาม")
            continue
        try:
            answers[question.key] = check_value(question, raw)
        except AnswerError as error:
            problems.append(str(error))
    if problems:
        raise AnswerError("; ".join(problems))
    return answers


def encode(question: Question, value: Any) -> dict[str, Any]:
    """The answer's columns: `score` (what is scored), `number`, `text`."""
    if question.type == "number":
        return {"score": None, "number": float(value), "text": None}
    text = ",".join(value) if isinstance(value, list) else (None if question.type == "satisfaction" else value)
    return {"score": question.score(value) if question.scored else None, "number": None, "text": text}


def decode(question: Question, score: int | None, number: float | None, text: str | None) -> Any:
    if question.type == "satisfaction":
        return score
    if question.type == "number":
        return number
    if question.type == "multiple":
        return (text or "").split(",") if text else []
    return text

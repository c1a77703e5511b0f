"""Survey definitions as data (TOML files or JSON from the API), validated with clear errors.

A definition names its questions (five types), groups them into dimensions, may hide a question
unless an earlier answer fits (`show_if`), and for quizzes and self-assessments marks the expected
answers and a pass mark. `parse_definition` turns any mistake into one `DefinitionError` listing them all.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SHIPPED = Path(__file__).parent / "definitions"
KEY = r"^[a-z0-9_]{1,48}$"
QuestionType = Literal["satisfaction", "single", "multiple", "text", "number"]
Kind = Literal["satisfaction", "quiz", "self_assessment"]
Method = Literal["mean_percent", "top2_share", "pass_share"]
SATISFACTION_LEVELS = {5: "มากที่สุด", 4: "มาก", 3: "ปานกลาง", 2: "น้อย", 1: "น้อยที่สุด"}
METHODS_BY_KIND: dict[str, tuple[str, ...]] = {
    "satisfaction": ("mean_percent", "top2_share"),
    "quiz": ("mean_percent", "pass_share"),
    "self_assessment": ("mean_percent", "pass_share"),
}


class DefinitionError(ValueError):
    """A definition that cannot be used; `problems` lists every mistake found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    key: str = Field(pattern=KEY)
    label: str = Field(min_length=1, max_length=200)


class ShowIf(_Strict):
    """Ask a question only when an earlier answer fits exactly one of these conditions."""

    question: str
    equals: str | None = None
    any_of: list[str] | None = None
    at_least: float | None = None
    at_most: float | None = None

    def holds(self, value: Any) -> bool:
        if value is None:
            return False
        chosen = set(value) if isinstance(value, list) else {value}
        if self.equals is not None:
            return self.equals in chosen
        if self.any_of is not None:
            return bool(chosen & set(self.any_of))
        if self.at_least is not None:
            return float(value) >= self.at_least
        return self.at_most is not None and float(value) <= self.at_most


class Dimension(_Strict):
    key: str = Field(pattern=KEY)
    title: str = Field(min_length=1, max_length=200)


class Question(_Strict):
    key: str = Field(pattern=KEY)
    text: str = Field(min_length=1, max_length=1000)
    type: QuestionType
    dimension: str | None = None
    required: bool = True
    choices: list[Choice] = []
    correct: str | list[str] | None = None  # quizzes: the right choice(s); self-assessments: the compliant one
    min: float | None = None
    max: float | None = None
    show_if: ShowIf | None = None

    @property
    def scored(self) -> bool:
        """Counts toward the scores: a satisfaction level, or right / wrong against `correct`."""
        return self.type == "satisfaction" or self.correct is not None

    @property
    def max_score(self) -> int:
        return 5 if self.type == "satisfaction" else 1

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)

    def score(self, value: Any) -> int | None:
        """The stored score of an answer: the level (1–5), or 1 / 0 for right / wrong."""
        if self.type == "satisfaction":
            return int(value)
        if self.correct is None:
            return None
        expected = {self.correct} if isinstance(self.correct, str) else set(self.correct)
        given = set(value) if isinstance(value, list) else {value}
        return int(given == expected)


class Definition(_Strict):
    key: str = Field(pattern=KEY)
    title: str = Field(min_length=1, max_length=300)
    short_title: str = Field(min_length=1, max_length=20, description="fits a LINE button label")
    description: str = ""
    audience: Literal["residents", "staff"]
    kind: Kind = "satisfaction"
    anonymous: bool = False
    listed: bool = Field(True, description="offered in the LINE list; false: only sent (e.g. after a complaint)")
    period: Literal["fiscal_year"] = "fiscal_year"
    target: float = Field(80.0, ge=0, le=100)
    official_method: Method = "mean_percent"
    pass_mark: float | None = Field(None, ge=0, le=100)
    plan_measure: int | None = None
    rating_question: str | None = None
    dimensions: list[Dimension] = []
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def consistent(self) -> Definition:
        problems = _problems(self)
        if problems:
            raise ValueError(" | ".join(problems))
        return self

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @property
    def scored_questions(self) -> list[Question]:
        return [q for q in self.questions if q.scored]

    @property
    def is_quiz(self) -> bool:
        return self.kind != "satisfaction"

    def dimension_title(self, key: str | None) -> str:
        return next((d.title for d in self.dimensions if d.key == key), key or "")

    def rating_target(self) -> Question:
        """The question a one-tap linked rating fills (`rating_question`, else the last satisfaction one)."""
        if self.rating_question:
            question = self.question(self.rating_question)
            assert question is not None
            return question
        return [q for q in self.questions if q.type == "satisfaction"][-1]

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


def _duplicates(keys: list[str]) -> list[str]:
    return sorted({k for k in keys if keys.count(k) > 1})


def _problems(d: Definition) -> list[str]:
    problems: list[str] = []
    for dup in _duplicates([x.key for x in d.dimensions]):
        problems.append(f"dimensions: รหัสมิติ '{dup}' ซ้ำกัน")
    for dup in _duplicates([q.key for q in d.questions]):
        problems.append(f"questions: รหัสคำถาม '{dup}' ซ้ำกัน")
    dimension_keys = {x.key for x in d.dimensions}
    earlier: dict[str, Question] = {}
    for q in d.questions:
        problems.extend(f"questions '{q.key}': {p}" for p in _question_problems(q, d, dimension_keys, earlier))
        earlier[q.key] = q
    if d.official_method not in METHODS_BY_KIND[d.kind]:
        problems.append(
            f"official_method: '{d.official_method}' ใช้กับแบบ {d.kind} ไม่ได้ (ใช้ได้: {', '.join(METHODS_BY_KIND[d.kind])})"
        )
    if d.kind == "satisfaction" and not any(q.type == "satisfaction" for q in d.questions):
        problems.append("questions: แบบสำรวจความพึงพอใจต้องมีคำถามระดับความพึงพอใจอย่างน้อย 1 ข้อ")
    if d.is_quiz and not d.scored_questions:
        problems.append("questions: แบบทดสอบ/แบบประเมินตนเองต้องมีข้อที่ระบุคำตอบที่ถูก (correct)")
    if d.official_method == "pass_share" and d.pass_mark is None:
        problems.append("pass_mark: ต้องระบุเกณฑ์ผ่านเมื่อใช้วิธี pass_share")
    if d.rating_question is not None:
        target = d.question(d.rating_question)
        if target is None or target.type != "satisfaction":
            problems.append(f"rating_question: '{d.rating_question}' ต้องเป็นคำถามระดับความพึงพอใจในแบบนี้")
    return problems


def _question_problems(q: Question, d: Definition, dimensions: set[str], earlier: dict[str, Question]) -> list[str]:
    problems = []
    if q.dimension is not None and q.dimension not in dimensions:
        problems.append(f"ไม่มีมิติ '{q.dimension}' ในรายการ dimensions")
    if q.type in ("single", "multiple"):
        if len(q.choices) < 2:
            problems.append("คำถามแบบเลือกตอบต้องมีตัวเลือกอย่างน้อย 2 ข้อ")
        if len(q.choices) > 11:
            problems.append("ตัวเลือกมากได้ไม่เกิน 11 ข้อ (ปุ่มตอบใน LINE)")
        problems.extend(f"รหัสตัวเลือก '{dup}' ซ้ำกัน" for dup in _duplicates([c.key for c in q.choices]))
    elif q.choices:
        problems.append(f"คำถามชนิด {q.type} ไม่มีตัวเลือก (choices)")
    if q.correct is not None:
        if not d.is_quiz:
            problems.append("ระบุคำตอบที่ถูก (correct) ได้เฉพาะแบบทดสอบหรือแบบประเมินตนเอง")
        wanted = [q.correct] if isinstance(q.correct, str) else q.correct
        if q.type not in ("single", "multiple") or (q.type == "single" and not isinstance(q.correct, str)):
            problems.append("คำตอบที่ถูกใช้กับข้อเลือกตอบ (single: ตัวเลือกเดียว, multiple: รายการ)")
        problems.extend(f"คำตอบที่ถูก '{k}' ไม่อยู่ในตัวเลือก" for k in wanted if q.choice(k) is None)
    if (q.min is not None or q.max is not None) and q.type != "number":
        problems.append("min/max ใช้กับคำถามชนิด number เท่านั้น")
    if q.min is not None and q.max is not None and q.min > q.max:
        problems.append("min ต้องไม่มากกว่า max")
    if q.type == "satisfaction" and d.is_quiz:
        problems.append("แบบทดสอบไม่มีคำถามระดับความพึงพอใจ")
    if q.show_if is not None:
        problems.extend(_condition_problems(q.show_if, earlier))
    return problems


def _condition_problems(cond: ShowIf, earlier: dict[str, Question]) -> list[str]:
    source = earlier.get(cond.question)
    if source is None:
        return [f"show_if อ้างถึง '{cond.question}' ซึ่งต้องเป็นคำถามที่อยู่ก่อนหน้า"]
    given = [x for x in (cond.equals, cond.any_of, cond.at_least, cond.at_most) if x is not None]
    if len(given) != 1:
        return ["show_if ต้องมีเงื่อนไขเดียว: equals, any_of, at_least หรือ at_most"]
    if cond.equals is not None or cond.any_of is not None:
        if source.type not in ("single", "multiple"):
            return ["show_if แบบ equals/any_of ใช้กับคำถามเลือกตอบ"]
        wanted = [cond.equals] if cond.equals is not None else cond.any_of or []
        return [f"show_if: ตัวเลือก '{k}' ไม่มีในคำถาม '{source.key}'" for k in wanted if source.choice(k) is None]
    if source.type not in ("satisfaction", "number"):
        return ["show_if แบบ at_least/at_most ใช้กับคำถามระดับความพึงพอใจหรือตัวเลข"]
    return []


_MESSAGES = {
    "missing": "ต้องระบุ",
    "extra_forbidden": "ไม่รู้จักช่องนี้",
    "string_pattern_mismatch": "ใช้ได้เฉพาะ a-z 0-9 และ _ (ไม่เกิน 48 ตัว)",
}


def _describe(error: Any) -> list[str]:
    path = ".".join(str(part) for part in error["loc"]) or "definition"
    if error["type"] == "literal_error":
        return [f"{path}: ไม่รู้จักค่า {error['input']!r} (ใช้ได้: {error['ctx']['expected']})"]
    if error["type"] == "value_error":
        return str(error["ctx"]["error"]).split(" | ")
    return [f"{path}: {_MESSAGES.get(error['type'], error['msg'])}"]


def parse_definition(data: dict[str, Any]) -> Definition:
    """A validated definition, or a `DefinitionError` naming every problem (in Thai, for staff)."""
    try:
        return Definition.model_validate(data)
    except ValidationError as error:
        raise DefinitionError([p for e in error.errors() for p in _describe(e)]) from None


def parse_toml(text: str) -> Definition:
    """A definition from TOML text; TOML's own duplicate keys and syntax errors become `DefinitionError` too."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError([f"TOML ไม่ถูกต้อง: {error}"]) from None
    return parse_definition(data)


ORGANISATION = "{organisation}"  # in a definition's text: the organisation's short name ("อบต.พนา", "ทต.บ้านใหม่")


def load_file(path: Path, organisation: str | None = None) -> Definition:
    """A definition from a TOML file; `{organisation}` in its text becomes `organisation` when given."""
    text = path.read_text(encoding="utf-8")
    if organisation is not None:
        text = text.replace(ORGANISATION, organisation.replace("\\", "\\\\").replace('"', '\\"'))
    try:
        return parse_toml(text)
    except DefinitionError as error:
        raise DefinitionError([f"{path.name}: {p}" for p in error.problems]) from None


def shipped_definitions(organisation: str) -> list[Definition]:
    """The six surveys that come with the product (surveys/definitions/*.toml), in file-name order, speaking
    of the organisation by its short name (`organisation`, e.g. "อบต.พนา")."""
    return [load_file(path, organisation) for path in sorted(SHIPPED.glob("*.toml"))]

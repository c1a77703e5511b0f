"""The survey dialog's typed postbacks (prefixes `sv…`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.callbacks import CallbackData

SKIP = "~skip"  # never a choice key (keys are a-z, 0-9 and _)
DONE = "~done"


@dataclass(frozen=True)
class OpenSurvey(CallbackData, prefix="svopen"):
    key: str
    link_type: str | None = None
    link_id: str | None = None


@dataclass(frozen=True)
class ReviseSurvey(CallbackData, prefix="svrevise"):
    key: str
    link_type: str | None = None
    link_id: str | None = None


@dataclass(frozen=True)
class Answer(CallbackData, prefix="svans"):
    """An answer to one question of one response: a level, a choice key, SKIP or DONE."""

    response: int
    question: str
    value: str


@dataclass(frozen=True)
class Toggle(CallbackData, prefix="svpick"):
    """Pick or unpick a choice of a multiple-choice question."""

    response: int
    question: str
    choice: str

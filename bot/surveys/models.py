"""Shapes of the survey admin API (the tables are in `surveys.models`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.db import Count, RowId, VillageNumber

Pair = list[float] | None


class RosterMemberIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    staff_id: RowId | None = None
    group: Literal["executive", "council", "staff"]


class RosterIn(BaseModel):
    members: list[RosterMemberIn] = Field(max_length=500)


class RosterFigures(BaseModel):
    """A census target's roster: how many it covers, how many answered, who has not."""

    size: int
    answered: int
    missing: list[str]


class SurveyRead(BaseModel):
    key: str
    title: str
    short_title: str
    audience: str
    kind: str
    anonymous: bool
    listed: bool
    status: str
    accepting_answers: bool
    version: int
    target: float
    official_method: str
    plan_measure: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    responses: int = Field(description="complete responses, all periods")


class SurveyDetail(SurveyRead):
    definition: dict[str, Any]
    versions: list[int]


class OpenRequest(BaseModel):
    opens_at: datetime | None = None
    closes_at: datetime | None = None


class PaperResponse(BaseModel):
    """One paper (or web) form, typed in by an officer."""

    answers: dict[str, Any] = Field(description="question key → level 1–5, choice key, [choice keys], text, number")
    village_no: VillageNumber | None = None
    channel: Literal["paper", "web"] = "paper"
    answered_at: datetime | None = Field(None, description="when the form was filled in (default: now)")


class StaffAnswers(BaseModel):
    answers: dict[str, Any]


class ResponseFiled(BaseModel):
    id: int
    fiscal_year: int
    revised: bool
    score_percent: float | None = None
    passed: bool | None = None


class SendRequest(BaseModel):
    village_no: VillageNumber | None = Field(None, description="only this village; all residents when absent")


class SendResult(BaseModel):
    recipients: int


class FiguresOut(BaseModel):
    n: int
    answers: int
    mean: float | None
    sd: float | None
    band: str | None
    mean_percent: float | None
    top2_share: float | None
    pass_share: float | None = None
    levels: dict[int, float] | None
    ci95: dict[str, Pair]


class ItemOut(FiguresOut):
    key: str
    text: str
    dimension: str | None


class DimensionOut(FiguresOut):
    key: str
    title: str


class GroupOut(FiguresOut):
    key: list[Any]
    label: str
    population: int | None
    sample_required: int | None


class Sample(BaseModel):
    population: int | None
    required: int | None = Field(description="Yamane, e = 0.05")
    responses: int
    adequate: bool | None


class Breakdown(BaseModel):
    by: str
    groups: list[GroupOut]
    hidden_groups: int = Field(description="groups under 5 respondents, not shown")


class SummaryOut(FiguresOut):
    key: str
    title: str
    kind: str
    version: int
    fiscal_year: int | None
    provisional: bool
    target: float
    official_method: str
    official_value: float | None
    status: Literal["met", "not_met", "not_yet_provable"]
    more_responses_needed: int | None
    sample: Sample
    dimensions: list[DimensionOut]
    items: list[ItemOut]
    breakdown: Breakdown | None
    ci_method: str
    roster: RosterFigures | None = None


class TargetRow(BaseModel):
    indicator: str = Field(
        description="survey key, ita_score, law_training / coi_forum (staff sessions held, "
        "roster attendance), or an outcome indicator: bribery / procurement / "
        "staff_conduct / corruption_cases"
    )
    title: str
    plan_measure: int | None = None
    fiscal_year: int
    target: float | str | None = Field(description='a number, or "falling"')
    value: float | None
    status: str = Field(
        description="met | not_met | not_yet_provable | no_responses (a survey nobody has "
        "answered this year) | not_recorded | no_baseline | no_target"
    )
    official_method: str | None = None
    ci95: Pair = None
    n: int | None = None
    more_responses_needed: int | None = None
    provisional: bool | None = None
    baseline: int | None = None
    reduction_percent: float | None = None
    target_reduction_percent: int | None = None
    roster: RosterFigures | None = None
    # outcome indicators (counted from complaints and tips)
    count: int | None = None
    previous_count: int | None = None
    baseline_count: int | None = None
    change_percent: float | None = None


class IndicatorUpdate(BaseModel):
    ita_score: float | None = Field(None, strict=True, ge=0, le=100)
    corruption_cases: Count | None = None

"""The SQL aggregates behind every report: answers are summed in the database, never loaded into Python.

One query per summary: for each breakdown group and scored item, COUNT, SUM, SUM of squares and the
count at each level 1–5 of the scores of complete responses. Items add up to dimensions and to the
whole survey, groups to the total (moments are additive). Quizzes add one query over respondents'
percent scores, because passing is decided per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select
from sqlmodel import Session

from surveys.models import ResponseStatus, SurveyAnswer, SurveyResponse
from surveys.stats import Moments

ANSWER = SurveyAnswer.__table__  # type: ignore[attr-defined]
RESPONSE = SurveyResponse.__table__  # type: ignore[attr-defined]
# Breakdown name → the response columns that identify a group.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "fiscal_year": ("fiscal_year",),
    "quarter": ("fiscal_year", "quarter"),
    "month": ("month",),
    "village": ("village_no",),
    "channel": ("channel",),
}
Group = tuple[Any, ...]


@dataclass(frozen=True)
class ItemMoments:
    group: Group  # () without a breakdown
    question_key: str
    moments: Moments


def _filters(survey_id: int, fiscal_year: int | None) -> Any:
    conditions = [RESPONSE.c.survey_id == survey_id, RESPONSE.c.status == ResponseStatus.COMPLETE]
    if fiscal_year is not None:
        conditions.append(RESPONSE.c.fiscal_year == fiscal_year)
    return and_(*conditions)


def _group_columns(by: str | None) -> list[Any]:
    return [RESPONSE.c[name] for name in BREAKDOWNS[by]] if by else []


def item_moments_query(survey_id: int, fiscal_year: int | None = None, by: str | None = None) -> Select[Any]:
    """The one aggregate a satisfaction summary needs (also what the benchmark times on its own)."""
    score = ANSWER.c.score
    groups = _group_columns(by)
    levels = [func.sum(case((score == level, 1), else_=0)) for level in range(1, 6)]
    return (
        select(*groups, ANSWER.c.question_key, func.count(score), func.sum(score), func.sum(score * score), *levels)
        .select_from(ANSWER.join(RESPONSE, RESPONSE.c.id == ANSWER.c.response_id))
        .where(_filters(survey_id, fiscal_year), score.is_not(None))
        .group_by(*groups, ANSWER.c.question_key)
    )


def item_moments(
    session: Session, survey_id: int, fiscal_year: int | None = None, by: str | None = None
) -> list[ItemMoments]:
    width = len(BREAKDOWNS[by]) if by else 0
    rows = session.execute(item_moments_query(survey_id, fiscal_year, by)).all()
    return [
        ItemMoments(
            tuple(row[:width]),
            row[width],
            Moments(
                int(row[width + 1]),
                float(row[width + 2] or 0),
                float(row[width + 3] or 0),
                tuple(int(c or 0) for c in row[width + 4 : width + 9]),
            ),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RespondentScores:
    """Quizzes: the moments of respondents' percent scores (0–100) and how many reached the pass mark."""

    group: Group
    moments: Moments
    passed: int


def respondent_scores(
    session: Session, survey_id: int, pass_mark: float, fiscal_year: int | None = None, by: str | None = None
) -> list[RespondentScores]:
    groups = _group_columns(by)
    percent = (literal(100.0) * func.sum(ANSWER.c.score) / func.count(ANSWER.c.score)).label("percent")
    per_response = (
        select(*groups, percent)
        .select_from(ANSWER.join(RESPONSE, RESPONSE.c.id == ANSWER.c.response_id))
        .where(_filters(survey_id, fiscal_year), ANSWER.c.score.is_not(None))
        .group_by(RESPONSE.c.id, *groups)
        .subquery()
    )
    outer = [per_response.c[column.name] for column in groups]
    p = per_response.c.percent
    query = select(
        *outer, func.count(p), func.sum(p), func.sum(p * p), func.sum(case((p >= pass_mark - 1e-9, 1), else_=0))
    ).group_by(*outer)
    width = len(groups)
    return [
        RespondentScores(
            tuple(row[:width]),
            Moments(int(row[width]), float(row[width + 1] or 0), float(row[width + 2] or 0)),
            int(row[width + 3] or 0),
        )
        for row in session.execute(query).all()
    ]


@dataclass(frozen=True)
class RespondentShares:
    """Satisfaction: the moments of each respondent's own share (0–1) of answers at levels 4–5 over some items,
    and the most answers one respondent gave among them (1: every share is 0 or 1)."""

    group: Group
    moments: Moments
    most_answers: int


def respondent_top2_query(
    survey_id: int, key_sets: list[list[str]], fiscal_year: int | None = None, by: str | None = None
) -> Select[Any]:
    """Per breakdown group and for each set of items (the whole survey, each dimension): the count, sum and
    sum of squares of respondents' top-2 shares over that set, and the most answers one respondent gave to it
    — every set in one pass over the answers (the SQL `respondent_top2` runs; benchmarks/survey_summary.py
    times it raw). A respondent who answered nothing of a set has no share in it (NULL, not counted)."""
    groups = _group_columns(by)
    score = ANSWER.c.score
    shares = []
    for index, keys in enumerate(key_sets):
        in_set = ANSWER.c.question_key.in_(keys)
        answered = func.sum(case((in_set, 1), else_=0))
        top = func.sum(case((and_(in_set, score >= 4), 1), else_=0))
        shares += [
            (literal(1.0) * top / func.nullif(answered, 0)).label(f"share{index}"),
            answered.label(f"answers{index}"),
        ]
    every_key = sorted({key for keys in key_sets for key in keys})
    per_response = (
        select(*groups, *shares)
        .select_from(ANSWER.join(RESPONSE, RESPONSE.c.id == ANSWER.c.response_id))
        .where(_filters(survey_id, fiscal_year), score.is_not(None), ANSWER.c.question_key.in_(every_key))
        .group_by(RESPONSE.c.id, *groups)
        .subquery()
    )
    outer = [per_response.c[column.name] for column in groups]
    figures = []
    for index in range(len(key_sets)):
        s = per_response.c[f"share{index}"]
        figures += [func.count(s), func.sum(s), func.sum(s * s), func.max(per_response.c[f"answers{index}"])]
    return select(*outer, *figures).group_by(*outer)


def respondent_top2(
    session: Session, survey_id: int, key_sets: list[list[str]], fiscal_year: int | None = None, by: str | None = None
) -> list[list[RespondentShares]]:
    """For each set of items, per breakdown group: respondents' top-2 shares over the set, so an interval
    counts people, not answers (one person's answers to several items are not independent). Groups where
    nobody answered the set are left out."""
    sets = [keys for keys in key_sets if keys]
    found: list[list[RespondentShares]] = [[] for _ in key_sets]
    if not sets:
        return found
    width = len(_group_columns(by))
    where = [index for index, keys in enumerate(key_sets) if keys]
    for row in session.execute(respondent_top2_query(survey_id, sets, fiscal_year, by)).all():
        for position, index in enumerate(where):
            n, total, squares, most = row[width + 4 * position : width + 4 * position + 4]
            if n:
                found[index].append(
                    RespondentShares(
                        tuple(row[:width]), Moments(int(n), float(total or 0), float(squares or 0)), int(most or 0)
                    )
                )
    return found

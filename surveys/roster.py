"""Rosters: the people a staff target covers (executives, council members, staff — with or without a
console account), and census judgement on them; and the retakes a manager allows.

A survey with a roster is a census: its target is judged on the roster, not on a sample. Each rostered
person's answer for the fiscal year (answering again revises it, so it is the latest) counts; those who
have not answered are listed by name. With `t` the target:
- pass_share: met when passed ÷ size ≥ t even if nobody else answers; not_met when (passed + missing) ÷
  size < t even if everyone missing passed; else not_yet_provable. 40 of 40 compliant at t = 100 is met,
  39 of 40 (one missing) is not_yet_provable, anyone failing is not_met.
- mean_percent: the same bounds on the roster's mean score, counting the missing as 0 and as 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint, and_, delete, func, literal, select
from sqlmodel import Field, Session, SQLModel, col

from surveys.definition import Definition
from surveys.models import ResponseStatus, Survey, SurveyAnswer, SurveyResponse
from surveys.types import UTCDateTime

MAX_MEMBERS = 500


class RosterGroup(StrEnum):
    EXECUTIVE = "executive"
    COUNCIL = "council"
    STAFF = "staff"


class RosterError(ValueError):
    """A roster the rules refuse (Thai message)."""


class SurveyRosterMember(SQLModel, table=True):
    __tablename__ = "survey_roster_member"
    __table_args__ = (UniqueConstraint("survey_id", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(sa_column=Column(Integer, ForeignKey("survey.id", ondelete="CASCADE"), nullable=False,
                                            index=True))
    position: int
    name: str = Field(sa_type=String(200))
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    group: str = Field(sa_type=String(16))
    reminded_fiscal_year: int | None = None  # the year this person was last reminded to answer


class SurveyRetake(SQLModel, table=True):
    """A manager's permission for one more scored attempt by one staff member in one fiscal year."""

    __tablename__ = "survey_retake"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    staff_id: int = Field(foreign_key="staff_member.id")
    fiscal_year: int
    allowed_at: datetime = Field(sa_type=UTCDateTime)
    allowed_by_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


@dataclass(frozen=True)
class Member:
    name: str
    staff_id: int | None
    group: RosterGroup


def members(session: Session, survey: Survey) -> list[SurveyRosterMember]:
    query = select(SurveyRosterMember).where(col(SurveyRosterMember.survey_id) == survey.id).order_by(
        col(SurveyRosterMember.position))
    return list(session.scalars(query).all())


def replace(session: Session, survey: Survey, given: list[Member]) -> list[SurveyRosterMember]:
    """The whole roster, replaced; checked in full first. Never commits."""
    if len(given) > MAX_MEMBERS:
        raise RosterError(f"รายชื่อได้ไม่เกิน {MAX_MEMBERS} คน")
    seen: set[int] = set()
    for member in given:
        if not member.name.strip():
            raise RosterError("ทุกคนในรายชื่อต้องมีชื่อ")
        if member.staff_id is not None:
            if member.staff_id in seen:
                raise RosterError(f"staff_id {member.staff_id} ซ้ำในรายชื่อ")
            seen.add(member.staff_id)
    session.execute(delete(SurveyRosterMember).where(col(SurveyRosterMember.survey_id) == survey.id))
    rows = [SurveyRosterMember(survey_id=survey.id or 0, position=i, name=m.name.strip(), staff_id=m.staff_id,
                               group=m.group) for i, m in enumerate(given)]
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True)
class Census:
    size: int
    answered: int
    passed: int
    missing: list[str]
    value: float | None  # the roster's figure so far: pass share or mean score, in percent of those answered
    status: str


def census(session: Session, survey: Survey, definition: Definition, fiscal_year: int) -> Census | None:
    """The roster's standing for a fiscal year; None when the survey has no roster."""
    roster = members(session, survey)
    if not roster:
        return None
    scores = _scores(session, survey, fiscal_year, [m.staff_id for m in roster if m.staff_id is not None])
    pass_mark = definition.pass_mark if definition.pass_mark is not None else 100.0
    answered = [scores[m.staff_id] for m in roster if m.staff_id in scores]
    missing = [m.name for m in roster if m.staff_id not in scores]
    size = len(roster)
    passed = sum(1 for s in answered if s >= pass_mark - 1e-9)
    if survey.official_method == "mean_percent":
        low, high = sum(answered) / size, (sum(answered) + 100 * len(missing)) / size
        value = sum(answered) / len(answered) if answered else None
    else:
        low, high = 100 * passed / size, 100 * (passed + len(missing)) / size
        value = 100 * passed / len(answered) if answered else None
    target = survey.target
    status = "met" if low >= target - 1e-9 else "not_met" if high < target - 1e-9 else "not_yet_provable"
    return Census(size=size, answered=len(answered), passed=passed, missing=missing, value=value, status=status)


def _scores(session: Session, survey: Survey, fiscal_year: int, staff_ids: list[int]) -> dict[int, float]:
    """Each staff member's percent score (share of scored answers right) in their response of the year."""
    if not staff_ids:
        return {}
    answer, response = SurveyAnswer.__table__, SurveyResponse.__table__  # type: ignore[attr-defined]
    percent = literal(100.0) * func.sum(answer.c.score) / func.count(answer.c.score)
    query = (
        select(response.c.staff_id, percent)
        .select_from(response.join(answer, answer.c.response_id == response.c.id))
        .where(and_(response.c.survey_id == survey.id, response.c.fiscal_year == fiscal_year,
                    response.c.status == ResponseStatus.COMPLETE, response.c.staff_id.in_(staff_ids),
                    answer.c.score.is_not(None)))
        .group_by(response.c.id, response.c.staff_id)
    )
    return {int(staff_id): float(score) for staff_id, score in session.execute(query).all()}


def has_answered(session: Session, survey: Survey, staff_id: int, fiscal_year: int) -> bool:
    query = select(func.count()).select_from(SurveyResponse).where(
        col(SurveyResponse.survey_id) == survey.id, col(SurveyResponse.staff_id) == staff_id,
        col(SurveyResponse.fiscal_year) == fiscal_year, col(SurveyResponse.status) == ResponseStatus.COMPLETE)
    return bool(session.execute(query).scalar_one())


def allow_retake(session: Session, survey: Survey, staff_id: int, fiscal_year: int, now: datetime,
                 allowed_by: int | None) -> SurveyRetake:
    retake = SurveyRetake(survey_id=survey.id or 0, staff_id=staff_id, fiscal_year=fiscal_year, allowed_at=now,
                          allowed_by_staff_id=allowed_by)
    session.add(retake)
    session.flush()
    return retake


def use_retake(session: Session, survey: Survey, staff_id: int, fiscal_year: int, now: datetime) -> bool:
    """Consume one unused retake permission; False when there is none."""
    query = select(SurveyRetake).where(
        col(SurveyRetake.survey_id) == survey.id, col(SurveyRetake.staff_id) == staff_id,
        col(SurveyRetake.fiscal_year) == fiscal_year, col(SurveyRetake.used_at).is_(None)).limit(1)
    retake = session.scalars(query).first()
    if retake is None:
        return False
    retake.used_at = now
    return True

"""Survey tables: surveys and their versions, responses (one per respondent, survey and period), answers.

Residents and staff are referred to by table name only (`resident.id`, `staff_member.id`): the
tables share one metadata with `bot`, but this package never imports it.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Float, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from surveys.definition import Definition, parse_definition
from surveys.types import UTCDateTime


class SurveyStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Channel(StrEnum):
    LINE = "line"
    PAPER = "paper"  # entered by an officer from a paper form
    WEB = "web"
    STAFF = "staff"  # a staff member answering a staff quiz or self-assessment


class ResponseStatus(StrEnum):
    IN_PROGRESS = "in_progress"  # being answered in LINE; not counted
    COMPLETE = "complete"


class Survey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(48), unique=True, nullable=False))
    title: str = Field(sa_type=String(300))
    audience: str = Field(sa_type=String(16))
    kind: str = Field(sa_type=String(16))
    anonymous: bool = False
    status: str = Field(default=SurveyStatus.DRAFT, sa_type=String(16))
    opens_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    official_method: str = Field(sa_type=String(16))
    target: float
    version: int = 1
    # Salt of anonymous respondents' links: the hash stops duplicates without storing who answered.
    salt: str = Field(sa_type=String(64))
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)

    def accepts_answers(self, now: datetime) -> bool:
        """Open, and inside its dates when it has them."""
        return (
            self.status == SurveyStatus.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


class SurveyVersion(SQLModel, table=True):
    """Every definition a survey has had; answers keep the version they were given under."""

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id")
    version: int
    definition: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)

    def parsed(self) -> Definition:
        return parse_definition(json.loads(self.definition))


class SurveyResponse(SQLModel, table=True):
    __tablename__ = "survey_response"
    __table_args__ = (
        UniqueConstraint("survey_id", "fiscal_year", "respondent_key"),
        Index("ix_survey_response_summary", "survey_id", "status", "fiscal_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id")
    version: int
    # "resident:12", "staff:3", "paper:<random>", or for anonymous surveys a salted hash of the resident.
    respondent_key: str = Field(sa_type=String(80))
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)  # None if anonymous
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    entered_by_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    channel: str = Field(sa_type=String(16))
    status: str = Field(sa_type=String(16))
    village_no: int | None = None
    fiscal_year: int  # the period (B.E.), and the breakdown keys below, fixed when the response starts
    quarter: int
    month: int
    link_type: str | None = Field(default=None, sa_type=String(32))  # e.g. "complaint"
    link_id: str | None = Field(default=None, sa_type=String(64))  # e.g. "C2570-00042"
    started_at: datetime = Field(sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SurveyAnswer(SQLModel, table=True):
    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(sa_column=Column(ForeignKey("survey_response.id", ondelete="CASCADE"), nullable=False))
    question_key: str = Field(sa_type=String(48))
    score: int | None = Field(default=None, sa_type=SmallInteger)  # level 1–5, or 1/0 right/wrong: what is scored
    number: float | None = Field(default=None, sa_type=Float)
    text: str | None = Field(default=None, sa_column=Column(Text))  # text, choice key, or choice keys "a,b"


class PendingRating(SQLModel, table=True):
    """A linked 1–5 rating given while its survey was missing, a draft or closed: kept (a resident's rating is
    never dropped) and counted once, as the record's response, when the survey takes answers."""

    __tablename__ = "survey_pending_rating"
    __table_args__ = (UniqueConstraint("survey_key", "link_type", "link_id"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_key: str = Field(sa_type=String(48), index=True)
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    village_no: int | None = None
    score: int = Field(sa_type=SmallInteger)
    link_type: str = Field(sa_type=String(32))
    link_id: str = Field(sa_type=String(64))
    rated_at: datetime = Field(sa_type=UTCDateTime)


class PlanIndicator(SQLModel, table=True):
    """Managers' record of the plan's indicators for one fiscal year (part 1 §4 of the plan)."""

    __tablename__ = "plan_indicator"

    fiscal_year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    ita_score: float | None = None
    corruption_cases: int | None = None
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")

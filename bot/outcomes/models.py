"""Counts staff enter for years the system did not see (the FY 2565 baseline above all)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import String
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from bot.db import Count, UTCDateTime


class OutcomeCount(SQLModel, table=True):
    __tablename__ = "outcome_count"

    fiscal_year: int = SQLField(primary_key=True, sa_column_kwargs={"autoincrement": False})
    indicator: str = SQLField(sa_type=String(24), primary_key=True)
    count: int
    recorded_at: datetime = SQLField(sa_type=UTCDateTime)
    recorded_by_staff_id: int | None = SQLField(default=None, foreign_key="staff_member.id")


class OutcomeCountsIn(BaseModel):
    """A past year's counts, from the office's records (None leaves a figure as it was)."""

    bribery: Count | None = None
    procurement: Count | None = None
    staff_conduct: Count | None = None
    corruption_cases: Count | None = None


class OutcomeRow(BaseModel):
    indicator: str = Field(description="bribery | procurement | staff_conduct | corruption_cases")
    title: str
    plan_measure: int | None
    fiscal_year: int
    count: int
    previous_count: int | None
    baseline_count: int | None
    change_percent: float | None = Field(
        description="corruption_cases: against FY 2565; the others: against the previous year"
    )
    target: float | str | None = Field(description='0 (bribery), "falling", or the most cases allowed')
    target_reduction_percent: int | None = None
    status: str = Field(description="met | not_met | not_yet_provable")
    recorded: bool = Field(description="the count was entered by staff, not counted live")

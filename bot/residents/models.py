"""Residents and the record of their PDPA consent decisions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from bot.db import UTCDateTime


class FollowStatus(StrEnum):
    FOLLOWING = "following"
    BLOCKED = "blocked"  # unfollowed / blocked us: nothing is sent to them
    ERASED = "erased"  # asked us to erase their data: identifiers removed


class Resident(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Null once the resident's data is erased; the row stays so that case records keep a reference.
    line_user_id: str | None = Field(default=None, sa_column=Column(String(64), unique=True, nullable=True))
    status: str = Field(default=FollowStatus.FOLLOWING, sa_type=String(16))
    created_at: datetime = Field(sa_type=UTCDateTime)
    followed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unfollowed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_version: str | None = Field(default=None, sa_type=String(32))
    consented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    village_no: int | None = None
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def can_receive(self) -> bool:
        return self.status == FollowStatus.FOLLOWING and self.line_user_id is not None


class ConsentDecision(StrEnum):
    GIVEN = "given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ConsentRecord(SQLModel, table=True):
    """Append-only history of what each resident agreed to, under which notice version, and when."""

    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    notice_version: str = Field(sa_type=String(32))
    decision: str = Field(sa_type=String(16))
    at: datetime = Field(sa_type=UTCDateTime)


class ResidentRead(BaseModel):
    id: int
    status: str
    created_at: datetime
    consent_version: str | None
    consented_at: datetime | None
    village_no: int | None

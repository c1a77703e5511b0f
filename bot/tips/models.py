"""Tips, their timeline and evidence: separate tables from complaints, the reporter sealed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import BigInteger, Column, String, Text
from sqlmodel import Field, SQLModel

from bot.db import UTCDateTime


class TipStatus(StrEnum):
    RECEIVED = "received"
    INVESTIGATING = "investigating"
    REFERRED = "referred"  # to the NACC, the police or another competent body
    SUBSTANTIATED = "substantiated"
    UNSUBSTANTIATED = "unsubstantiated"
    CLOSED = "closed"


TIP_DONE = frozenset({TipStatus.SUBSTANTIATED, TipStatus.UNSUBSTANTIATED, TipStatus.REFERRED, TipStatus.CLOSED})


class Tip(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(16), unique=True, nullable=False))
    fiscal_year: int = Field(index=True)
    status: str = Field(default=TipStatus.RECEIVED, sa_type=String(16), index=True)
    anonymous: bool = True
    # Fernet token of {"line_user_id", "name", "phone"}: only the sealer's key opens it.
    reporter_sealed: str = Field(sa_column=Column(Text, nullable=False))
    what: str = Field(sa_type=Text)
    who: str | None = Field(default=None, sa_type=Text)
    when_text: str | None = Field(default=None, sa_type=String(300))
    where_text: str | None = Field(default=None, sa_type=String(300))
    latitude: float | None = None
    longitude: float | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    handle_by: datetime = Field(sa_type=UTCDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    flagged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    type: str | None = Field(default=None, sa_type=String(32), index=True)  # org file tip_types; officer-classified


class TipUpdate(SQLModel, table=True):
    __tablename__ = "tip_update"

    id: int | None = Field(default=None, primary_key=True)
    tip_id: int = Field(foreign_key="tip.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    status_from: str | None = Field(default=None, sa_type=String(16))
    status_to: str | None = Field(default=None, sa_type=String(16))
    public_note: str | None = Field(default=None, sa_type=Text)
    internal_note: str | None = Field(default=None, sa_type=Text)
    actor_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    actor: str = Field(sa_type=String(200))


class TipEvidence(SQLModel, table=True):
    """A photo attached to a tip; its bytes and state are in `media` (bot.media), which names no one."""

    __tablename__ = "tip_evidence"

    id: int | None = Field(default=None, primary_key=True)  # in the officers' evidence URLs
    tip_id: int = Field(foreign_key="tip.id", index=True)
    media_id: int = Field(foreign_key="media.id", unique=True, index=True, sa_type=BigInteger)


class TipTransitionIn(BaseModel):
    status: TipStatus
    public_note: str | None = PydanticField(default=None, max_length=2000)
    internal_note: str | None = PydanticField(default=None, max_length=4000)


class TipUpdateOut(BaseModel):
    at: datetime
    status_from: str | None
    status_to: str | None
    public_note: str | None
    internal_note: str | None
    actor: str


class TipOut(BaseModel):
    code: str
    fiscal_year: int
    status: str
    anonymous: bool
    what: str
    who: str | None
    when_text: str | None
    where_text: str | None
    latitude: float | None
    longitude: float | None
    created_at: datetime
    handle_by: datetime
    handled_at: datetime | None
    flagged: bool
    closed_at: datetime | None
    type: str | None = None


class Reporter(BaseModel):
    name: str | None
    phone: str | None
    reachable_in_line: bool


class TipDetail(TipOut):
    timeline: list[TipUpdateOut]
    evidence_ids: list[int]
    reporter: Reporter | None = None  # only with ?reveal_reporter=true, never for anonymous tips


class TipTypeIn(BaseModel):
    type: str = PydanticField(min_length=1, max_length=32)
    reason: str | None = PydanticField(default=None, max_length=500)

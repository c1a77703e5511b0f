"""Inquiries to the information centre: questions, requests for official information, suggestions
and praise/criticism, with the promised answer date, the answer and the asker's rating."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.db import UTCDateTime


class InquiryKind(StrEnum):
    QUESTION = "question"  # สอบถาม
    INFORMATION_REQUEST = "information_request"  # ขอข้อมูลข่าวสาร (พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540)
    SUGGESTION = "suggestion"  # เสนอแนะ
    FEEDBACK = "feedback"  # ติชม


class InquiryStatus(StrEnum):
    RECEIVED = "received"
    ANSWERED = "answered"


class InquiryChannel(StrEnum):
    LINE = "line"
    PHONE = "phone"
    WALK_IN = "walk_in"
    LETTER = "letter"
    EMAIL = "email"
    WEB = "web"


class Inquiry(SQLModel, table=True):
    __table_args__ = (Index("ix_inquiry_fy_kind", "fiscal_year", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(16), unique=True, nullable=False))
    fiscal_year: int = Field(index=True)
    kind: str = Field(sa_type=String(24))
    channel: str = Field(default=InquiryChannel.LINE, sa_type=String(16))
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    contact_name: str | None = Field(default=None, sa_type=String(200))  # staff-recorded inquiries
    phone: str | None = Field(default=None, sa_type=String(20))
    text: str = Field(sa_type=Text)
    status: str = Field(default=InquiryStatus.RECEIVED, sa_type=String(16), index=True)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    due_at: datetime = Field(sa_type=UTCDateTime)  # the promised answer date, end of that Thai day
    recorded_by_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    answer_text: str | None = Field(default=None, sa_type=Text)
    answer_attachments_url: str | None = Field(default=None, sa_type=String(500))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    rating: int | None = None  # 1–5, information-centre satisfaction
    rated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InquiryIn(BaseModel):
    """An inquiry staff record from a walk-in, a phone call, a letter or an e-mail."""

    kind: InquiryKind
    channel: InquiryChannel
    text: str = PydanticField(min_length=1, max_length=5000)
    contact_name: str | None = PydanticField(default=None, max_length=200)
    phone: str | None = PydanticField(default=None, max_length=20)


class AnswerIn(BaseModel):
    text: str = PydanticField(min_length=1, max_length=4500)
    attachments_url: str | None = PydanticField(default=None, max_length=500, pattern=r"^https?://\S+$")


class InquiryOut(BaseModel):
    code: str
    fiscal_year: int
    kind: str
    channel: str
    status: str
    text: str
    contact_name: str | None
    phone: str | None
    created_at: datetime
    due_at: datetime
    overdue: bool
    answer_text: str | None
    answer_attachments_url: str | None
    answered_at: datetime | None
    answered_on_time: bool | None
    rating: int | None

"""One tracking PIN per case code; the PIN itself is never stored, only a salted scrypt hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from bot.db import UTCDateTime


class TrackingPin(SQLModel, table=True):
    __tablename__ = "tracking_pin"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(16), unique=True, nullable=False))  # C2570-00042 or T2570-00003
    record_type: str = Field(sa_type=String(16))  # "complaint" or "tip"
    pin_hash: str = Field(sa_type=String(160))  # scrypt$<salt hex>$<hash hex>
    created_at: datetime = Field(sa_type=UTCDateTime)

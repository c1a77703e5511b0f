"""Photos residents send: checked to be real images of sane size, re-encoded without metadata, and kept in
one table whichever case they belong to (each domain's table refers to its rows by `media_id`)."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from PIL import Image, UnidentifiedImageError
from sqlalchemy import BigInteger, Column, LargeBinary, String
from sqlmodel import Field, Session, SQLModel, col, select

from bot.db import UTCDateTime

if TYPE_CHECKING:
    from bot.runtime import Runtime

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs out


class PhotoRefused(ValueError):
    """Not an image we accept, or too large; `reason` is a short Thai phrase for the resident."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    sha256: str
    original_sha256: str


def clean_photo(raw: bytes, max_bytes: int) -> CleanPhoto:
    """Verify and re-encode a photo so that GPS position, camera and other metadata never reach staff."""
    if len(raw) > max_bytes:
        raise PhotoRefused(f"ไฟล์ใหญ่เกิน {max_bytes // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        if image.format not in ACCEPTED_FORMATS:
            raise PhotoRefused("ไม่ใช่ไฟล์ภาพที่รองรับ")
        if image.width * image.height > MAX_PIXELS:
            raise PhotoRefused("ภาพมีขนาดใหญ่เกินไป")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise PhotoRefused("ไม่ใช่ไฟล์ภาพ") from error
    pixels = image.convert("RGB")  # drops EXIF/GPS, ICC and text chunks: only pixels are kept
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=88, optimize=True)
    data = out.getvalue()
    return CleanPhoto(data, "image/jpeg", hashlib.sha256(data).hexdigest(), hashlib.sha256(raw).hexdigest())


GONE = "LINE ไม่มีไฟล์นี้แล้ว"  # why a photo LINE no longer holds was not kept


class MediaStatus(StrEnum):
    PENDING = "pending"  # to be fetched from LINE's content API
    STORED = "stored"
    REFUSED = "refused"  # not an image, too large, or gone from LINE


def new_media_id() -> int:
    """Random, not a sequence: in id order a tip's evidence would sit among residents' complaint photos,
    dating it to the minute (tip rows keep only the hour)."""
    return secrets.randbelow(2**62) + 1


class MediaFile(SQLModel, table=True):
    """One photo. It names no resident and no case: only the case's own table knows whose it is."""

    __tablename__ = "media"

    id: int = Field(
        default_factory=new_media_id, primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    line_message_id: str | None = Field(default=None, sa_type=String(32))  # until fetched, then forgotten
    status: str = Field(default=MediaStatus.PENDING, sa_type=String(16), index=True)
    content_type: str | None = Field(default=None, sa_type=String(32))
    size: int | None = None
    sha256: str | None = Field(default=None, sa_type=String(64))
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary))  # re-encoded: no GPS/EXIF
    error: str | None = Field(default=None, sa_type=String(200))
    created_at: datetime = Field(sa_type=UTCDateTime)


def awaiting(line_message_id: str, now: datetime) -> MediaFile:
    """A photo sent in LINE, its bytes still to be fetched (`pending`, then `settle`)."""
    return MediaFile(line_message_id=line_message_id, created_at=now)


def kept(clean: CleanPhoto, now: datetime) -> MediaFile:
    """A photo already checked and re-encoded (an upload from the web)."""
    return MediaFile(
        status=MediaStatus.STORED,
        content_type=clean.content_type,
        size=len(clean.data),
        sha256=clean.sha256,
        data=clean.data,
        created_at=now,
    )


def stored(session: Session, media_id: int) -> MediaFile | None:
    """The photo if its bytes are kept (not pending, not refused)."""
    file = session.get(MediaFile, media_id)
    return file if file is not None and file.status == MediaStatus.STORED else None


def pending(session: Session, limit: int = 10) -> list[tuple[int, str]]:
    """(media id, LINE message id) of photos whose bytes are still at LINE, oldest first."""
    query = (
        select(MediaFile.id, MediaFile.line_message_id)
        .where(MediaFile.status == MediaStatus.PENDING, col(MediaFile.line_message_id).is_not(None))
        .order_by(col(MediaFile.created_at), col(MediaFile.id))
        .limit(limit)
    )
    return [(media_id, message_id) for media_id, message_id in session.exec(query).all() if message_id]


def settle(session: Session, media_id: int, raw: bytes | None, max_bytes: int) -> str | None:
    """Keep the bytes LINE gave for a pending photo (None: it no longer has them), cleaned, or refuse them.
    Returns the reason for the resident when the photo itself was refused (not when LINE lost it)."""
    file = session.get(MediaFile, media_id)
    if file is None or file.status != MediaStatus.PENDING:
        return None
    file.line_message_id = None  # LINE's message ids rise with time: no longer needed, not kept
    if raw is None:
        file.status, file.error = MediaStatus.REFUSED, GONE
        return None
    try:
        clean = clean_photo(raw, max_bytes)
    except PhotoRefused as refused:
        file.status, file.error, file.size = MediaStatus.REFUSED, refused.reason, len(raw)
        return refused.reason
    file.status, file.data, file.sha256 = MediaStatus.STORED, clean.data, clean.sha256
    file.content_type, file.size = clean.content_type, len(clean.data)
    return None


# A domain telling whoever sent a photo why it was not kept: (session, media id, reason, runtime, now).
# Each looks the media id up in its own table and does nothing for another domain's photo;
# `bot.main.PHOTO_REFUSED` lists them all, so the LINE adapter imports no domain.
RefusalHook = Callable[[Session, int, str, "Runtime", datetime], None]

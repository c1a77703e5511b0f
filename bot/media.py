"""Photos residents send: checked to be real images of sane size, re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session

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


@dataclass(frozen=True)
class MediaHandler:
    """One domain's photos awaiting their bytes from LINE; the LINE adapter fetches, the domain keeps.

    `pending` lists (row id, LINE message id); `settle` is given the bytes, or None when LINE no longer has
    them. `bot.main.MEDIA_HANDLERS` lists every domain's, so the adapter imports no domain.
    """

    kind: str
    pending: Callable[[Session], list[tuple[int, str]]]
    settle: Callable[[Session, int, bytes | None, Runtime, datetime], None]

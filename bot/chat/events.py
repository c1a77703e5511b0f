"""What the chat engine sees of a LINE event: a small, SDK-free description of one turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    TEXT = "text"
    POSTBACK = "postback"
    LOCATION = "location"
    IMAGE = "image"
    STICKER = "sticker"
    OTHER_MESSAGE = "other_message"  # video, audio, file …: acknowledged politely


@dataclass(frozen=True)
class Incoming:
    kind: EventKind
    user_id: str
    at: datetime
    reply_token: str | None = None
    text: str | None = None
    postback_data: str | None = None
    postback_params: dict[str, Any] | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    message_id: str | None = None
    unblocked: bool = False

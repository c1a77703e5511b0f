"""Screening webhook input before anything is stored: bounded parsing, and per-event checks.

A signed body can still carry data our store or code would choke on (a timestamp past 64 bits, NUL
or a lone surrogate in an id, JSON nested 50,000 levels). Every such problem is permanent — LINE
would redeliver the same bytes forever — so a bad event is set aside with its reason (quarantined)
and its neighbours go on. Free text is cleaned; identifiers must be well-formed or the event is
quarantined.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

MAX_EVENT_DEPTH = 16  # LINE's deepest event (a message with mentionees or emojis) is about 5
MAX_STRING_CHARS = 20_000  # LINE's longest field, a text message, is 5,000 characters
MAX_TIMESTAMP_MS = 253_402_300_799_999  # 9999-12-31: beyond it no datetime, and no sense
MAX_INTEGER = 2**53  # every integer LINE sends fits a JSON-safe integer
ID = re.compile(r"[A-Za-z0-9_\-]{1,64}")
TYPE = re.compile(r"[A-Za-z]{1,40}")
MODES = {"active", "standby"}
TOO_DEEP = "__tambon_too_deep__"  # stands in for an event nested past MAX_EVENT_DEPTH
_UNSAFE = re.compile(r"[\x00\ud800-\udfff]")


class NotJsonError(ValueError):
    """The body is not JSON at all."""


class Rejected(ValueError):
    """One event we will never process; the message is the quarantine reason."""


@dataclass(frozen=True)
class Screened:
    """An event fit to store: its fields, bounded and clean, and the cleaned event itself."""

    event_id: str
    event_type: str
    source_key: str
    user_id: str | None
    mode: str
    is_redelivery: bool
    timestamp: int
    event: dict[str, Any]


def parse(body: bytes) -> Any:
    """The body as JSON; events nested too deep are replaced by a marker (never a RecursionError)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotJsonError("body is not UTF-8") from error
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        pass
    except ValueError as error:
        raise NotJsonError("body is not JSON") from error
    try:
        return json.loads(_flatten_deep(text), parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise NotJsonError("body is not JSON") from error


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _flatten_deep(text: str) -> str:
    """Replace every value that sits two containers down (an element of `events`) and nests deeper
    than allowed by a marker string; everything else is kept byte for byte. Linear, no recursion."""
    out: list[str] = []
    depth, start, deepest, kept, in_string, escaped = 0, -1, 0, 0, False, False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth == 3:
                start, deepest = index, 3
            deepest = max(deepest, depth)
        elif char in "]}":
            if depth == 3 and start >= 0 and deepest - 2 > MAX_EVENT_DEPTH:
                out.append(text[kept:start])
                out.append(json.dumps(TOO_DEEP))
                kept = index + 1
            depth -= 1
    out.append(text[kept:])
    return "".join(out)


def digest(event: Any) -> str:
    """A stable fingerprint of an event, so a redelivered bad event is quarantined once."""
    return hashlib.sha256(excerpt(event, 1_000_000).encode("ascii")).hexdigest()


def excerpt(event: Any, limit: int = 4000) -> str:
    """The event as ASCII-only JSON (NUL and surrogates escaped, so any database takes it), cut short."""
    try:
        return json.dumps(event, ensure_ascii=True, sort_keys=True, default=str)[:limit]
    except (ValueError, RecursionError):
        return json.dumps(repr(event)[:limit])[:limit]


def sender(event: Any) -> str | None:
    """The LINE user id of a bad event's sender, when it can be told (NUL and surrogates dropped, as a
    resident's real id never holds them), so that their erasure can find what the quarantine keeps."""
    source = event.get("source") if isinstance(event, dict) else None
    user_id = source.get("userId") if isinstance(source, dict) else None
    if not isinstance(user_id, str):
        return None
    cleaned = _UNSAFE.sub("", user_id[:200])
    return cleaned if ID.fullmatch(cleaned) else None


def screen(event: Any) -> Screened:
    """Check one event; Rejected (with the reason) for anything we must never process."""
    if event == TOO_DEEP:
        raise Rejected(f"nested deeper than {MAX_EVENT_DEPTH} levels")
    if not isinstance(event, dict):
        raise Rejected("event is not an object")
    event_id = _identifier(event.get("webhookEventId"), "webhookEventId")
    event_type = event.get("type")
    if not isinstance(event_type, str) or not TYPE.fullmatch(event_type):
        raise Rejected("type missing or not a word of letters")
    timestamp = event.get("timestamp")
    if not isinstance(timestamp, int) or isinstance(timestamp, bool) or not 0 <= timestamp <= MAX_TIMESTAMP_MS:
        raise Rejected("timestamp missing or out of range")
    mode = event.get("mode", "active")
    if mode not in MODES:
        raise Rejected("mode is neither active nor standby")
    source = event.get("source", {})
    if not isinstance(source, dict):
        raise Rejected("source is not an object")
    ids = {key: _identifier(source[key], f"source.{key}") for key in ("userId", "groupId", "roomId") if key in source}
    if "replyToken" in event:
        _identifier(event["replyToken"], "replyToken")
    delivery = event.get("deliveryContext", {})
    if not isinstance(delivery, dict) or not isinstance(delivery.get("isRedelivery", False), bool):
        raise Rejected("deliveryContext.isRedelivery is not a boolean")
    cleaned = _clean(event, 1)
    user_id = ids.get("userId")
    return Screened(
        event_id=event_id,
        event_type=event_type,
        source_key=ids.get("groupId") or ids.get("roomId") or user_id or "unknown",
        user_id=user_id,
        mode=mode,
        is_redelivery=delivery.get("isRedelivery", False),
        timestamp=timestamp,
        event=cleaned,
    )


def _identifier(value: Any, name: str) -> str:
    if not isinstance(value, str) or not ID.fullmatch(value):
        raise Rejected(f"{name} missing or not 1–64 letters, digits, '-' or '_'")
    return value


def _clean(value: Any, depth: int) -> Any:
    """A copy with strings cleaned (NUL dropped, lone surrogates → U+FFFD) and every size bounded."""
    if depth > MAX_EVENT_DEPTH:
        raise Rejected(f"nested deeper than {MAX_EVENT_DEPTH} levels")
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            raise Rejected(f"a string longer than {MAX_STRING_CHARS} characters")
        return _UNSAFE.sub(lambda match: "" if match.group() == "\x00" else "\ufffd", value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Rejected("a number out of range")
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if not -MAX_INTEGER <= value <= MAX_INTEGER:
            raise Rejected("an integer out of range")
        return value
    if isinstance(value, list):
        return [_clean(item, depth + 1) for item in value]
    return {_clean(key, depth + 1): _clean(item, depth + 1) for key, item in value.items()}

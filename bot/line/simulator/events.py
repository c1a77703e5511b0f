"""Webhook bodies shaped exactly as LINE sends them (see shared/line-platform/webhook-samples)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_user_id() -> str:
    return "U" + secrets.token_hex(16)


def new_event_id() -> str:
    """A 26-character ULID, as LINE's `webhookEventId`."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def new_message_id() -> str:
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def event(
    kind: str,
    user_id: str,
    *,
    reply_token: str | None = None,
    timestamp_ms: int | None = None,
    event_id: str | None = None,
    mode: str = "active",
    redelivery: bool = False,
    **content: Any,
) -> dict[str, Any]:
    """One event: kind is follow, unfollow, text, postback, location, image or sticker."""
    body: dict[str, Any] = {
        "type": "message",
        "webhookEventId": event_id or new_event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
        "timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "mode": mode,
    }
    if kind != "unfollow":
        body["replyToken"] = reply_token or secrets.token_hex(16)
    if kind == "follow":
        body.update(type="follow", follow={"isUnblocked": bool(content.get("unblocked", False))})
    elif kind == "unfollow":
        body["type"] = "unfollow"
    elif kind == "postback":
        postback: dict[str, Any] = {"data": content["data"]}
        if content.get("params"):
            postback["params"] = content["params"]
        body.update(type="postback", postback=postback)
    elif kind == "text":
        body["message"] = {
            "type": "text",
            "id": new_message_id(),
            "quoteToken": secrets.token_hex(16),
            "text": content["text"],
        }
    elif kind == "location":
        body["message"] = {
            "type": "location",
            "id": new_message_id(),
            "title": content.get("title", "ตำแหน่ง"),
            "address": content.get("address", ""),
            "latitude": content["latitude"],
            "longitude": content["longitude"],
        }
    elif kind == "image":
        body["message"] = {
            "type": "image",
            "id": content.get("message_id") or new_message_id(),
            "quoteToken": secrets.token_hex(16),
            "contentProvider": {"type": "line"},
        }
    elif kind == "sticker":
        body["message"] = {
            "type": "sticker",
            "id": new_message_id(),
            "quoteToken": secrets.token_hex(16),
            "packageId": "446",
            "stickerId": "1988",
            "stickerResourceType": "STATIC",
        }
    else:
        raise ValueError(f"unknown simulated event kind {kind!r}")
    return body


def body(events: list[dict[str, Any]], destination: str) -> bytes:
    """The POST body, serialised once: the signature is computed over exactly these bytes."""
    return json.dumps({"destination": destination, "events": events}, ensure_ascii=False).encode()

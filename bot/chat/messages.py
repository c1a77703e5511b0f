"""Builders for LINE message objects (plain JSON dicts), with LINE's limits checked up front.

Dialogs build messages here; the LINE adapter turns them into SDK models when sending. Limits are
LINE's documented ones, so a message that would be refused is caught when it is written, not sent.
"""

from __future__ import annotations

from typing import Any

Message = dict[str, Any]
Action = dict[str, Any]

MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_CHARS = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_ACTION_LABEL = 20
MAX_ALT_TEXT = 400
MAX_POSTBACK_DATA = 300
MAX_BUTTONS_ACTIONS = 4
MAX_BUTTONS_TEXT = 160
MAX_BUTTONS_TEXT_WITH_TITLE = 60
MAX_BUTTONS_TITLE = 40
MAX_CONFIRM_TEXT = 240
MAX_MULTICAST_RECIPIENTS = 500


class MessageLimitError(ValueError):
    """A message breaks one of LINE's limits."""


def _label(label: str) -> str:
    if not label or len(label) > MAX_ACTION_LABEL:
        raise MessageLimitError(f"action label must be 1–{MAX_ACTION_LABEL} characters: {label!r}")
    return label


def postback(label: str, data: str, display_text: str | None = None) -> Action:
    """A button that sends `data` back to us (and shows `display_text` in the chat as if typed)."""
    if len(data) > MAX_POSTBACK_DATA:
        raise MessageLimitError(f"postback data over {MAX_POSTBACK_DATA} characters")
    action: Action = {"type": "postback", "label": _label(label), "data": data}
    if display_text:
        action["displayText"] = display_text[:300]
    return action


def say(label: str, text: str | None = None) -> Action:
    """A button that types `text` (default: the label) for the resident."""
    return {"type": "message", "label": _label(label), "text": text or label}


def uri(label: str, link: str) -> Action:
    if not link.startswith(("https://", "http://", "tel:", "line://")):
        raise MessageLimitError(f"unsupported link scheme: {link!r}")
    return {"type": "uri", "label": _label(label), "uri": link}


def share_location(label: str = "ส่งตำแหน่ง") -> Action:
    return {"type": "location", "label": _label(label)}


def camera(label: str = "ถ่ายรูป") -> Action:
    return {"type": "camera", "label": _label(label)}


def camera_roll(label: str = "เลือกรูป") -> Action:
    return {"type": "cameraRoll", "label": _label(label)}


def text(body: str, quick: list[Action] | None = None) -> Message:
    """A text message, optionally with quick-reply buttons under it."""
    if not body.strip():
        raise MessageLimitError("empty text message")
    if len(body) > MAX_TEXT_CHARS:
        raise MessageLimitError(f"text over {MAX_TEXT_CHARS} characters")
    message: Message = {"type": "text", "text": body}
    if quick:
        if len(quick) > MAX_QUICK_REPLY_ITEMS:
            raise MessageLimitError(f"more than {MAX_QUICK_REPLY_ITEMS} quick replies")
        message["quickReply"] = {"items": [{"type": "action", "action": a} for a in quick]}
    return message


def buttons(alt_text: str, body: str, actions: list[Action], title: str | None = None) -> Message:
    """A buttons template: a short text with up to four buttons."""
    if not 1 <= len(actions) <= MAX_BUTTONS_ACTIONS:
        raise MessageLimitError(f"a buttons template takes 1–{MAX_BUTTONS_ACTIONS} actions")
    limit = MAX_BUTTONS_TEXT_WITH_TITLE if title else MAX_BUTTONS_TEXT
    if len(body) > limit:
        raise MessageLimitError(f"buttons text over {limit} characters")
    template: dict[str, Any] = {"type": "buttons", "text": body, "actions": actions}
    if title:
        if len(title) > MAX_BUTTONS_TITLE:
            raise MessageLimitError(f"buttons title over {MAX_BUTTONS_TITLE} characters")
        template["title"] = title
    return {"type": "template", "altText": _alt(alt_text), "template": template}


def confirm(alt_text: str, body: str, yes: Action, no: Action) -> Message:
    """A yes/no question with two buttons side by side."""
    if len(body) > MAX_CONFIRM_TEXT:
        raise MessageLimitError(f"confirm text over {MAX_CONFIRM_TEXT} characters")
    template = {"type": "confirm", "text": body, "actions": [yes, no]}
    return {"type": "template", "altText": _alt(alt_text), "template": template}


def with_quick_replies(message: Message, quick: list[Action]) -> Message:
    """The same message with quick replies attached (any message type may carry them)."""
    if len(quick) > MAX_QUICK_REPLY_ITEMS:
        raise MessageLimitError(f"more than {MAX_QUICK_REPLY_ITEMS} quick replies")
    return {**message, "quickReply": {"items": [{"type": "action", "action": a} for a in quick]}}


def check_batch(messages: list[Message]) -> list[Message]:
    """One API call carries 1–5 messages."""
    if not 1 <= len(messages) <= MAX_MESSAGES_PER_CALL:
        raise MessageLimitError(f"a LINE call carries 1–{MAX_MESSAGES_PER_CALL} messages, got {len(messages)}")
    return messages


def _alt(alt_text: str) -> str:
    if not alt_text or len(alt_text) > MAX_ALT_TEXT:
        raise MessageLimitError(f"altText must be 1–{MAX_ALT_TEXT} characters")
    return alt_text

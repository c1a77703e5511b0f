"""Builders for LINE message objects (plain JSON dicts), with LINE's limits checked up front.

Dialogs build messages here; the LINE adapter turns them into SDK models when sending. Limits are
LINE's documented ones, so a message that would be refused is caught when it is written, not sent.
"""

from __future__ import annotations

import re
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


# --- One Thai style for every text we send (docs/THAI_STYLE.md) ------------------------------------

_THAI = "\u0e01-\u0e4f"  # Thai letters, vowels, tone marks, ๆ ฯ (not Thai digits)
_URL = re.compile(r"(?:https?://|tel:|line://)\S+|[\w.+-]+@[\w-]+\.[\w.]+")
_THAI_THEN_LATIN = re.compile(f"([{_THAI}])([A-Za-z0-9])")
_LATIN_THEN_THAI = re.compile(f"([A-Za-z0-9])([{_THAI}])")
_CLOSE_THEN_PARTICLE = re.compile(r"([)\]”\"%])(ค่ะ|คะ|ครับ|นะคะ|นะครับ)")
# ค่ะ is a statement's particle; after นะ, ไหม, หรือ… and question words a sentence takes คะ.
_QUESTION_THEN_KHA = re.compile(
    r"((?<![ชา])นะ|ไหม|มั้ย|หรือ|หรือไม่|หรือเปล่า|หรือยัง|ใช่ไหม|ที่ไหน|ตรงไหน|อันไหน|แบบไหน|วันไหน|อย่างไร|ยังไง"
    r"|เท่าไร|เท่าไหร่|เมื่อไร|เมื่อไหร่|ทำไม|บ้าง|กี่วัน|กี่ข้อ)ค่ะ(?![\u0e31-\u0e3a\u0e47-\u0e4e])"
)
_SPACES = re.compile(r"[ \t]{2,}")


def polish(body: str) -> str:
    """The house style, applied to every text we build: a space between Thai and Latin letters or digits
    ("ทาง LINE", "2569 ค่ะ"), a space before a particle that follows a bracket or quote, คะ (not ค่ะ)
    after นะ/ไหม/หรือ/question words, single spaces, no space at a line's end. Links stay untouched."""
    parts = _URL.split(body)
    links = _URL.findall(body)
    out = []
    for i, part in enumerate(parts):
        part = _THAI_THEN_LATIN.sub(r"\1 \2", part)
        part = _LATIN_THEN_THAI.sub(r"\1 \2", part)
        part = _CLOSE_THEN_PARTICLE.sub(r"\1 \2", part)
        part = _QUESTION_THEN_KHA.sub(r"\1คะ", part)
        out.append(part)
        if i < len(links):
            out.append(links[i])
    joined = _SPACES.sub(" ", "".join(out))
    return "\n".join(line.rstrip() for line in joined.split("\n")).strip()


def shorten(label: str, limit: int = MAX_ACTION_LABEL) -> str:
    """`label` if it fits in `limit` characters, else cut at a Thai word boundary and ended with "…"
    ("ถนน สะพาน ทางระบายน้ำ" → "ถนน สะพาน…", never "ถนน สะพาน ทางระบายน้")."""
    label = label.strip()
    if len(label) <= limit:
        return label
    from pythainlp.tokenize import word_tokenize  # imported on first use: the dictionary takes a moment

    kept = ""
    for word in word_tokenize(label, engine="newmm"):
        if len((kept + word).rstrip()) > limit - 1:
            break
        kept += word
    kept = kept.rstrip(" ,.-–/")
    return (kept or label[: limit - 1]) + "…"


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
    message: Message = {"type": "text", "text": polish(body)}
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
    template: dict[str, Any] = {"type": "buttons", "text": polish(body), "actions": actions}
    if title:
        if len(title) > MAX_BUTTONS_TITLE:
            raise MessageLimitError(f"buttons title over {MAX_BUTTONS_TITLE} characters")
        template["title"] = title
    return {"type": "template", "altText": _alt(polish(alt_text)), "template": template}


def confirm(alt_text: str, body: str, yes: Action, no: Action) -> Message:
    """A yes/no question with two buttons side by side."""
    if len(body) > MAX_CONFIRM_TEXT:
        raise MessageLimitError(f"confirm text over {MAX_CONFIRM_TEXT} characters")
    template = {"type": "confirm", "text": polish(body), "actions": [yes, no]}
    return {"type": "template", "altText": _alt(polish(alt_text)), "template": template}


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

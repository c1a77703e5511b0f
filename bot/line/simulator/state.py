"""What the emulated LINE platform remembers: users, reply tokens, transcripts, content, rich menus."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.line.simulator.events import new_user_id


@dataclass
class Call:
    """One request the SDK made to the emulated API (tests read these)."""

    operation: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int


@dataclass
class Fault:
    operation: str  # e.g. "pushMessage", or "*" for any
    status: int  # HTTP status to answer, or 0 to hang past the client's timeout
    times: int
    delay_seconds: float = 0.0
    after_processing: bool = False  # accept the message, then fail (a lost response)
    reset: bool = False  # drop the connection mid-answer instead of answering `status`
    headers: dict[str, str] = field(default_factory=dict)  # e.g. {"Retry-After": "30"} with a 429


@dataclass
class SimulatorState:
    bot_user_id: str = field(default_factory=new_user_id)
    users: dict[str, str] = field(default_factory=dict)  # user id → display name
    blocked: set[str] = field(default_factory=set)  # users who blocked the bot: LINE delivers nothing to them
    friends: set[str] = field(default_factory=set)  # users who added the bot (follow) and have not blocked it
    transcript: list[dict[str, Any]] = field(default_factory=list)
    reply_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token → (user, issued)
    accepted_retry_keys: dict[str, str] = field(default_factory=dict)  # key → request id
    content: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # message id → (bytes, type)
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    rich_menu_images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    default_rich_menu: str | None = None
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    expected_token: str | None = None  # when set, other bearer tokens get 401
    reply_token_ttl: float = 60.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_user(self, name: str, user_id: str | None = None) -> str:
        with self.lock:
            user_id = user_id or new_user_id()
            self.users[user_id] = name
            return user_id

    def install_rich_menu(self, body: dict[str, Any], image: bytes, media_type: str = "image/png") -> str:
        """A rich menu made everyone's default, as `tambon richmenu deploy` would through the API."""
        rich_menu_id = "richmenu-" + secrets.token_hex(16)
        with self.lock:
            self.rich_menus[rich_menu_id] = body
            self.rich_menu_images[rich_menu_id] = (image, media_type)
            self.default_rich_menu = rich_menu_id
        return rich_menu_id

    def issue_reply_token(self, user_id: str) -> str:
        token = secrets.token_hex(16)
        with self.lock:
            self.reply_tokens[token] = (user_id, time.time())
        return token

    def use_reply_token(self, token: str) -> str | None:
        """The user a fresh, unused token belongs to; a token works once."""
        with self.lock:
            entry = self.reply_tokens.pop(token, None)
        if entry is None or time.time() - entry[1] > self.reply_token_ttl:
            return None
        return entry[0]

    def record(self, user_id: str, sender: str, via: str, messages: list[Any]) -> None:
        if sender == "bot" and user_id in self.blocked:
            return
        with self.lock:
            for message in messages:
                self.transcript.append(
                    {
                        "seq": len(self.transcript) + 1,
                        "user_id": user_id,
                        "from": sender,
                        "via": via,
                        "at": time.time(),
                        "message": message,
                    }
                )

    def messages_to(self, user_id: str) -> list[dict[str, Any]]:
        """Everything the bot sent this user, in order (tests read these)."""
        with self.lock:
            return [e["message"] for e in self.transcript if e["user_id"] == user_id and e["from"] == "bot"]

    def texts_to(self, user_id: str) -> list[str]:
        found = []
        for message in self.messages_to(user_id):
            if message.get("type") == "text":
                found.append(message["text"])
            elif message.get("type") == "template":
                found.append(message["template"].get("text", ""))
        return found

    def take_fault(self, operation: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.operation in (operation, "*") and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def fail_next(self, operation: str, status: int, times: int = 1, **options: Any) -> None:
        with self.lock:
            self.faults.append(Fault(operation, status, times, **options))

    def reset(self) -> None:
        with self.lock:
            self.users.clear()
            self.blocked.clear()
            self.friends.clear()
            self.transcript.clear()
            self.reply_tokens.clear()
            self.accepted_retry_keys.clear()
            self.content.clear()
            self.calls.clear()
            self.faults.clear()
            self.rich_menus.clear()
            self.rich_menu_images.clear()
            self.default_rich_menu = None

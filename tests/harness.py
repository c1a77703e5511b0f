"""Drives the bot as LINE would: signed webhooks in, worker and sender run, fake LINE records out."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.line import signature
from bot.line.simulator import events
from bot.main import JOBS, build_dispatcher, build_fetcher, build_sender, create_app
from bot.scheduler import run_jobs
from bot.staff.models import Role
from bot.staff.service import create_staff
from bot.worker import InboxProcessor
from tests.fake_line import FakeLine

SAMPLES = Path(__file__).parent / "line" / "samples"
CHANNEL_SECRET = "test-channel-secret-0123456789ab"
ACCESS_TOKEN = "test-access-token"
TIPS_KEY = "pQ3k0Sx6F0sWb6YxC9m8L3tqkZ8Yb1r2n4c5d6e7f8g="  # a test-only Fernet key
BOT_ID = "U3f6e1c2b9a8d47e5b0c1d2e3f4a5b6c7"  # the destination in the webhook samples


# Every harness starts at the same instant, mid fiscal year 2570 (1 Oct 2026 – 30 Sep 2027): 10.14 Thai time on
# a Friday, so no test depends on today's date. Off the hour on purpose, as a real clock is: rows that keep
# only the hour (sealed tip rows) must not coincide with exact ones. Tests needing another moment set
# `harness.clock.now`.
PINNED = datetime(2027, 1, 15, 3, 14, 15, 926000, tzinfo=UTC)


class Clock:
    """A controllable clock: starts at PINNED, moves only when told."""

    def __init__(self, now: datetime = PINNED) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Harness:
    def __init__(self, database_url: str, engine: Engine, fake_line: FakeLine, **overrides: Any) -> None:
        self.line = fake_line
        self.engine = engine
        self.settings = Settings(
            _env_file=None,
            database_url=database_url,
            line_channel_secret=CHANNEL_SECRET,
            line_channel_access_token=ACCESS_TOKEN,
            line_api_base_url=fake_line.url,
            line_data_api_base_url=fake_line.url,
            line_request_timeout_seconds=2,
            tambon_tips_key=TIPS_KEY,
            # LINE's 2-second budget is tested on its own (test_webhook); a busy test machine must not 503.
            **{"webhook_store_timeout_seconds": 10.0, **overrides},
        )
        self.app = create_app(self.settings, engine)
        self.runtime = self.app.state.runtime
        self.clock = Clock()
        self.runtime.clock = self.clock
        self.processor = InboxProcessor(self.runtime, build_dispatcher(self.runtime))
        self.client = TestClient(self.app)

    def __enter__(self) -> Harness:
        self.client.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)

    @property
    def org(self):  # type: ignore[no-untyped-def]
        return self.runtime.org

    # --- LINE → us -------------------------------------------------------------------------------

    def post_raw(self, raw: bytes, secret: str | None = CHANNEL_SECRET, **headers: str):  # type: ignore[no-untyped-def]
        sent = {"content-type": "application/json", **headers}
        if secret is not None:
            sent["x-line-signature"] = signature.sign(secret, raw)
        return self.client.post("/line/webhook", content=raw, headers=sent)

    def post_events(self, *items: dict[str, Any]):  # type: ignore[no-untyped-def]
        response = self.post_raw(events.body(list(items), destination=BOT_ID))
        assert response.status_code == 200, response.text
        return response

    def post_sample(self, name: str):  # type: ignore[no-untyped-def]
        return self.post_raw((SAMPLES / name).read_bytes())

    def new_user(self, name: str = "ชาวบ้าน") -> str:
        return self.line.state.add_user(name)

    def event(self, kind: str, user_id: str, **content: Any) -> dict[str, Any]:
        """An event as LINE would send it now, with a reply token the fake LINE will accept."""
        token = self.line.state.issue_reply_token(user_id) if kind != "unfollow" else None
        stamp = int(self.clock().timestamp() * 1000)
        return events.event(kind, user_id, reply_token=token, timestamp_ms=stamp, **content)

    def say(self, user_id: str, text: str) -> list[str]:
        """The resident types `text`; returns the texts the bot sent back."""
        return self._turn(self.event("text", user_id, text=text), user_id)

    def tap(self, user_id: str, data: str) -> list[str]:
        return self._turn(self.event("postback", user_id, data=data), user_id)

    def say_location(self, user_id: str, latitude: float, longitude: float, address: str = "") -> list[str]:
        return self._turn(
            self.event("location", user_id, latitude=latitude, longitude=longitude, address=address), user_id
        )

    def follow(self, user_id: str) -> list[str]:
        return self._turn(self.event("follow", user_id), user_id)

    def unfollow(self, user_id: str) -> None:
        self.post_events(self.event("unfollow", user_id))
        self.run()

    def _turn(self, event: dict[str, Any], user_id: str) -> list[str]:
        before = len(self.line.state.texts_to(user_id))
        self.post_events(event)
        self.run()
        return self.line.state.texts_to(user_id)[before:]

    def onboard(self, user_id: str, village: int = 1) -> None:
        """Follow, consent and choose a village."""
        self.follow(user_id)
        self.tap(user_id, "consent:1")
        self.tap(user_id, f"village:{village}")

    # --- us → LINE -------------------------------------------------------------------------------

    def run(self) -> None:
        """Process every stored event, then deliver every due outbox row."""
        self.processor.process_all()
        self.deliver()

    def deliver(self, rounds: int = 20) -> int:
        async def go() -> int:
            total = 0
            async with build_sender(self.runtime) as sender:
                for _ in range(rounds):
                    attempted = await sender.deliver_due()
                    total += attempted
                    if not attempted:
                        break
            return total

        return asyncio.run(go())

    def run_jobs(self) -> dict[str, Any]:
        """The scheduler's jobs at the harness clock's now, then deliver what they queued."""
        results = run_jobs(self.runtime, self.clock(), JOBS)
        self.deliver()
        return results

    def fetch_media(self) -> int:
        settled = asyncio.run(build_fetcher(self.runtime).fetch_pending())
        self.deliver()
        return settled

    def staff_token(self, role: str, name: str = "เจ้าหน้าที่ทดสอบ", unit: str | None = None) -> dict[str, str]:
        """Authorization headers for a new staff member of `role`."""
        with Session(self.engine) as session:
            _, token = create_staff(session, name=name, role=Role(role), unit=unit, now=self.clock())
            session.commit()
        return {"Authorization": f"Bearer {token}"}

    def last_message(self, user_id: str) -> dict[str, Any]:
        return self.line.state.messages_to(user_id)[-1]

    def quick_replies(self, user_id: str) -> list[dict[str, Any]]:
        message = self.last_message(user_id)
        return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))

"""Forums in tests: create one through the API, run the scheduler the worker runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.db import claiming
from bot.forums.audiences import FOR_NOTICES
from bot.notices import scheduler
from tests.harness import Harness


def forum_body(now: datetime, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "topic": "จัดทำแผนพัฒนาท้องถิ่น ปี 2571",
        "agenda": "1. ปัญหาน้ำประปา\n2. ถนนเข้าหมู่บ้าน\n3. ความต้องการอื่น ๆ",
        "villages": [1, 2],
        "starts_at": (now + timedelta(days=3)).isoformat(),
        "place": "ศาลาประชาคมบ้านพนา",
        "map_url": "https://maps.example.com/?q=15.9,104.9",
        "capacity": None,
        "collect_opinions": True,
    }
    body.update(overrides)
    return body


def create_forum(harness: Harness, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = harness.client.post("/api/v1/forums", json=forum_body(harness.clock(), **overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def run_scheduler(harness: Harness, at: datetime) -> int:
    with Session(claiming(harness.engine)) as session:
        handled = scheduler.run_due(session, at, FOR_NOTICES)
        session.commit()
    return handled


def starts_at(forum: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(forum["starts_at"])

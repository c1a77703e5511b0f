"""Shared by the notices and forums tests: staff tokens, residents in bulk, delivering what is due."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from bot.notices.models import NoticePreference
from bot.outbox.models import OutboxKind, OutboxMessage
from bot.residents.models import FollowStatus, Resident
from bot.staff import service as staff
from bot.staff.models import Role
from tests.harness import Harness


def auth(harness: Harness, role: Role = Role.OFFICER, name: str = "สมศรี") -> dict[str, str]:
    with Session(harness.engine) as session:
        _, token = staff.create_staff(session, name=name, role=role, now=harness.clock())
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def add_residents(
    harness: Harness, count: int, village: int | None, *, opted_out: bool = False, blocked: bool = False
) -> list[str]:
    """Residents set up without going through the chat (for numbers too large to onboard one by one)."""
    now = harness.clock()
    users = [harness.line.state.add_user(f"r{i}") for i in range(count)]
    with Session(harness.engine) as session:
        rows = [
            Resident(
                line_user_id=u,
                created_at=now,
                followed_at=now,
                village_no=village,
                consent_version=harness.org.privacy.notice_version,
                consented_at=now,
                status=FollowStatus.BLOCKED if blocked else FollowStatus.FOLLOWING,
            )
            for u in users
        ]
        session.add_all(rows)
        session.flush()
        if opted_out:
            session.add_all(NoticePreference(resident_id=r.id, opted_out=True, updated_at=now) for r in rows)
        session.commit()
    return users


def deliver(harness: Harness, seconds: float = 60) -> None:
    """Let `seconds` pass (notices' chunks are paced), then send everything due."""
    harness.clock.advance(seconds=seconds)
    harness.deliver(rounds=100)


def outbox_rows(harness: Harness) -> list[OutboxMessage]:
    """The outbox rows of notices (multicasts and broadcasts; the chat's replies left out)."""
    kinds = [OutboxKind.MULTICAST, OutboxKind.BROADCAST]
    with Session(harness.engine) as session:
        query = select(OutboxMessage).where(col(OutboxMessage.kind).in_(kinds)).order_by(OutboxMessage.id)
        return list(session.exec(query).all())


def multicast_recipients(harness: Harness, marker: str) -> list[list[str]]:
    """The `to` list of every accepted multicast whose first message contains `marker`."""
    calls = [c for c in harness.line.calls("multicast") if c.status == 200]
    return [c.body["to"] for c in calls if marker in _first_text(c.body)]


def _first_text(body: dict[str, Any]) -> str:
    message = body["messages"][0]
    return message.get("text") or message.get("altText", "")


def notice_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "ประชาสัมพันธ์",
        "text": "ขอเชิญชวนร่วมกิจกรรมวันเด็ก",
        "audience": {"kind": "villages", "villages": [1]},
    }
    body.update(overrides)
    return body

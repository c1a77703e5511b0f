"""Group commit: concurrent webhooks share transactions, each still answered only after its own events are
committed, and one request's failure never becomes its neighbours'."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.line import signature
from bot.line.group_commit import GroupCommit
from bot.line.models import InboxEvent
from bot.line.simulator import events
from tests.harness import BOT_ID, CHANNEL_SECRET, Harness


def signed(raw: bytes) -> dict[str, str]:
    return {"content-type": "application/json", "x-line-signature": signature.sign(CHANNEL_SECRET, raw)}


async def post_all(harness: Harness, bodies: list[bytes]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=harness.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://line") as client:
        return list(await asyncio.gather(*(client.post("/line/webhook", content=b, headers=signed(b)) for b in bodies)))


def count_commits(harness: Harness) -> list[int]:
    commits = [0]

    def on_commit(_: object) -> None:
        commits[0] += 1

    event.listen(harness.engine, "commit", on_commit)
    return commits


def test_concurrent_webhooks_share_commits_and_every_event_is_stored(harness: Harness) -> None:
    users = [harness.new_user() for _ in range(5)]
    bodies = [
        events.body([harness.event("text", users[i % 5], text=f"เมนู {i}")], destination=BOT_ID) for i in range(60)
    ]
    commits = count_commits(harness)
    answers = asyncio.run(post_all(harness, bodies))
    assert [a.status_code for a in answers] == [200] * 60
    with Session(harness.engine) as session:
        assert len(session.exec(select(InboxEvent)).all()) == 60
    assert 1 <= commits[0] < 60  # batched: fewer transactions than requests


def test_a_request_for_another_bot_fails_alone_its_neighbours_are_stored(harness: Harness) -> None:
    user = harness.new_user()
    harness.post_events(harness.event("text", user, text="เมนู"))  # our bot id is now known
    good = [events.body([harness.event("text", user, text=f"เมนู {i}")], destination=BOT_ID) for i in range(10)]
    stranger = events.body([harness.event("text", user, text="ไม่ใช่ของเรา")], destination="U" + "f" * 32)
    answers = asyncio.run(post_all(harness, [*good[:5], stranger, *good[5:]]))
    assert [a.status_code for a in answers] == [200] * 5 + [403] + [200] * 5
    with Session(harness.engine) as session:
        assert len(session.exec(select(InboxEvent)).all()) == 11


def test_an_unreachable_store_fails_the_whole_batch_with_503_at_once(harness: Harness) -> None:
    calls: list[int] = []

    def down(session: Session, works: list[object], careful: bool) -> list[None]:
        calls.append(1)
        raise OperationalError("INSERT", {}, ConnectionRefusedError("database down"))

    harness.app.state.inbox_writer = GroupCommit(harness.engine, down)
    user = harness.new_user()
    bodies = [events.body([harness.event("text", user, text=f"{i}")], destination=BOT_ID) for i in range(8)]
    answers = asyncio.run(post_all(harness, bodies))
    assert [a.status_code for a in answers] == [503] * 8
    assert len(calls) <= 8  # no per-request retry storm on a connection failure


def test_a_lone_request_is_committed_before_it_is_answered(harness: Harness) -> None:
    user = harness.new_user()
    raw = events.body([harness.event("text", user, text="ช่วยเหลือ")], destination=BOT_ID)
    answer = harness.client.post("/line/webhook", content=raw, headers=signed(raw))
    assert answer.status_code == 200
    with Session(harness.engine) as session:  # another connection sees it: committed, not merely flushed
        assert session.exec(select(InboxEvent)).one().user_id == user

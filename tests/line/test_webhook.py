"""POST /line/webhook: signatures, body checks, exactly-once storage, and what is ignored."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time

import httpx
import psycopg
from sqlmodel import Session, func, select

from bot.config import Settings
from bot.db import make_engine
from bot.line import signature
from bot.line.models import InboxEvent, InboxStatus
from bot.line.simulator import events
from bot.main import create_app
from tests.harness import BOT_ID, CHANNEL_SECRET, SAMPLES, Harness, sample


def stored(harness: Harness) -> list[InboxEvent]:
    with Session(harness.engine) as session:
        return list(session.exec(select(InboxEvent).order_by(InboxEvent.id)).all())


def test_every_sample_is_accepted_and_stored_once(harness: Harness) -> None:
    names = sorted(p.name for p in SAMPLES.glob("*.json"))
    for name in names:
        assert harness.post_sample(name).status_code == 200, name
    ids = [e.webhook_event_id for e in stored(harness)]
    assert len(ids) == len(set(ids))
    expected = {e["webhookEventId"] for name in names for e in sample(name)["events"]}
    assert set(ids) == expected  # the redelivered sample added nothing


def test_url_verification_with_no_events_is_200_and_stores_nothing(harness: Harness) -> None:
    assert harness.post_sample("verification-empty-events.json").status_code == 200
    assert stored(harness) == []


def test_missing_or_wrong_signature_is_401_and_stores_nothing(harness: Harness) -> None:
    raw = (SAMPLES / "text-message-user.json").read_bytes()
    assert harness.post_raw(raw, secret=None).status_code == 401
    assert harness.post_raw(raw, secret="another-secret").status_code == 401
    reserialised = json.dumps(json.loads(raw)).encode()  # escapes Thai: other bytes, other signature
    response = harness.client.post(
        "/line/webhook", content=reserialised, headers={"x-line-signature": signature.sign(CHANNEL_SECRET, raw)}
    )
    assert response.status_code == 401
    assert stored(harness) == []


def test_signature_is_checked_on_raw_bytes_even_if_not_utf8(harness: Harness) -> None:
    raw = b'{"destination": "x", "events": [\xff]}'
    assert harness.post_raw(raw, secret="wrong").status_code == 401
    assert harness.post_raw(raw).status_code == 400  # signed, but not JSON


def test_malformed_bodies_are_400_and_store_nothing(harness: Harness) -> None:
    good = sample("text-message-user.json")["events"][0]
    bad_bodies = [
        b"not json",
        b"[]",
        json.dumps({"destination": BOT_ID, "events": "nope"}).encode(),
        json.dumps({"destination": 5, "events": [good]}).encode(),
        json.dumps({"destination": "U\u0000", "events": [good]}).encode(),
        b'{"destination": "' + BOT_ID.encode() + b'", "events": [], "x": NaN}',
        b'{"events": [' + b"[" * 50_000 + b"]" * 50_000 + b"]",  # deep, and not even closed
        b"[" * 50_000 + b"]" * 50_000,
    ]
    for raw in bad_bodies:
        assert harness.post_raw(raw).status_code == 400, raw
    assert stored(harness) == []


def test_oversized_body_is_413(harness: Harness) -> None:
    limit = harness.settings.webhook_max_body_bytes
    raw = events.body([events.event("text", "U" + "a" * 32, text="ก" * limit)], destination=BOT_ID)
    assert harness.post_raw(raw).status_code == 413

    def chunks():  # no Content-Length: the limit still holds while streaming
        for start in range(0, len(raw), 65536):
            yield raw[start : start + 65536]

    response = harness.client.post(
        "/line/webhook", content=chunks(), headers={"x-line-signature": signature.sign(CHANNEL_SECRET, raw)}
    )
    assert response.status_code == 413
    assert stored(harness) == []


def test_redelivery_has_one_effect(harness: Harness) -> None:
    harness.line.state.add_user("ผู้ส่ง", "U8a1f4c9e27b34d6f90e1c2b3a4d5e6f7")
    harness.post_sample("text-message-user.json")
    harness.run()
    harness.post_sample("redelivered-text-message.json")
    harness.run()
    assert len(stored(harness)) == 1
    assert len(harness.line.state.messages_to("U8a1f4c9e27b34d6f90e1c2b3a4d5e6f7")) == 1


def test_twenty_concurrent_duplicates_store_one_event_and_answer_once(harness: Harness) -> None:
    user = harness.new_user()
    raw = events.body([harness.event("text", user, text="ช่วยเหลือ")], destination=BOT_ID)
    headers = {"content-type": "application/json", "x-line-signature": signature.sign(CHANNEL_SECRET, raw)}

    async def flood() -> list[int]:
        transport = httpx.ASGITransport(app=harness.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://line") as client:
            answers = await asyncio.gather(
                *(client.post("/line/webhook", content=raw, headers=headers) for _ in range(20))
            )
        return [a.status_code for a in answers]

    assert asyncio.run(flood()) == [200] * 20
    harness.run()
    assert len(stored(harness)) == 1
    assert len(harness.line.calls("replyMessage")) == 1
    assert len(harness.line.state.messages_to(user)) == 1


def test_destination_of_another_bot_is_rejected_once_ours_is_known(harness: Harness) -> None:
    user = harness.new_user()
    harness.post_events(harness.event("text", user, text="เมนู"))  # learns BOT_ID
    other = events.body([harness.event("text", user, text="เมนู")], destination="U" + "0" * 32)
    assert harness.post_raw(other).status_code == 403
    assert len(stored(harness)) == 1


def test_configured_bot_id_rejects_other_destinations(database_url: str, engine, fake_line) -> None:  # type: ignore[no-untyped-def]
    with Harness(database_url, engine, fake_line, line_bot_user_id="U" + "1" * 32) as harness:
        raw = events.body([harness.event("follow", harness.new_user())], destination=BOT_ID)
        assert harness.post_raw(raw).status_code == 403


def test_standby_group_and_unknown_events_are_recorded_and_ignored(harness: Harness) -> None:
    user = harness.new_user()
    standby = harness.event("text", user, text="เมนู", mode="standby")
    unknown = {**harness.event("text", user, text="x"), "type": "hologram"}
    unknown.pop("message")
    odd_message = harness.event("text", user, text="x")
    odd_message["message"] = {"type": "hologram", "id": "1"}
    harness.post_events(standby, unknown)
    harness.post_sample("group-text-message.json")
    harness.run()
    rows = stored(harness)
    assert [r.status for r in rows] == [InboxStatus.IGNORED] * 3
    assert harness.line.state.calls == []
    harness.post_events(odd_message)  # a message type the SDK does not know: no crash
    harness.run()
    assert stored(harness)[-1].status in (InboxStatus.IGNORED, InboxStatus.DONE)


def test_database_down_is_503_and_readyz_says_so(fake_line) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        _env_file=None,
        database_url="postgresql://postgres@127.0.0.1:1/none",
        line_channel_secret=CHANNEL_SECRET,
        line_channel_access_token="t",
    )
    app = create_app(settings, make_engine(settings.database_url))
    raw = (SAMPLES / "text-message-user.json").read_bytes()
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        response = client.post(
            "/line/webhook", content=raw, headers={"x-line-signature": signature.sign(CHANNEL_SECRET, raw)}
        )
        assert response.status_code == 503
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


def test_events_from_several_users_are_processed_in_order_per_user(harness: Harness) -> None:
    a, b = harness.new_user("ก"), harness.new_user("ข")
    base = int(harness.clock().timestamp() * 1000)
    batch = [
        harness.event("follow", a) | {"timestamp": base},
        harness.event("follow", b) | {"timestamp": base + 1},
        harness.event("postback", a, data="consent:1") | {"timestamp": base + 2},
        harness.event("postback", a, data="village:4") | {"timestamp": base + 3},
        harness.event("postback", b, data="consent:0") | {"timestamp": base + 4},
    ]
    harness.post_raw(events.body(list(reversed(batch)), destination=BOT_ID))  # arrival order reversed
    harness.run()
    assert any("หมู่ 4" in t for t in harness.line.state.texts_to(a))
    assert any("จะไม่เก็บข้อมูล" in t for t in harness.line.state.texts_to(b))
    with Session(harness.engine) as session:
        done = session.exec(
            select(func.count()).select_from(InboxEvent).where(InboxEvent.status == InboxStatus.DONE)
        ).one()
    assert done == 5


def _hold_inbox_lock(harness: Harness):  # type: ignore[no-untyped-def]
    """Another connection holds what the webhook needs: PostgreSQL's inbox table, SQLite's write lock."""
    url = harness.settings.database_url
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        return connection
    connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=False)
    connection.execute("LOCK TABLE inbox_event IN ACCESS EXCLUSIVE MODE")
    return connection


def test_a_locked_inbox_answers_503_within_lines_2_seconds_and_readyz_says_so(
    database_url: str,
    engine,  # type: ignore[no-untyped-def]
    fake_line,
) -> None:
    with Harness(database_url, engine, fake_line, webhook_store_timeout_seconds=1.5) as harness:
        _locked_inbox(harness)


def _locked_inbox(harness: Harness) -> None:
    user = harness.new_user()
    assert harness.client.get("/readyz").status_code == 200
    holder = _hold_inbox_lock(harness)
    try:
        started = time.monotonic()
        response = harness.post_raw(events.body([harness.event("text", user, text="ช่วยเหลือ")], destination=BOT_ID))
        assert response.status_code == 503 and time.monotonic() - started < 2.0
        started = time.monotonic()
        assert harness.client.get("/readyz").status_code == 503 and time.monotonic() - started < 2.0
    finally:
        holder.rollback()
        holder.close()
    assert harness.client.get("/readyz").status_code == 200
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))  # LINE's redelivery is stored
    harness.run()
    assert len(harness.line.state.messages_to(user)) == 1

"""Signed bodies carrying data we must never process: each bad event is quarantined with its reason,
its neighbours are stored and processed, and LINE gets 200 (a redelivery would fail the same way)."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from bot.line.models import InboxEvent, InboxQuarantine, InboxStatus
from bot.line.simulator import events
from tests.harness import BOT_ID, Harness


def body(*items: Any) -> bytes:
    """As LINE would send it, but ASCII-escaped: NUL and lone surrogates travel as \\u escapes."""
    return json.dumps({"destination": BOT_ID, "events": list(items)}, ensure_ascii=True).encode()


def quarantine(harness: Harness) -> list[InboxQuarantine]:
    with Session(harness.engine) as session:
        return list(session.exec(select(InboxQuarantine).order_by(InboxQuarantine.id)).all())


def inbox(harness: Harness) -> list[InboxEvent]:
    with Session(harness.engine) as session:
        return list(session.exec(select(InboxEvent).order_by(InboxEvent.id)).all())


def assert_neighbour_answered(harness: Harness, raw: bytes, user: str, reason: str) -> None:
    """The body is acknowledged; the bad event is quarantined once, even when LINE redelivers."""
    for _ in range(3):  # LINE redelivers a body until it gets 200
        response = harness.post_raw(raw)
        assert response.status_code == 200, response.text
    harness.run()
    [held] = quarantine(harness)
    assert reason in held.reason
    assert [row.status for row in inbox(harness)] == [InboxStatus.DONE]
    assert len(harness.line.state.messages_to(user)) == 1  # the good neighbour was answered, once


def test_timestamp_past_64_bits_is_quarantined_and_its_neighbour_processed(harness: Harness) -> None:
    user = harness.new_user()
    bad = harness.event("text", harness.new_user(), text="x") | {"timestamp": 2**63}
    raw = body(bad, harness.event("text", user, text="ช่วยเหลือ"))
    assert_neighbour_answered(harness, raw, user, "timestamp")
    assert quarantine(harness)[0].webhook_event_id == bad["webhookEventId"]


def test_nul_in_each_identifying_field_is_quarantined(harness: Harness) -> None:
    user = harness.new_user()
    other = harness.new_user()
    bad = [
        harness.event("text", other, text="a") | {"webhookEventId": "01J\x00X"},
        harness.event("text", other, text="b") | {"source": {"type": "user", "userId": other + "\x00"}},
        harness.event("text", other, text="c") | {"type": "mess\x00age"},
        harness.event("text", other, text="d") | {"mode": "active\x00"},
    ]
    response = harness.post_raw(body(*bad, harness.event("text", user, text="ช่วยเหลือ")))
    assert response.status_code == 200 and response.json() == {"received": 1, "quarantined": 4}
    harness.run()
    reasons = [q.reason for q in quarantine(harness)]
    assert [r.split()[0] for r in reasons] == ["webhookEventId", "source.userId", "type", "mode"]
    assert all("\x00" not in q.excerpt for q in quarantine(harness))
    assert len(harness.line.state.messages_to(user)) == 1
    assert harness.line.state.messages_to(other) == []


def test_nul_and_lone_surrogates_in_text_are_cleaned_and_the_message_processed(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    before = len(harness.line.state.messages_to(user))
    raw = body(harness.event("text", user, text="ช่วย\x00เหลือ\ud800"))
    assert harness.post_raw(raw).status_code == 200
    harness.run()
    assert quarantine(harness) == []
    stored = json.loads(inbox(harness)[-1].payload)
    assert stored["message"]["text"] == "ช่วยเหลือ\ufffd"
    assert inbox(harness)[-1].status == InboxStatus.DONE
    assert len(harness.line.state.messages_to(user)) == before + 1


def test_lone_surrogate_in_an_id_is_quarantined(harness: Harness) -> None:
    user = harness.new_user()
    bad = harness.event("text", harness.new_user(), text="x") | {"replyToken": "ab\ud800"}
    assert_neighbour_answered(harness, body(harness.event("text", user, text="ช่วยเหลือ"), bad), user, "replyToken")


def test_an_event_nested_50000_levels_is_quarantined_not_a_500(harness: Harness) -> None:
    user = harness.new_user()
    good = json.dumps(harness.event("text", user, text="ช่วยเหลือ")).encode()
    deep = b'{"type": "message", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    raw = b'{"destination": "' + BOT_ID.encode() + b'", "events": [' + deep + b", " + good + b"]}"
    assert_neighbour_answered(harness, raw, user, "nested deeper")


def test_moderately_deep_long_or_huge_values_are_quarantined(harness: Harness) -> None:
    user = harness.new_user()
    other = harness.new_user()
    nested: Any = "x"
    for _ in range(200):
        nested = [nested]
    bad = [
        harness.event("text", other, text="a") | {"extra": nested},
        harness.event("text", other, text="b" * 30_000),
        harness.event("text", other, text="c") | {"message": {"type": "text", "id": 10**30, "text": "c"}},
        harness.event("text", other, text="d") | {"webhookEventId": "x" * 65},
        harness.event("text", other, text="e") | {"timestamp": -1},
        harness.event("text", other, text="f") | {"timestamp": True},
        "not an event",
    ]
    response = harness.post_raw(body(*bad, harness.event("text", user, text="ช่วยเหลือ")))
    assert response.json() == {"received": 1, "quarantined": len(bad)}
    harness.run()
    assert len(quarantine(harness)) == len(bad)
    assert len(harness.line.state.messages_to(user)) == 1 and harness.line.state.messages_to(other) == []


def test_a_body_of_only_bad_events_is_still_200(harness: Harness) -> None:
    raw = body(events.event("text", "U" + "a" * 32, text="x", timestamp_ms=2**64))
    response = harness.post_raw(raw)
    assert response.status_code == 200 and response.json() == {"received": 0, "quarantined": 1}
    assert inbox(harness) == []

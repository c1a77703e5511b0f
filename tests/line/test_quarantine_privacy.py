"""The quarantine of bad webhook events keeps an excerpt that may hold a resident's LINE id and words: their
erasure (ลบข้อมูลของฉัน) scrubs every excerpt naming them, and every quarantined row is deleted after
`quarantine_retention_days` by the scheduler's `quarantine` job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from bot.line.models import InboxQuarantine
from bot.line.privacy import EMPTIED
from tests.harness import Harness
from tests.line.test_poisoned_events import body, quarantine

SECRET_WORDS = "บ้านเลขที่ 99 ซอยลับ"


def bad_event(harness: Harness, user: str, words: str, **change: Any) -> dict[str, Any]:
    return harness.event("text", user, text=words) | {"timestamp": 2**63} | change


def dump(harness: Harness) -> str:
    with Session(harness.engine) as session:
        rows = session.execute(text("SELECT * FROM inbox_quarantine")).all()
        return " ".join(str(value) for row in rows for value in row)


def test_erasure_scrubs_every_quarantined_excerpt_naming_the_resident(harness: Harness) -> None:
    user, other = harness.new_user(), harness.new_user()
    harness.onboard(user)
    mention = harness.event("text", other, text="@เพื่อน ดูนี่") | {"timestamp": 2**63}
    mention["message"]["mention"] = {"mentionees": [{"index": 0, "length": 7, "type": "user", "userId": user}]}
    events = [
        bad_event(harness, user, SECRET_WORDS),  # theirs, well-formed id: found by the sender column
        bad_event(harness, user, SECRET_WORDS + " 2", source={"type": "user", "userId": user + "\x00"}),  # NUL
        mention,  # someone else's event naming them
        bad_event(harness, other, "เรื่องของคนอื่น"),  # nothing of theirs: untouched
    ]
    response = harness.post_raw(body(*events))
    assert response.status_code == 200 and response.json()["quarantined"] == 4
    held = quarantine(harness)
    assert [row.user_id for row in held] == [user, user, other, other]
    assert user in dump(harness) and "\\u0e1a" in dump(harness)  # the excerpt is ASCII-escaped Thai

    harness.say(user, "ลบข้อมูลของฉัน")
    harness.tap(user, "erase:1")

    after = quarantine(harness)
    assert len(after) == 4  # the rows (reason, time, digest) stay: a redelivery is still recognised
    assert user not in dump(harness)
    assert [row.excerpt == EMPTIED for row in after] == [True, True, True, False]
    assert all(row.user_id is None for row in after[:3]) and after[3].user_id == other
    assert "timestamp" in after[0].reason
    response = harness.post_raw(body(events[0]))  # LINE redelivers the bad event: still one row, still empty
    assert response.status_code == 200 and len(quarantine(harness)) == 4
    assert user not in dump(harness)


def test_declining_consent_also_empties_their_quarantined_excerpts(harness: Harness) -> None:
    user = harness.new_user()
    harness.follow(user)
    assert harness.post_raw(body(bad_event(harness, user, SECRET_WORDS))).status_code == 200
    harness.say(user, "ไม่ยินยอม")
    [held] = quarantine(harness)
    assert held.excerpt == EMPTIED and held.user_id is None and user not in dump(harness)


def test_a_bad_event_from_a_resident_mid_tip_keeps_no_sender_nor_words(harness: Harness) -> None:
    """Mid-tip bad events are kept as a count and a reason only (the tip channel stays unlinkable)."""
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "แจ้งทุจริต")
    harness.say(user, "ไม่เปิดเผยชื่อ")
    assert harness.post_raw(body(bad_event(harness, user, SECRET_WORDS))).status_code == 200
    [held] = quarantine(harness)
    assert held.user_id is None and held.webhook_event_id is None
    assert user not in dump(harness) and "\\u0e1a" not in dump(harness)


def test_quarantined_events_are_deleted_after_the_retention_period(harness: Harness) -> None:
    days = harness.settings.quarantine_retention_days
    assert days == 30
    assert harness.post_raw(body(bad_event(harness, harness.new_user(), "ผ่านเว็บฮุก"))).status_code == 200
    [arrived] = quarantine(harness)
    with Session(harness.engine) as session:  # two more, received 10 and 20 days before the one above
        for age, digest in ((10, "a" * 64), (20, "b" * 64)):
            session.add(
                InboxQuarantine(
                    received_at=arrived.received_at - timedelta(days=age),
                    digest=digest,
                    reason="timestamp missing or out of range",
                    excerpt="{}",
                )
            )
        session.commit()
    harness.clock.now = arrived.received_at + timedelta(days=days - 21)
    assert harness.run_jobs()["quarantine"] == {"purged": 0}
    harness.clock.advance(days=1, seconds=1)  # the oldest is now past 30 days
    assert harness.run_jobs()["quarantine"] == {"purged": 1}
    assert sorted(row.digest for row in quarantine(harness)) == sorted([arrived.digest, "a" * 64])
    harness.clock.now = arrived.received_at + timedelta(days=days, seconds=1)
    assert harness.run_jobs()["quarantine"] == {"purged": 2}
    assert quarantine(harness) == []
    assert harness.run_jobs()["quarantine"] == {"purged": 0}


def test_operators_see_the_quarantine_counted_in_the_metrics(harness: Harness) -> None:
    from tests.ops.test_metrics_and_logs import scrape

    assert scrape(harness)["tambon_inbox_events{status=quarantined}"] == 0
    harness.post_raw(body(bad_event(harness, harness.new_user(), "ก"), bad_event(harness, harness.new_user(), "ข")))
    assert scrape(harness)["tambon_inbox_events{status=quarantined}"] == 2

"""Scheduled notices: nothing before their time, sent once when due (a controlled clock drives the
scheduler the worker calls), idempotent when run twice, cancellable until then."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.db import claiming
from bot.forums.audiences import FOR_NOTICES
from bot.notices import scheduler
from tests.harness import Harness
from tests.notices.helpers import auth, deliver, notice_body, outbox_rows


def run_scheduler(harness: Harness, at) -> int:  # type: ignore[no-untyped-def]
    """What the worker does every little while: due notices out, one transaction."""
    with Session(claiming(harness.engine)) as session:
        handled = scheduler.run_due(session, at, FOR_NOTICES)
        session.commit()
    return handled


def test_a_scheduled_notice_goes_out_once_when_due(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user, village=1)
    headers = auth(harness)
    at = harness.clock() + timedelta(hours=3)
    notice_id = harness.client.post("/api/v1/notices", json=notice_body(title="ฉีดวัคซีน"), headers=headers).json()["id"]
    scheduled = harness.client.post(f"/api/v1/notices/{notice_id}/send", json={"at": at.isoformat()}, headers=headers)
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    again = harness.client.post(f"/api/v1/notices/{notice_id}/send", headers=headers)
    assert again.status_code == 409 and "ตั้งเวลาส่งไว้แล้ว" in again.json()["detail"]

    assert run_scheduler(harness, at - timedelta(minutes=1)) == 0
    assert outbox_rows(harness) == []
    assert run_scheduler(harness, at) == 1
    assert run_scheduler(harness, at + timedelta(minutes=1)) == 0  # idempotent
    assert len(outbox_rows(harness)) == 1
    harness.clock.now = at
    deliver(harness, seconds=1)
    assert sum("ฉีดวัคซีน" in t for t in harness.line.state.texts_to(user)) == 1
    shown = harness.client.get(f"/api/v1/notices/{notice_id}", headers=headers).json()
    assert shown["status"] == "sent" and shown["delivery"]["recipients_delivered"] == 1


def test_a_scheduled_notice_can_be_cancelled_and_then_never_goes(harness: Harness) -> None:
    harness.onboard(harness.new_user(), village=1)
    headers = auth(harness)
    at = harness.clock() + timedelta(days=1)
    notice_id = harness.client.post("/api/v1/notices", json=notice_body(), headers=headers).json()["id"]
    harness.client.post(f"/api/v1/notices/{notice_id}/send", json={"at": at.isoformat()}, headers=headers)
    assert harness.client.post(f"/api/v1/notices/{notice_id}/cancel", headers=headers).json()["status"] == "cancelled"
    assert run_scheduler(harness, at + timedelta(hours=1)) == 0
    assert outbox_rows(harness) == []


def test_when_nobody_is_left_at_the_time_the_notice_says_so(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user, village=2)
    headers = auth(harness)
    at = harness.clock() + timedelta(hours=1)
    body = notice_body(audience={"kind": "villages", "villages": [2]})
    notice_id = harness.client.post("/api/v1/notices", json=body, headers=headers).json()["id"]
    harness.client.post(f"/api/v1/notices/{notice_id}/send", json={"at": at.isoformat()}, headers=headers)
    harness.unfollow(user)
    assert run_scheduler(harness, at) == 1
    shown = harness.client.get(f"/api/v1/notices/{notice_id}", headers=headers).json()
    assert shown["status"] == "no_recipients" and outbox_rows(harness) == []


def test_bad_times_are_refused(harness: Harness) -> None:
    harness.onboard(harness.new_user(), village=1)
    headers = auth(harness)
    notice_id = harness.client.post("/api/v1/notices", json=notice_body(), headers=headers).json()["id"]
    past = harness.client.post(
        f"/api/v1/notices/{notice_id}/send",
        headers=headers,
        json={"at": (harness.clock() - timedelta(minutes=5)).isoformat()},
    )
    assert past.status_code == 422 and "อนาคต" in past.json()["detail"]
    naive = harness.client.post(
        f"/api/v1/notices/{notice_id}/send", json={"at": "2030-01-01T09:00:00"}, headers=headers
    )
    assert naive.status_code == 422
    assert harness.client.get(f"/api/v1/notices/{notice_id}", headers=headers).json()["status"] == "draft"

"""The outbox sender against a fake LINE that fails on purpose: every message arrives exactly once."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.chat import messages as m
from bot.main import build_sender
from bot.outbox import service as outbox
from bot.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from bot.residents.models import Resident
from bot.staff import service as staff
from bot.staff.models import AuditEntry, Role
from tests.harness import Harness


def queue_push(harness: Harness, user_id: str, body: str = "แจ้งความคืบหน้า") -> int:
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident).where(Resident.line_user_id == user_id)).first()
        row = outbox.enqueue_push(
            session,
            resident_id=resident.id if resident else None,
            user_id=user_id,
            messages=[m.text(body)],
            now=harness.clock(),
        )[0]
        session.commit()
        return row.id or 0


def row(harness: Harness, outbox_id: int) -> OutboxMessage:
    with Session(harness.engine) as session:
        found = session.get(OutboxMessage, outbox_id)
        assert found is not None
        return found


def deliver_after(harness: Harness, seconds: float) -> None:
    harness.clock.advance(seconds=seconds)
    harness.deliver()


def test_reply_while_token_is_fresh_is_free(harness: Harness) -> None:
    user = harness.new_user()
    harness.say(user, "ช่วยเหลือ")
    assert len(harness.line.calls("replyMessage")) == 1
    assert harness.line.calls("pushMessage") == []


def test_stale_reply_token_falls_back_to_push_with_retry_key(harness: Harness) -> None:
    user = harness.new_user()
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.processor.process_all()
    harness.clock.advance(seconds=harness.settings.reply_token_ttl_seconds + 1)
    harness.deliver()
    pushes = harness.line.calls("pushMessage")
    assert harness.line.calls("replyMessage") == [] and len(pushes) == 1
    assert pushes[0].headers["x-line-retry-key"]
    assert len(harness.line.state.messages_to(user)) == 1


def test_reply_refused_for_its_token_is_pushed_instead(harness: Harness) -> None:
    user = harness.new_user()
    event = harness.event("text", user, text="ช่วยเหลือ")
    harness.line.state.reply_tokens.clear()  # LINE no longer knows the token
    harness.post_events(event)
    harness.run()
    assert [c.status for c in harness.line.calls("replyMessage")] == [400]
    assert len(harness.line.calls("pushMessage")) == 1
    assert len(harness.line.state.messages_to(user)) == 1


def test_500_then_429_then_success_delivers_once_with_the_same_retry_key(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)
    harness.line.state.fail_next("pushMessage", 500)
    harness.line.state.fail_next("pushMessage", 429)
    harness.deliver()
    assert row(harness, outbox_id).status == OutboxStatus.PENDING
    for _ in range(3):
        deliver_after(harness, 400)  # past the capped back-off
    calls = harness.line.calls("pushMessage")
    assert [c.status for c in calls] == [500, 429, 200]
    assert len({c.headers["x-line-retry-key"] for c in calls}) == 1
    assert row(harness, outbox_id).status == OutboxStatus.SENT
    assert harness.line.state.texts_to(user) == ["แจ้งความคืบหน้า"]


def test_timeout_after_line_accepted_is_not_sent_twice(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)
    harness.line.state.fail_next("pushMessage", 0, delay_seconds=3)  # client gives up after 2 s
    harness.deliver()
    assert row(harness, outbox_id).status == OutboxStatus.PENDING
    deliver_after(harness, 400)
    assert row(harness, outbox_id).status == OutboxStatus.SENT
    assert harness.line.state.texts_to(user) == ["แจ้งความคืบหน้า"]


def test_lost_response_then_409_counts_as_sent(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)
    harness.line.state.fail_next("pushMessage", 502, after_processing=True)
    harness.deliver()
    deliver_after(harness, 400)
    assert [c.status for c in harness.line.calls("pushMessage")] == [502, 409]
    assert row(harness, outbox_id).status == OutboxStatus.SENT
    assert harness.line.state.texts_to(user) == ["แจ้งความคืบหน้า"]


def test_sender_killed_between_send_and_mark_sent_does_not_duplicate(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)

    async def send_then_die() -> None:
        async with build_sender(harness.runtime) as sender:
            claimed = sender._claim(harness.clock(), 10)
            await sender._attempt(claimed[0])  # LINE has it; we crash before recording

    asyncio.run(send_then_die())
    assert row(harness, outbox_id).status == OutboxStatus.SENDING
    harness.deliver()
    assert len(harness.line.calls("pushMessage")) == 1  # still leased: nobody resends yet
    deliver_after(harness, 61)  # the lease expires; another sender takes over
    assert [c.status for c in harness.line.calls("pushMessage")] == [200, 409]
    assert row(harness, outbox_id).status == OutboxStatus.SENT
    assert harness.line.state.texts_to(user) == ["แจ้งความคืบหน้า"]


def test_400_goes_to_dead_letters_which_an_admin_can_requeue(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)
    harness.line.state.fail_next("pushMessage", 400)
    harness.deliver()
    assert row(harness, outbox_id).status == OutboxStatus.DEAD
    with Session(harness.engine) as session:
        _, admin_token = staff.create_staff(session, name="ผู้ดูแล", role=Role.ADMIN, now=harness.clock())
        _, officer_token = staff.create_staff(session, name="เจ้าหน้าที่", role=Role.OFFICER, now=harness.clock())
        session.commit()
    client: TestClient = harness.client
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert client.get("/api/v1/outbox/dead", headers={"Authorization": f"Bearer {officer_token}"}).status_code == 403
    dead = client.get("/api/v1/outbox/dead", headers=admin).json()
    assert [d["id"] for d in dead] == [outbox_id] and "400" in dead[0]["last_error"]
    assert client.post(f"/api/v1/outbox/{outbox_id}/requeue", headers=admin).json()["status"] == "pending"
    assert client.post(f"/api/v1/outbox/{outbox_id}/requeue", headers=admin).status_code == 409
    assert client.post("/api/v1/outbox/999999/requeue", headers=admin).status_code == 404
    deliver_after(harness, 60)  # the API stamps real time; the test clock trails it
    assert row(harness, outbox_id).status == OutboxStatus.SENT
    with Session(harness.engine) as session:
        actions = [a.action for a in session.exec(select(AuditEntry)).all()]
    assert actions == ["outbox.requeue"]


def test_401_pauses_all_sending_until_the_pause_ends(harness: Harness) -> None:
    user = harness.new_user()
    first, second = queue_push(harness, user, "หนึ่ง"), queue_push(harness, user, "สอง")
    harness.line.state.fail_next("pushMessage", 401)
    harness.deliver()

    def ours() -> int:  # the fake LINE is shared: a late request of an earlier test must not count
        return sum(1 for c in harness.line.calls("pushMessage") if c.body.get("to") == user)

    calls_before = ours()
    deliver_after(harness, 60)
    assert ours() == calls_before  # paused: no calls at all
    deliver_after(harness, harness.settings.outbox_pause_on_401_seconds)
    assert row(harness, first).status == OutboxStatus.SENT and row(harness, second).status == OutboxStatus.SENT
    assert sorted(harness.line.state.texts_to(user)) == ["สอง", "หนึ่ง"]


def test_gives_up_well_inside_the_retry_key_window(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)
    harness.line.state.fail_next("pushMessage", 503, times=1000)
    for _ in range(40):
        deliver_after(harness, 1800)
        if row(harness, outbox_id).status == OutboxStatus.DEAD:
            break
    dead = row(harness, outbox_id)
    assert dead.status == OutboxStatus.DEAD
    assert dead.sent_at is None and harness.clock() - dead.created_at < timedelta(hours=24)


def test_nothing_is_sent_to_a_resident_who_blocked_us(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    before = len(harness.line.state.messages_to(user))
    outbox_id = queue_push(harness, user)
    harness.unfollow(user)
    assert row(harness, outbox_id).status == OutboxStatus.SKIPPED
    assert len(harness.line.state.messages_to(user)) == before


def test_more_than_five_messages_become_a_reply_and_a_push(harness: Harness) -> None:
    rows = outbox.reply(
        resident_id=None,
        user_id="U" + "a" * 32,
        reply_token="t",
        reply_expires_at=harness.clock(),
        messages=[m.text(str(i)) for i in range(7)],
        now=harness.clock(),
    )
    assert [(r["kind"], len(json.loads(r["messages"]))) for r in rows] == [(OutboxKind.REPLY, 5), (OutboxKind.PUSH, 2)]
    assert len({r["retry_key"] for r in rows}) == 2


def test_multicast_is_chunked_by_500_each_with_its_own_retry_key(harness: Harness) -> None:
    users = [harness.line.state.add_user(f"u{i}") for i in range(1001)]
    with Session(harness.engine) as session:
        rows = outbox.enqueue_multicast(session, user_ids=users, messages=[m.text("ประกาศ")], now=harness.clock())
        session.commit()
    assert len(rows) == 3
    harness.line.state.fail_next("multicast", 500)
    harness.deliver()
    deliver_after(harness, 400)
    ok = [c for c in harness.line.calls("multicast") if c.status == 200]
    assert len(ok) == 3 and sorted(u for c in ok for u in c.body["to"]) == sorted(users)
    assert all(harness.line.state.texts_to(u) == ["ประกาศ"] for u in users)


def test_each_person_gets_our_messages_in_the_order_we_wrote_them(harness: Harness) -> None:
    user = harness.new_user()
    token = harness.line.state.issue_reply_token(user)
    with Session(harness.engine) as session:
        answer = outbox.reply(
            resident_id=None,
            user_id=user,
            reply_token=token,
            reply_expires_at=harness.clock() + timedelta(seconds=30),
            messages=[m.text(str(i)) for i in range(7)],
            now=harness.clock(),
        )
        outbox.insert(session, answer)
        outbox.enqueue_push(session, resident_id=None, user_id=user, messages=[m.text("7")], now=harness.clock())
        session.commit()
    harness.line.state.fail_next("replyMessage", 429)  # the first row retries; the others wait behind it
    harness.deliver()
    deliver_after(harness, 5)
    assert harness.line.state.texts_to(user) == [str(i) for i in range(8)]


def test_two_sender_lanes_side_by_side_keep_each_persons_order(harness: Harness) -> None:
    """The worker runs its sender's batches side by side (lanes): a lane's claim skips the other's rows, and a
    person's later rows wait behind their unsent ones, so each still gets our messages in order, once each."""
    users = [harness.new_user(f"lane{i}") for i in range(6)]
    with Session(harness.engine) as session:
        for i in range(5):
            for user in users:
                outbox.enqueue_push(
                    session, resident_id=None, user_id=user, messages=[m.text(str(i))], now=harness.clock()
                )
        session.commit()

    async def lanes() -> None:
        async with build_sender(harness.runtime) as sender:
            while sum(await asyncio.gather(sender.deliver_due(limit=4), sender.deliver_due(limit=4))):
                pass

    asyncio.run(lanes())
    assert all(harness.line.state.texts_to(user) == ["0", "1", "2", "3", "4"] for user in users)
    assert len(harness.line.calls("pushMessage")) == 30


# --- a reply has no retry key: an attempt whose outcome is unknown is never repeated ---------------


def reply_rows(harness: Harness, user_id: str) -> list[OutboxMessage]:
    with Session(harness.engine) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.recipient == user_id)).all())


def wait_for_deliveries(harness: Harness, user_id: str, count: int, seconds: float = 5.0) -> None:
    """The fake LINE may record a call after our client gave up on it: wait for it, briefly."""
    deadline = time.monotonic() + seconds
    while len(harness.line.state.messages_to(user_id)) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_reply_accepted_then_500_is_delivered_once_and_marked_uncertain(harness: Harness) -> None:
    user = harness.new_user()
    harness.line.state.fail_next("replyMessage", 500, after_processing=True)
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.run()
    for _ in range(3):
        deliver_after(harness, 400)
    assert [c.status for c in harness.line.calls("replyMessage")] == [500]
    assert harness.line.calls("pushMessage") == []
    assert len(harness.line.state.messages_to(user)) == 1
    assert [r.status for r in reply_rows(harness, user)] == [OutboxStatus.SENT_UNCERTAIN]


def test_reply_timeout_after_line_accepted_is_delivered_once(harness: Harness) -> None:
    user = harness.new_user()
    harness.line.state.fail_next("replyMessage", 0, delay_seconds=3)  # client gives up after 2 s; LINE sends
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.run()
    wait_for_deliveries(harness, user, 1)
    for _ in range(3):
        deliver_after(harness, 400)
    wait_for_deliveries(harness, user, 2, seconds=1)
    assert len(harness.line.calls("replyMessage")) == 1 and harness.line.calls("pushMessage") == []
    assert len(harness.line.state.messages_to(user)) == 1
    assert [r.status for r in reply_rows(harness, user)] == [OutboxStatus.SENT_UNCERTAIN]


def test_worker_killed_between_lines_200_and_the_commit_replies_once(harness: Harness) -> None:
    user = harness.new_user()
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.processor.process_all()

    async def send_then_die() -> None:
        async with build_sender(harness.runtime) as sender:
            claimed = sender._claim(harness.clock(), 10)
            assert [(r.kind, r.status) for r in claimed] == [(OutboxKind.REPLY, OutboxStatus.SENDING)]
            await sender._attempt(claimed[0])  # LINE answered 200; we die before recording it

    asyncio.run(send_then_die())
    for _ in range(3):
        deliver_after(harness, 61)  # the lease expires: the outcome is unknown, so never again
    assert [c.status for c in harness.line.calls("replyMessage")] == [200]
    assert harness.line.calls("pushMessage") == []
    assert len(harness.line.state.messages_to(user)) == 1
    assert [r.status for r in reply_rows(harness, user)] == [OutboxStatus.SENT_UNCERTAIN]


def test_reply_connection_reset_after_sending_is_not_repeated(harness: Harness) -> None:
    user = harness.new_user()
    harness.line.state.fail_next("replyMessage", 0, after_processing=True, reset=True)
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.run()
    deliver_after(harness, 400)
    assert len(harness.line.calls("replyMessage")) == 1 and harness.line.calls("pushMessage") == []
    assert len(harness.line.state.messages_to(user)) == 1
    assert [r.status for r in reply_rows(harness, user)] == [OutboxStatus.SENT_UNCERTAIN]


def test_push_reset_after_sending_is_retried_and_409_counts_as_sent(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)
    harness.line.state.fail_next("pushMessage", 0, after_processing=True, reset=True)
    harness.deliver()
    deliver_after(harness, 400)
    assert [c.status for c in harness.line.calls("pushMessage")][-1] == 409
    assert row(harness, outbox_id).status == OutboxStatus.SENT
    assert harness.line.state.texts_to(user) == ["แจ้งความคืบหน้า"]


def test_reply_refused_with_429_is_retried_with_the_same_token(harness: Harness) -> None:
    user = harness.new_user()
    harness.line.state.fail_next("replyMessage", 429)  # LINE said plainly: not processed
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.run()
    deliver_after(harness, 2)
    assert [c.status for c in harness.line.calls("replyMessage")] == [429, 200]
    assert harness.line.calls("pushMessage") == []
    assert len(harness.line.state.messages_to(user)) == 1


def test_429_retry_after_is_honoured(harness: Harness) -> None:
    user = harness.new_user()
    outbox_id = queue_push(harness, user)
    harness.line.state.fail_next("pushMessage", 429, headers={"Retry-After": "120"})
    harness.deliver()
    due = row(harness, outbox_id).next_attempt_at
    assert due - harness.clock() >= timedelta(seconds=119)
    deliver_after(harness, 60)
    assert len(harness.line.calls("pushMessage")) == 1
    deliver_after(harness, 61)
    assert row(harness, outbox_id).status == OutboxStatus.SENT


def test_operators_see_uncertain_replies_counted_and_listed(harness: Harness) -> None:
    user = harness.new_user()
    harness.line.state.fail_next("replyMessage", 502, after_processing=True)
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.run()
    admin = harness.staff_token("admin")
    listed = harness.client.get("/api/v1/outbox/uncertain", headers=admin)
    assert listed.status_code == 200
    [item] = listed.json()
    assert item["status"] == "sent_uncertain" and item["kind"] == "reply" and "502" in item["last_error"]
    counts = harness.client.get("/api/v1/outbox/counts", headers=admin).json()
    assert counts["sent_uncertain"] == 1
    officer = harness.staff_token("officer")
    assert harness.client.get("/api/v1/outbox/uncertain", headers=officer).status_code == 403


def test_multicasts_due_at_once_go_out_at_the_notice_rate(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A lagging sender catches up by half a second's worth of notice chunks at once, then keeps to the rate
    (a burst of every overdue chunk drew LINE's 429s)."""
    rate = harness.runtime.settings.notice_multicast_per_second
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("bot.line.sender.time.monotonic", lambda: 1000.0)  # all due at the same instant
    monkeypatch.setattr("bot.line.sender.asyncio.sleep", sleep)
    sender = build_sender(harness.runtime)

    async def fan_out(count: int) -> None:
        for _ in range(count):
            await sender._fan_out_slot()

    asyncio.run(fan_out(int(rate / 2) + 10))
    assert len(waits) == 10  # half a second's worth went at once; the next ten wait their turn
    assert all(abs(wait - k / rate) < 1e-9 for wait, k in zip(waits, range(1, 11), strict=True))

"""Forums end to end: create, announce with RSVP buttons, RSVP by tap, reminders, cancel — through
signed webhooks, the admin API and the fake LINE."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.staff.models import Role
from tests.forums.helpers import create_forum, forum_body, run_scheduler, starts_at
from tests.harness import Harness
from tests.notices.helpers import auth, deliver, outbox_rows


def residents(harness: Harness, *villages: int) -> list[str]:
    users = []
    for village in villages:
        user = harness.new_user()
        harness.onboard(user, village=village)
        users.append(user)
    return users


def test_create_announce_and_rsvp_by_tap(harness: Harness) -> None:
    one, two, far = residents(harness, 1, 2, 5)
    headers = auth(harness)
    forum = create_forum(harness, headers)
    assert forum["rsvp"] == {"going": 0, "not_going": 0, "maybe": 0} and len(forum["check_in_code"]) == 4
    assert forum["notices"] == {"reminder": [forum["notices"]["reminder"][0]]}  # scheduled with the forum
    announced = harness.client.post(f"/api/v1/forums/{forum['id']}/announce", headers=headers)
    assert announced.status_code == 200, announced.text
    notice = announced.json()
    assert notice["purpose"] == "forum_announcement" and notice["recipient_count"] == 2
    text, question = notice["messages"]
    assert "ศาลาประชาคมบ้านพนา" in text["text"] and "น." in text["text"] and "หมู่ 1 บ้านพนา" in text["text"]
    assert [a["label"] for a in question["template"]["actions"]] == ["ไป", "ไม่ไป", "ยังไม่แน่ใจ", "ส่งความคิดเห็น"]
    deliver(harness)
    assert any("ขอเชิญร่วมเวทีประชาคม" in t for t in harness.line.state.texts_to(one))
    assert not any("ขอเชิญร่วมเวทีประชาคม" in t for t in harness.line.state.texts_to(far))
    again = harness.client.post(f"/api/v1/forums/{forum['id']}/announce", headers=headers)
    assert again.status_code == 409 and "จะไม่ส่งซ้ำ" in again.json()["detail"]

    going = harness.last_message(one)["template"]["actions"][0]["data"]
    reply = harness.tap(one, going)[0]
    assert "จะไปร่วมเวที" in reply and "หมายเลขลงทะเบียนของท่าน: 1" in reply
    maybe = harness.last_message(two)["template"]["actions"][2]["data"]
    harness.tap(two, maybe)
    harness.tap(one, f"rsvp:{forum['id']}:maybe")  # changed their mind
    harness.tap(far, f"rsvp:{forum['id']}:not_going")  # anyone may answer; forums are open to all
    shown = harness.client.get(f"/api/v1/forums/{forum['id']}", headers=headers).json()
    assert shown["rsvp"] == {"going": 0, "not_going": 1, "maybe": 2}


def test_upcoming_forums_for_the_residents_village(harness: Harness) -> None:
    mine, other = residents(harness, 2, 6)
    headers = auth(harness)
    first = create_forum(harness, headers, topic="เวทีแผนพัฒนา")
    create_forum(harness, headers, topic="เวทีหมู่ 6 เท่านั้น", villages=[6])
    create_forum(harness, headers, topic="เวทีงบประมาณ", starts_at=(harness.clock() + timedelta(days=10)).isoformat())
    create_forum(harness, headers, topic="เวทีน้ำประปา", starts_at=(harness.clock() + timedelta(days=20)).isoformat())
    replies = harness.say(mine, "ประชาคม")
    assert "เวทีแผนพัฒนา" in replies[0] and "ท่านจะไปร่วมเวทีนี้ไหมคะ" in replies[1]
    assert "เวทีงบประมาณ" in replies[2] and "อีก 1 เวที" in replies[4]
    assert not any("หมู่ 6 เท่านั้น" in r for r in replies)
    harness.tap(mine, f"rsvp:{first['id']}:going")
    assert "คำตอบของท่าน: ไป" in harness.say(mine, "ประชาคม")[0]
    assert "หมู่ 6" in harness.say(other, "เวทีประชาคม")[0]
    lonely = residents(harness, 8)[0]
    assert "ยังไม่มีเวทีประชาคมของหมู่ 8 บ้านโนนสว่างที่กำลังจะจัดค่ะ" in harness.say(lonely, "ประชาคม")[0]


def test_rsvp_to_a_past_or_cancelled_forum_is_politely_refused(harness: Harness) -> None:
    user, other = residents(harness, 1, 1)
    headers = auth(harness)
    forum = create_forum(harness, headers)
    harness.tap(user, f"rsvp:{forum['id']}:going")
    harness.clock.now = starts_at(forum) + timedelta(minutes=1)
    assert "เริ่มไปแล้ว" in harness.tap(user, f"rsvp:{forum['id']}:not_going")[0]

    second = create_forum(harness, headers, starts_at=(harness.clock() + timedelta(days=30)).isoformat())
    harness.tap(other, f"rsvp:{second['id']}:maybe")
    cancelled = harness.client.post(
        f"/api/v1/forums/{second['id']}/cancel", json={"reason": "ติดภารกิจน้ำท่วม"}, headers=headers
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert "ยกเลิกแล้ว" in harness.tap(other, f"rsvp:{second['id']}:going")[0]
    assert "ไม่พบเวทีประชาคมนี้" in harness.tap(other, "rsvp:9999:going")[0]
    assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in harness.tap(other, "rsvp:abc:going")[0]
    shown = harness.client.get(f"/api/v1/forums/{forum['id']}", headers=headers).json()
    assert shown["rsvp"]["going"] == 1 and shown["rsvp"]["not_going"] == 0


def test_capacity_limits_going_but_not_maybe(harness: Harness) -> None:
    first, second = residents(harness, 1, 1)
    forum = create_forum(harness, auth(harness), capacity=1)
    harness.tap(first, f"rsvp:{forum['id']}:going")
    assert "ครบจำนวน" in harness.tap(second, f"rsvp:{forum['id']}:going")[0]
    assert "ยังไม่แน่ใจ" in harness.tap(second, f"rsvp:{forum['id']}:maybe")[0]
    assert "จะไปร่วมเวที" in harness.tap(first, f"rsvp:{forum['id']}:going")[0]  # answering again is fine


def test_reminder_the_day_before_to_going_and_maybe_with_date_time_and_place(harness: Harness) -> None:
    going, maybe, not_going, silent = residents(harness, 1, 1, 2, 2)
    headers = auth(harness)
    forum = create_forum(harness, headers)
    harness.tap(going, f"rsvp:{forum['id']}:going")
    harness.tap(maybe, f"rsvp:{forum['id']}:maybe")
    harness.tap(not_going, f"rsvp:{forum['id']}:not_going")
    reminder_at = starts_at(forum) - timedelta(hours=24)
    assert run_scheduler(harness, reminder_at - timedelta(minutes=1)) == 0
    assert run_scheduler(harness, reminder_at) == 1
    assert run_scheduler(harness, reminder_at + timedelta(minutes=5)) == 0
    harness.clock.now = reminder_at
    deliver(harness, seconds=1)
    for user in (going, maybe):
        reminders = [t for t in harness.line.state.texts_to(user) if t.startswith("⏰ แจ้งเตือนเวทีประชาคม")]
        assert len(reminders) == 1
        assert "ศาลาประชาคมบ้านพนา" in reminders[0] and "เวลา" in reminders[0] and "ลงชื่อ" in reminders[0]
    for user in (not_going, silent):
        assert not any(t.startswith("⏰") for t in harness.line.state.texts_to(user))
    assert "ไม่สะดวกไป" in harness.tap(going, harness.quick_replies(going)[0]["data"])[0]  # ไม่ไป from the reminder


def test_a_custom_reminder_time_and_a_forum_at_short_notice(harness: Harness) -> None:
    headers = auth(harness)
    residents(harness, 1)
    forum = create_forum(harness, headers, reminder_hours_before=48)
    reminder_id = forum["notices"]["reminder"][0]
    scheduled = harness.client.get(f"/api/v1/notices/{reminder_id}", headers=headers).json()["scheduled_at"]
    assert abs((starts_at(forum) - timedelta(hours=48)).timestamp() - _ts(scheduled)) < 1
    soon = create_forum(harness, headers, starts_at=(harness.clock() + timedelta(hours=4)).isoformat())
    soon_reminder = harness.client.get(f"/api/v1/notices/{soon['notices']['reminder'][0]}", headers=headers).json()
    assert 1.5 * 3600 < _ts(soon_reminder["scheduled_at"]) - harness.clock().timestamp() < 2.5 * 3600  # halfway


def _ts(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value).timestamp()


def test_cancelling_tells_those_coming_and_drops_the_reminder(harness: Harness) -> None:
    going, not_going = residents(harness, 1, 1)
    headers = auth(harness)
    forum = create_forum(harness, headers)
    harness.tap(going, f"rsvp:{forum['id']}:going")
    harness.tap(not_going, f"rsvp:{forum['id']}:not_going")
    harness.client.post(f"/api/v1/forums/{forum['id']}/cancel", json={"reason": "ฝนตกหนัก"}, headers=headers)
    deliver(harness)
    assert any("ยกเลิกแล้ว" in t and "ฝนตกหนัก" in t for t in harness.line.state.texts_to(going))
    assert not any("ฝนตกหนัก" in t for t in harness.line.state.texts_to(not_going))
    assert run_scheduler(harness, starts_at(forum) - timedelta(hours=1)) == 0
    again = harness.client.post(f"/api/v1/forums/{forum['id']}/cancel", json={"reason": "x"}, headers=headers)
    assert again.status_code == 409
    late = harness.client.post(f"/api/v1/forums/{forum['id']}/announce", headers=headers)
    assert late.status_code == 409 and "ยกเลิก" in late.json()["detail"]


def test_a_scheduled_announcement_goes_out_on_time_and_not_after_the_start(harness: Harness) -> None:
    user = residents(harness, 2)[0]
    headers = auth(harness)
    forum = create_forum(harness, headers)
    at = harness.clock() + timedelta(hours=2)
    scheduled = harness.client.post(
        f"/api/v1/forums/{forum['id']}/announce", json={"at": at.isoformat()}, headers=headers
    ).json()
    assert scheduled["status"] == "scheduled"
    assert run_scheduler(harness, at) == 1
    harness.clock.now = at
    deliver(harness, seconds=1)
    assert any("ขอเชิญร่วมเวทีประชาคม" in t for t in harness.line.state.texts_to(user))

    late = create_forum(harness, headers)
    later = (harness.clock() + timedelta(hours=1)).isoformat()
    assert (
        harness.client.post(f"/api/v1/forums/{late['id']}/announce", json={"at": later}, headers=headers).status_code
        == 200
    )
    assert run_scheduler(harness, starts_at(late) + timedelta(minutes=1)) >= 1  # the worker was down till then
    notices = harness.client.get(f"/api/v1/forums/{late['id']}", headers=headers).json()["notices"]
    announcement = harness.client.get(f"/api/v1/notices/{notices['announcement'][0]}", headers=headers).json()
    assert announcement["status"] == "cancelled"  # an invitation after the start means nothing


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"villages": [9]}, "ไม่พบหมู่ที่ 9"),
        ({"starts_at": "2020-01-01T09:00:00+07:00"}, "อนาคต"),
        ({"map_url": "javascript:alert(1)"}, "javascript:"),
    ],
)
def test_bad_forums_are_refused(harness: Harness, change: dict[str, object], expected: str) -> None:
    response = harness.client.post("/api/v1/forums", json=forum_body(harness.clock(), **change), headers=auth(harness))
    assert response.status_code == 422 and expected in response.json()["detail"]
    assert harness.client.get("/api/v1/forums", headers=auth(harness)).json() == []


def test_forum_validation_of_shapes_and_roles(harness: Harness) -> None:
    headers = auth(harness)
    no_village = forum_body(harness.clock(), villages=[])
    assert harness.client.post("/api/v1/forums", json=no_village, headers=headers).status_code == 422
    naive = forum_body(harness.clock(), starts_at="2030-01-01T09:00:00")
    assert harness.client.post("/api/v1/forums", json=naive, headers=headers).status_code == 422
    assert harness.client.post("/api/v1/forums", json=forum_body(harness.clock())).status_code == 401
    tips_only = auth(harness, Role.INTEGRITY_OFFICER)
    assert harness.client.post("/api/v1/forums", json=forum_body(harness.clock()), headers=tips_only).status_code == 403
    assert harness.client.get("/api/v1/forums/999", headers=headers).status_code == 404
    nobody = create_forum(harness, headers, villages=[7])
    refused = harness.client.post(f"/api/v1/forums/{nobody['id']}/announce", headers=headers)
    assert refused.status_code == 409 and "ยังไม่มีผู้รับ" in refused.json()["detail"]
    assert outbox_rows(harness) == []

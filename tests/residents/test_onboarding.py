"""Follow, PDPA consent and village choice, end to end through signed webhooks and the fake LINE."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.residents.models import ConsentRecord, FollowStatus, Resident
from tests.harness import Harness


def resident(harness: Harness, user_id: str) -> Resident:
    with Session(harness.engine) as session:
        return session.exec(select(Resident).where(Resident.line_user_id == user_id)).one()


def test_follow_shows_welcome_then_pdpa_notice_before_asking_anything(harness: Harness) -> None:
    user = harness.new_user()
    replies = harness.follow(user)
    assert replies[0].startswith("สวัสดีค่ะ")
    assert "PDPA" in replies[1] and "ระยะเวลา" in replies[1] and "สิทธิ" in replies[1]
    assert "ยินยอม" in replies[2]
    confirm = harness.last_message(user)
    assert confirm["type"] == "template" and confirm["template"]["type"] == "confirm"
    assert [a["data"] for a in confirm["template"]["actions"]] == ["consent:1", "consent:0"]
    assert resident(harness, user).consent_version is None
    assert len(harness.line.calls("replyMessage")) == 1  # one free reply, three messages


def test_consent_is_recorded_with_notice_version_then_village_by_tap(harness: Harness) -> None:
    user = harness.new_user()
    harness.follow(user)
    replies = harness.tap(user, "consent:1")
    assert "เลือกหมู่บ้าน" in replies[0]
    labels = [a["label"] for a in harness.quick_replies(user)]
    assert labels[0] == "หมู่ 1 บ้านพนา" and len(labels) == len(harness.org.villages)
    replies = harness.tap(user, "village:3")
    assert "หมู่ 3 บ้านหนองผือ" in replies[0]
    saved = resident(harness, user)
    assert saved.village_no == 3
    assert saved.consent_version == harness.org.privacy.notice_version
    with Session(harness.engine) as session:
        records = session.exec(select(ConsentRecord)).all()
    assert [(r.decision, r.notice_version) for r in records] == [("given", harness.org.privacy.notice_version)]


def test_village_can_be_typed_in_thai_digits(harness: Harness) -> None:
    user = harness.new_user()
    harness.follow(user)
    harness.tap(user, "consent:1")
    assert "ไม่พบหมู่บ้าน" in harness.say(user, "หมู่ 99")[0]
    assert "หมู่ 5" in harness.say(user, "หมู่ที่ ๕")[0]
    assert resident(harness, user).village_no == 5


def test_declining_keeps_nothing_and_gates_services(harness: Harness) -> None:
    user = harness.new_user()
    harness.follow(user)
    assert "จะไม่เก็บข้อมูล" in harness.tap(user, "consent:0")[0]
    replies = harness.say(user, "เปลี่ยนหมู่บ้าน")
    assert "ขอความยินยอม" in replies[0]
    assert resident(harness, user).village_no is None


def test_refollow_resumes_without_asking_twice(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user, village=2)
    harness.unfollow(user)
    assert resident(harness, user).status == FollowStatus.BLOCKED
    replies = harness.follow(user)
    assert len(replies) == 1 and "ยินดีต้อนรับกลับ" in replies[0]
    assert resident(harness, user).status == FollowStatus.FOLLOWING

"""ข้อมูลของฉัน and ลบข้อมูลของฉัน: a resident sees what we hold and can have it erased."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from bot.line.models import InboxEvent
from bot.outbox.models import OutboxMessage, OutboxStatus
from bot.residents.models import ConsentRecord, FollowStatus, Resident
from tests.harness import Harness


def test_my_data_shows_village_consent_and_stored_messages(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user, village=6)
    shown = harness.say(user, "ข้อมูลของฉัน")[0]
    assert "หมู่ 6 บ้านทุ่งใหญ่" in shown
    assert harness.org.privacy.notice_version in shown
    assert "4 รายการ" in shown  # follow, consent, village, and this question


def test_erasure_asks_first_and_no_keeps_everything(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ลบข้อมูลของฉัน")
    assert harness.last_message(user)["template"]["type"] == "confirm"
    assert "ไม่ลบข้อมูล" in harness.tap(user, "erase:0")[0]
    with Session(harness.engine) as session:
        assert session.exec(select(Resident)).one().line_user_id == user


def test_erasure_removes_identifiers_everywhere_but_keeps_anonymous_rows(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user, village=2)
    harness.say(user, "ลบข้อมูลของฉัน")
    replies = harness.say(user, "ลบข้อมูล")
    assert "ลบข้อมูลของท่านเรียบร้อยแล้ว" in replies[0]  # the goodbye still reaches them
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident)).one()
        assert resident.line_user_id is None and resident.status == FollowStatus.ERASED
        assert resident.village_no is None and resident.erased_at is not None
        assert session.exec(select(ConsentRecord)).all()  # proof of the earlier consent stays, anonymous
        assert all(
            r.status in (OutboxStatus.SENT, OutboxStatus.SKIPPED) for r in session.exec(select(OutboxMessage)).all()
        )
        for table in ("inbox_event", "outbox_message", "resident", "conversation", "consent_record"):
            dump = " ".join(str(row) for row in session.execute(text(f"SELECT * FROM {table}")).all())
            assert user not in dump, table
        assert session.exec(select(InboxEvent)).all()  # the rows stay, emptied


def test_after_erasure_a_new_message_starts_afresh_with_consent(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ลบข้อมูลของฉัน")
    harness.tap(user, "erase:1")
    replies = harness.say(user, "เปลี่ยนหมู่บ้าน")
    assert "ขอความยินยอม" in replies[0]
    with Session(harness.engine) as session:
        assert len(session.exec(select(Resident)).all()) == 2


def test_typing_something_else_while_confirming_erasure_asks_again(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ลบข้อมูลของฉัน")
    assert "กรุณาแตะ" in harness.say(user, "อืม")[0]
    assert "ไม่ลบข้อมูล" in harness.say(user, "ไม่ลบ")[0]


def test_withdrawing_consent_is_recorded(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ถอนความยินยอม")
    with Session(harness.engine) as session:
        decisions = [r.decision for r in session.exec(select(ConsentRecord).order_by(ConsentRecord.id))]
        assert decisions == ["given", "withdrawn"]
        assert session.exec(select(Resident)).one().consent_version is None


def test_declining_consent_forgets_what_was_sent_before(harness: Harness) -> None:
    """ไม่ยินยอม says "เราจะไม่เก็บข้อมูลของท่าน": the messages sent before it are not kept, and ข้อมูลของฉัน
    counts only what came after (here: the question itself)."""
    user = harness.new_user()
    harness.follow(user)
    for said in ("สวัสดีค่ะ", "ไฟดับที่หมู่ 3 ค่ะ", "บ้านเลขที่ 12 โทร 0812345678"):
        harness.say(user, said)
    # The decline and a message right after it arrive together: the later one is still handled as sent.
    harness.post_events(harness.event("postback", user, data="consent:0"), harness.event("text", user, text="ติดต่อ"))
    harness.run()
    assert any("เราจะไม่เก็บข้อมูลของท่าน" in t for t in harness.line.state.texts_to(user))
    assert any("045-000-000" in t for t in harness.line.state.texts_to(user))  # ติดต่อ was answered
    with Session(harness.engine) as session:
        dump = " ".join(e.payload for e in session.exec(select(InboxEvent)).all())
    assert "0812345678" not in dump and "ไฟดับ" not in dump and "consent:0" not in dump
    assert "ติดต่อ" in dump
    shown = harness.say(user, "ข้อมูลของฉัน")[0]
    assert "เก็บไว้: 2 รายการ" in shown  # ติดต่อ, sent after the decline, and this question


def test_withdrawing_consent_forgets_the_messages_too(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "บ้านเลขที่ 12 โทร 0812345678")
    harness.say(user, "ถอนความยินยอม")
    assert "เก็บไว้: 1 รายการ" in harness.say(user, "ข้อมูลของฉัน")[0]

"""The sealed tip channel: filing, confidentiality (canaries), integrity-officer-only API, audit, tracking."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from bot.crypto import Sealer
from bot.staff.models import AuditEntry
from bot.tips import service
from bot.tips.models import Tip
from tests.harness import Harness

CODE = re.compile(r"T25\d\d-\d{5}")
CANARY_NAME = "สมปองแคนารี่"
CANARY_PHONE = "0891234567"


def file_tip(harness: Harness, user: str, anonymous: bool) -> str:
    harness.say(user, "แจ้งทุจริต")
    assert "เข้ารหัส" in harness.line.state.texts_to(user)[-2]  # protection explained first
    harness.say(user, "ไม่เปิดเผยชื่อ" if anonymous else "เปิดเผยชื่อ")
    if not anonymous:
        harness.say(user, CANARY_NAME)
        harness.say(user, CANARY_PHONE)
    harness.say(user, "หัวหน้าส่วนรับเงินใต้โต๊ะจากผู้รับเหมาโครงการถนนหมู่ 3")
    harness.say(user, "ไม่แน่ใจ")  # the type is optional
    harness.say(user, "หัวหน้าส่วนโยธา")
    harness.say(user, "มีนาคม 2569")
    harness.say(user, "ที่ทำการ อบต.")
    harness.say(user, "ถัดไป")
    replies = harness.say(user, "ยืนยัน")
    code = CODE.search(replies[0])
    assert code, replies
    return code.group(0)


def dump_database(harness: Harness) -> str:
    """Every row of every table, as text: where a canary must not be found."""
    with Session(harness.engine) as session:
        return "\n".join(
            str(row)
            for table in SQLModel.metadata.sorted_tables
            for row in session.execute(text(f'SELECT * FROM "{table.name}"')).all()
        )


def test_named_tip_keeps_the_reporter_sealed_everywhere(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    user = harness.new_user()
    harness.onboard(user)
    code = file_tip(harness, user, anonymous=False)
    harness.say(user, "ติดตาม")
    harness.say(user, f"ติดตาม {code}")
    officer = harness.staff_token("integrity_officer")
    harness.client.post(f"/api/v1/tips/{code}/transitions", json={"status": "investigating"}, headers=officer)
    harness.deliver()
    dump = dump_database(harness)
    for table_name in ("tip", "outbox_message", "conversation", "inbox_event", "audit_entry", "staff_notification"):
        assert table_name in {t.name for t in SQLModel.metadata.sorted_tables}
    assert CANARY_NAME not in dump and CANARY_PHONE not in dump
    with Session(harness.engine) as session:
        tip_rows = " ".join(str(r) for r in session.execute(text("SELECT * FROM tip")).all())
        outbox = session.execute(text("SELECT recipient, resident_id, messages FROM outbox_message")).all()
        inbox = session.execute(text("SELECT payload, user_id FROM inbox_event")).all()
    assert user not in tip_rows and "ใต้โต๊ะ" in tip_rows  # the content is there; who sent it is not
    sealed = [row for row in outbox if row.resident_id is None]  # the sealed replies, delivered and scrubbed
    assert len(sealed) >= 10 and all(row.recipient is None for row in sealed)
    for row in outbox:  # rows addressed to the user in clear say nothing about the tip
        if row.recipient == user:
            assert code not in row.messages and "ใต้โต๊ะ" not in row.messages
    assert all(row.messages == "[]" for row in sealed)  # content dropped once delivered
    for row in inbox:  # the typed tip and the tracking request are not kept with the user id
        if row.user_id == user:
            assert "ใต้โต๊ะ" not in row.payload and code not in row.payload and "ติดตาม" not in row.payload
    assert sum(1 for row in inbox if row.user_id is None and "sealed" in row.payload) >= 10
    logs = caplog.text
    assert user not in logs and CANARY_NAME not in logs and CANARY_PHONE not in logs
    assert any(f"อัปเดตเบาะแส {code}" in t for t in harness.line.state.texts_to(user))  # still reached
    detail = harness.client.get(f"/api/v1/tips/{code}", params={"reveal_reporter": True}, headers=officer).json()
    assert detail["reporter"] == {"name": CANARY_NAME, "phone": CANARY_PHONE, "reachable_in_line": True}


def test_anonymous_reporter_is_not_revealed_but_still_reached(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    code = file_tip(harness, user, anonymous=True)
    officer = harness.staff_token("integrity_officer")
    detail = harness.client.get(f"/api/v1/tips/{code}", params={"reveal_reporter": True}, headers=officer).json()
    assert detail["anonymous"] is True and detail["reporter"] is None
    response = harness.client.post(
        f"/api/v1/tips/{code}/transitions",
        headers=officer,
        json={"status": "referred", "public_note": "ส่งสำนักงาน ป.ป.ช. แล้ว"},
    )
    assert response.status_code == 200
    harness.deliver()
    assert "ส่งสำนักงาน ป.ป.ช. แล้ว" in harness.line.state.texts_to(user)[-1]


@pytest.mark.parametrize("role", ["officer", "manager", "admin", None])
def test_everyone_but_integrity_officers_gets_404(harness: Harness, role: str | None) -> None:
    user = harness.new_user()
    harness.onboard(user)
    code = file_tip(harness, user, anonymous=True)
    headers = harness.staff_token(role) if role else {}
    for method, path in (
        ("get", "/api/v1/tips"),
        ("get", f"/api/v1/tips/{code}"),
        ("post", f"/api/v1/tips/{code}/transitions"),
        ("get", f"/api/v1/tips/{code}/evidence/1"),
    ):
        response = harness.client.request(method, path, headers=headers, json={"status": "closed"})
        assert response.status_code == 404, (role, path)
    if role:  # tips appear in no general list or search
        listing = harness.client.get("/api/v1/complaints", params={"q": code}, headers=headers).json()
        assert listing["total"] == 0
        stats = harness.client.get("/api/v1/complaints/stats", headers=headers).json()
        assert stats["received"] == 0


def test_every_read_is_audited_and_transitions_follow_the_rules(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    code = file_tip(harness, user, anonymous=True)
    officer = harness.staff_token("integrity_officer", name="นางสาวโปร่งใส")
    assert harness.client.get("/api/v1/tips", headers=officer).json()["total"] == 1
    harness.client.get(f"/api/v1/tips/{code}", headers=officer)
    assert (
        harness.client.post(f"/api/v1/tips/{code}/transitions", json={"status": "closed"}, headers=officer).status_code
        == 409
    )
    assert (
        harness.client.post(
            f"/api/v1/tips/{code}/transitions", json={"status": "unsubstantiated"}, headers=officer
        ).status_code
        == 422
    )
    assert harness.client.get("/api/v1/tips/T2570-99999", headers=officer).status_code == 404
    with Session(harness.engine) as session:
        actions = [(a.action, a.actor) for a in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("tip.list", "นางสาวโปร่งใส"), ("tip.read", "นางสาวโปร่งใส")]


def test_tips_not_handled_in_time_are_flagged(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    code = file_tip(harness, user, anonymous=True)
    officer = harness.staff_token("integrity_officer")
    harness.clock.advance(days=harness.settings.tip_handle_days, minutes=1)
    assert harness.run_jobs()["tips"] == {"flagged": 1}
    assert harness.run_jobs()["tips"] == {"flagged": 0}
    flagged = harness.client.get("/api/v1/tips", params={"flagged": True}, headers=officer).json()
    assert [t["code"] for t in flagged["items"]] == [code]
    notes = harness.client.get("/api/v1/notifications", headers=officer).json()
    assert {n["kind"] for n in notes} == {"new_tip", "tip_unhandled"}
    counts = harness.client.get("/public/tips.json").json()
    assert counts["received"] == 1 and counts["in_progress"] == 1


def test_someone_elses_tip_code_reveals_nothing(harness: Harness) -> None:
    reporter, other = harness.new_user(), harness.new_user()
    harness.onboard(reporter)
    harness.onboard(other)
    code = file_tip(harness, reporter, anonymous=True)
    assert "ไม่พบเรื่องรหัสนี้" in harness.say(other, f"ติดตาม {code}")[0]
    assert code in harness.say(reporter, "ติดตาม")[0]


def test_cancelling_a_tip_keeps_nothing(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "แจ้งทุจริต")
    harness.say(user, "ไม่เปิดเผยชื่อ")
    harness.say(user, "มีการฮั้วประมูล")
    harness.say(user, "ยกเลิก")
    with Session(harness.engine) as session:
        assert session.exec(select(Tip)).all() == []
        conversations = " ".join(str(r) for r in session.execute(text("SELECT * FROM conversation")).all())
    assert "ฮั้ว" not in dump_database(harness) and "ฮั้ว" not in conversations


def test_key_rotation_reseals_everything(harness: Harness) -> None:
    from cryptography.fernet import Fernet

    user = harness.new_user()
    harness.onboard(user)
    code = file_tip(harness, user, anonymous=False)
    new_key = Fernet.generate_key().decode()
    old_key = harness.settings.tambon_tips_key.get_secret_value()  # type: ignore[union-attr]
    rotating = Sealer([new_key, old_key])
    with Session(harness.engine) as session:
        assert service.reseal_all(session, rotating) >= 1
        session.commit()
    only_new = Sealer([new_key])
    with Session(harness.engine) as session:
        tip = service.get(session, code)
        assert tip is not None and service.reporter_of(only_new, tip)["name"] == CANARY_NAME

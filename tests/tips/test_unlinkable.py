"""A database reader, or a reader of the logs, cannot tell who filed a tip.

After a filed tip, a tip turn that fails and an abandoned tip, every column of every row of every table
and every captured log line are searched for a link from the reporter (LINE id, resident row) to the
tip and its sealed rows: canary values, equal timestamps, resident ids.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
import struct
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from bot.chat.state import SealedDialog
from bot.crypto import coarse_time
from bot.line.models import InboxEvent, InboxStatus
from bot.residents.models import Resident
from bot.tips import service
from bot.tips.models import Tip
from tests.harness import Harness

CODE = re.compile(r"T25\d\d-\d{5}")
NAME, PHONE = "ประจักษ์พยานแคนารี่", "0867770001"
FILED = "แคนารี่หนึ่ง ปลัดรับเงินทอนโครงการประปาหมู่ 5"
FAILED = "แคนารี่สอง\u0000 นายกฯ ฮั้วประมูลถนนลาดยาง"
ABANDONED = "แคนารี่สาม ใบเสร็จปลอมค่าอาหารกลางวัน"
CANARIES = (NAME, PHONE, FILED.split()[0], FAILED.split("\u0000")[0], ABANDONED.split()[0])
FERNET = re.compile(r"gAAAAA[A-Za-z0-9_\-]{40,}={0,2}")


def step(harness: Harness, user: str, said: str) -> list[str]:
    harness.clock.advance(seconds=7, microseconds=123_457)  # never on a whole hour
    return harness.say(user, said)


def start_tip(harness: Harness, user: str, what: str, named: bool = False) -> None:
    step(harness, user, "แจ้งทุจริต")
    step(harness, user, "เปิดเผยชื่อ" if named else "ไม่เปิดเผยชื่อ")
    if named:
        step(harness, user, NAME)
        step(harness, user, PHONE)
    step(harness, user, what)


def finish_tip(harness: Harness, user: str, photo: str | None = None) -> list[str]:
    for said in ("ไม่แน่ใจ", "หัวหน้ากองช่าง", "ข้าม", "ข้าม"):
        step(harness, user, said)
    if photo:  # evidence: a LINE message id the fake LINE holds content for
        harness.clock.advance(seconds=7, microseconds=123_457)
        harness.post_events(harness.event("image", user, message_id=photo))
        harness.run()
    step(harness, user, "ถัดไป")
    return step(harness, user, "ยืนยัน")


def rows_of(harness: Harness) -> dict[str, list[dict[str, Any]]]:
    """Every column of every row of every table."""
    with Session(harness.engine) as session:
        return {
            table.name: [dict(r._mapping) for r in session.execute(text(f'SELECT * FROM "{table.name}"'))]
            for table in SQLModel.metadata.sorted_tables
        }


def times_in(row: dict[str, Any]) -> set[datetime]:
    """Every instant a row states: datetimes, and LINE's millisecond timestamps."""
    found: set[datetime] = set()
    for name, value in row.items():
        if isinstance(value, datetime):
            found.add(value if value.tzinfo else value.replace(tzinfo=UTC))
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00)?", value):
            parsed = datetime.fromisoformat(value)
            found.add(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
        elif name == "event_ts" and isinstance(value, int):
            found.add(datetime.fromtimestamp(value / 1000, UTC))
    return found


def test_a_database_and_log_reader_cannot_link_the_reporter_to_tips(
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    reporter, neighbour = harness.new_user(), harness.new_user()
    harness.onboard(reporter)
    harness.onboard(neighbour)
    step(harness, reporter, "เมนู")

    # 1. A named tip, filed.
    start_tip(harness, reporter, FILED, named=True)
    evidence = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 90, 200)).save(evidence, format="PNG")
    harness.line.state.content["900001"] = (evidence.getvalue(), "image/png")
    code = CODE.search(finish_tip(harness, reporter, photo="900001")[0])
    assert code, "the tip was not filed"
    harness.clock.advance(seconds=7, microseconds=123_457)
    assert harness.fetch_media() == 1  # kept in the media table, shared with complaints
    step(harness, reporter, "ขอบคุณค่ะ")  # ordinary again
    step(harness, neighbour, "เมนู")

    # 2. A tip turn that fails (a NUL in the text; PostgreSQL refuses it with the SQL parameters in the
    #    message, and on any database the handler's error here carries the tip text).
    real_file_tip = service.file_tip

    def failing_file_tip(*args: Any, **kwargs: Any) -> Tip:
        real_file_tip(*args, **kwargs)
        raise ValueError(f"cannot store {kwargs['what']!r} for {kwargs['line_user_id']}")

    monkeypatch.setattr(service, "file_tip", failing_file_tip)
    start_tip(harness, reporter, FAILED)
    finish_tip(harness, reporter)
    monkeypatch.setattr(service, "file_tip", real_file_tip)
    with Session(harness.engine) as session:
        failed = session.exec(select(InboxEvent).where(InboxEvent.status == InboxStatus.FAILED)).all()
    # The type, nothing of the message: PostgreSQL refuses the NUL (DataError), SQLite the handler above.
    assert len(failed) == 1 and failed[0].error in ("DataError", "ValueError")
    failure = failed[0].error
    assert any("ขออภัย" in t for t in harness.line.state.texts_to(reporter)[-2:])  # still told, sealed
    step(harness, reporter, "ยกเลิก")

    # 3. A tip abandoned half-way: its sealed state expires and is purged.
    start_tip(harness, reporter, ABANDONED)
    harness.clock.advance(hours=2, minutes=3)
    assert harness.run_jobs()["sealed_dialogs"] == {"purged": 1}
    step(harness, reporter, "เมนู")
    step(harness, neighbour, "สวัสดี")

    tables = rows_of(harness)
    logs = caplog.text + "\n".join(capfd.readouterr())
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident).where(Resident.line_user_id == reporter)).one()
        assert session.exec(select(SealedDialog)).all() == []
    sealer = harness.runtime.sealer

    # The reporter's rows: any row naming the LINE id or the resident.
    def names_reporter(table: str, row: dict[str, Any]) -> bool:
        return (
            reporter in " ".join(str(v) for v in row.values())
            or row.get("resident_id") == resident.id
            or (table == "resident" and row["id"] == resident.id)
        )

    # Tip-time rows: the tip's own tables, sealed dialogs, sealed inbox rows, sealed outbox rows, and
    # everything written about a tip (officers' notes, the tip's number sequence).
    tip_media = {r["media_id"] for r in tables["tip_evidence"]}
    assert len(tip_media) == 1

    def tip_row(table: str, row: dict[str, Any]) -> bool:
        return (
            table in ("tip", "tip_update", "tip_evidence", "sealed_dialog")
            or (table == "media" and row["id"] in tip_media)
            or (table == "inbox_event" and row["source_key"] == "sealed")
            or (table == "outbox_message" and row["resident_id"] is None and row["scrub_after_send"])
            or row.get("record_type") == "tip"
            or (table == "case_sequence" and row["prefix"] == "T")
        )

    reporter_rows = [(t, r) for t, rows in tables.items() for r in rows if names_reporter(t, r)]
    tip_rows = [(t, r) for t, rows in tables.items() for r in rows if tip_row(t, r)]
    assert len(reporter_rows) >= 10 and len(tip_rows) >= 30
    assert sum(1 for t, r in tip_rows if t == "inbox_event") >= 20  # every turn of the three tips
    assert not [(t, r) for t, r in tip_rows if names_reporter(t, r)]

    # No canary anywhere but the filed tip's own text, in the tip.
    dump = "\n".join(f"{t}: {r}" for t, rows in tables.items() for r in rows)
    for canary in CANARIES:
        assert canary not in logs, canary
        allowed = canary == FILED.split()[0]
        found = [t for t, rows in tables.items() for r in rows if canary in str(r)]
        assert found == (["tip"] if allowed else []), (canary, found)
    # Neither the LINE id nor any hash of it that a reader could compute or match sits by a tip.
    for linked in (sealer.blind(reporter), hashlib.sha256(reporter.encode()).hexdigest()):
        assert linked not in dump
    assert reporter not in logs and str(code.group(0)) not in logs

    # No instant of a tip-time row equals one of the reporter's rows; tip-time rows keep only hours.
    reporter_times = set().union(*(times_in(r) for _, r in reporter_rows))
    tip_times = set().union(*(times_in(r) for _, r in tip_rows))
    assert reporter_times and tip_times
    assert not reporter_times & tip_times
    assert all(t == coarse_time(t) for t in tip_times), sorted(t for t in tip_times if t != coarse_time(t))
    # Fernet tokens carry their creation second in clear: in sealed rows it is the hour.
    tokens = FERNET.findall(dump)
    assert tokens
    for token in tokens:
        created = struct.unpack(">Q", base64.urlsafe_b64decode(token + "==")[1:9])[0]
        assert created % 3600 == 0, token[:20]

    # The filed tip is intact and reaches its reporter; the failed and abandoned ones left nothing.
    with Session(harness.engine) as session:
        tips = session.exec(select(Tip)).all()
    assert [t.code for t in tips] == [code.group(0)] and tips[0].what == FILED
    assert service.reporter_of(sealer, tips[0]) == {"line_user_id": reporter, "name": NAME, "phone": PHONE}
    assert "inbox.sealed_turn_failed" in logs and re.search(rf'error"?[=:] ?"?{failure}', logs)


def test_events_of_a_user_mid_tip_are_sealed_as_they_arrive(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    step(harness, user, "แจ้งทุจริต")
    step(harness, user, "ไม่เปิดเผยชื่อ")
    harness.post_events(harness.event("text", user, text=ABANDONED))  # stored, not yet handled
    with Session(harness.engine) as session:
        pending = session.exec(select(InboxEvent).where(InboxEvent.status == InboxStatus.PENDING)).one()
        assert pending.user_id is None and user not in pending.source_key
        assert ABANDONED.split()[0] not in pending.payload and pending.payload.startswith("sealed:")
    harness.run()
    assert "ประเภทใด" in harness.line.state.texts_to(user)[-1]  # handled as the tip's next step
    with Session(harness.engine) as session:
        handled = session.get(InboxEvent, pending.id)
        assert handled is not None and handled.status == InboxStatus.DONE
        assert handled.payload == '{"sealed": true}' and handled.source_key == "sealed"


def test_a_redelivered_sealed_event_is_not_handled_twice(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    step(harness, user, "แจ้งทุจริต")
    step(harness, user, "ไม่เปิดเผยชื่อ")
    event = harness.event("text", user, text=ABANDONED)
    harness.post_events(event)
    harness.run()
    told = len(harness.line.state.texts_to(user))
    harness.post_events({**event, "deliveryContext": {"isRedelivery": True}})  # our 200 was lost, say
    harness.run()
    assert len(harness.line.state.texts_to(user)) == told
    with Session(harness.engine) as session:
        rows = session.exec(select(InboxEvent)).all()
    assert all(row.webhook_event_id != event["webhookEventId"] for row in rows)  # the copy is not kept
    assert not [row for row in rows if user in row.payload and row.status != InboxStatus.DONE]


def test_the_inbox_is_vacuumed_on_a_schedule_on_postgresql(harness: Harness) -> None:
    from bot import maintenance

    maintenance._last_run.clear()
    first = harness.run_jobs()["vacuum"]["vacuumed"]
    again = harness.run_jobs()["vacuum"]["vacuumed"]  # not twice within the hour
    if harness.engine.dialect.name != "postgresql":
        assert first == [] and again == []
        return
    assert first == ["inbox_event", "inbox_quarantine", "outbox_message", "sealed_dialog"] and again == []
    with Session(harness.engine) as session:
        session.execute(text("SELECT pg_stat_clear_snapshot()"))
        vacuumed = session.execute(
            text("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'inbox_event'")
        ).scalar()
    assert vacuumed and vacuumed >= 1
    harness.clock.advance(hours=1, seconds=1)
    assert harness.run_jobs()["vacuum"]["vacuumed"] == first

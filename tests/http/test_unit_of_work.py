"""The request's unit of work: one commit when the route returns, nothing kept when it raises, and the
outbox sender woken only after a commit that queued messages."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.errors import Conflict
from bot.http import HANDLED, SessionDep, handle_error
from bot.outbox import service as outbox
from bot.outbox.models import OutboxMessage
from bot.staff.models import AuditEntry
from tests.complaints.test_handling import filed, move
from tests.harness import Harness

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def outbox_rows(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(OutboxMessage)).one())


def tiny_app(harness: Harness) -> FastAPI:
    """Routes that write a message and then succeed or refuse, on the harness's runtime."""
    app = FastAPI()
    app.state.runtime = harness.runtime
    for error in HANDLED:
        app.add_exception_handler(error, handle_error)

    @app.post("/api/push")
    def push(session: SessionDep, refuse: bool = False) -> dict[str, int]:
        outbox.enqueue_push(
            session, resident_id=None, user_id="U" + "0" * 32, messages=[{"type": "text", "text": "ก"}], now=NOW
        )
        session.flush()
        if refuse:
            raise Conflict("ไม่ได้ค่ะ")
        return {"queued": 1}

    @app.get("/api/read")
    def read(session: SessionDep) -> dict[str, int]:
        return {"rows": int(session.exec(select(func.count()).select_from(OutboxMessage)).one())}

    return app


def count_wakes(harness: Harness, monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Each wake records how many outbox rows another connection sees at that moment (so: after commit?)."""
    seen: list[int] = []
    monkeypatch.setattr(harness.runtime, "wake_outbox", lambda: seen.append(outbox_rows(harness.engine)))
    return seen


def test_commits_when_the_route_returns_and_wakes_the_sender_after_the_commit(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    wakes = count_wakes(harness, monkeypatch)
    client = TestClient(tiny_app(harness))
    assert client.post("/api/push").status_code == 200
    assert outbox_rows(harness.engine) == 1
    assert wakes == [1]  # woken once, and the row was already committed when it was
    assert client.get("/api/read").json() == {"rows": 1}
    assert wakes == [1]  # a request that queues nothing wakes nobody


def test_rolls_back_when_the_route_raises_and_wakes_nobody(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    wakes = count_wakes(harness, monkeypatch)
    response = TestClient(tiny_app(harness)).post("/api/push", params={"refuse": True})
    assert response.status_code == 409
    assert response.json() == {"detail": "ไม่ได้ค่ะ", "code": "conflict", "errors": []}
    assert outbox_rows(harness.engine) == 0
    assert wakes == []


def test_a_complaint_transition_wakes_the_sender(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, code = filed(harness)
    harness.deliver()
    before = outbox_rows(harness.engine)
    wakes = count_wakes(harness, monkeypatch)
    officer = harness.staff_token("officer")
    assert move(harness, officer, code, status="in_progress", public_note="ช่างจะเข้าพื้นที่พรุ่งนี้").status_code == 200
    assert wakes == [before + 1]  # the push to the complainant is committed, then the sender is told


def test_a_refused_transition_keeps_nothing(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, code = filed(harness)
    wakes = count_wakes(harness, monkeypatch)
    before = outbox_rows(harness.engine)
    officer = harness.staff_token("officer")
    with Session(harness.engine) as session:
        audits = session.exec(select(func.count()).select_from(AuditEntry)).one()
    assert move(harness, officer, code, status="rejected").status_code == 422  # a public note is required
    assert outbox_rows(harness.engine) == before and wakes == []
    with Session(harness.engine) as session:
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audits


def test_every_route_that_queues_wakes_the_sender_survey_invitations_too(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    manager = harness.staff_token("manager")
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/public_disclosure/open", headers=manager)
    user = harness.new_user()
    harness.onboard(user)
    before = outbox_rows(harness.engine)
    wakes = count_wakes(harness, monkeypatch)
    sent = harness.client.post("/api/v1/surveys/public_disclosure/send", headers=manager)
    assert sent.status_code == 200 and sent.json()["recipients"] == 1
    assert wakes == [before + 1]  # the multicast is committed, then the sender is told at once


def test_a_dead_letter_put_back_in_line_wakes_the_sender(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with Session(harness.engine) as session:
        row = outbox.enqueue_push(
            session, resident_id=None, user_id="U" + "0" * 32, messages=[{"type": "text", "text": "ก"}], now=NOW
        )[0]
        outbox.mark_dead(row, "400 invalid")
        session.commit()
        row_id = row.id
    wakes = count_wakes(harness, monkeypatch)
    admin = harness.staff_token("admin")
    assert harness.client.post(f"/api/v1/outbox/{row_id}/requeue", headers=admin).status_code == 200
    assert len(wakes) == 1

"""Routes no longer commit: they lean on the unit of work, which (a `scope="function"` dependency) commits after
the route returns and before the first byte of the answer leaves. So a console form's redirect reaches the
browser only once its change is committed, an error after a write keeps nothing, and a staff action that
queues a LINE message wakes the sender after the commit. Each test reads the database from another
connection at the moment the answer starts (or the sender is woken)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.complaints.models import Complaint, ComplaintUpdate
from bot.console import complaints as complaint_pages
from bot.outbox.models import OutboxMessage, OutboxStatus
from bot.pins.models import TrackingPin
from bot.residents.models import Resident
from bot.staff.models import AuditEntry, Role, StaffContact, StaffMember, StaffSession
from bot.tips import service as tips
from tests.complaints.test_handling import filed
from tests.console.helpers import add_member, csrf_of, page_csrf, sign_in
from tests.harness import Harness

Look = Callable[[], Any]


def watched(app: ASGIApp, look: Look) -> tuple[ASGIApp, list[Any]]:
    """`app`, recording `look()` when each answer starts to leave (its status line and headers)."""
    seen: list[Any] = []

    async def watching(scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen.append((message["status"], look()))
            await send(message)

        await app(scope, receive, sending)

    return watching, seen


def browser(harness: Harness, app: ASGIApp, username: str) -> TestClient:
    """A client of `app` carrying `username`'s console session cookie."""
    client = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    client.cookies = sign_in(harness, username).cookies
    return client


def wakes(harness: Harness, monkeypatch: pytest.MonkeyPatch, look: Look) -> list[Any]:
    """`look()` at each wake of the outbox sender: what another connection sees then."""
    seen: list[Any] = []
    monkeypatch.setattr(harness.runtime, "wake_outbox", lambda: seen.append(look()))
    return seen


def count(harness: Harness, model: type, *where: Any) -> int:
    with Session(harness.engine) as session:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def complaint_state(harness: Harness, code: str) -> tuple[str, int, int, int]:
    """The case's status, its updates, the outbox rows and the audit entries, as another connection sees them."""
    with Session(harness.engine) as session:
        status = session.exec(select(Complaint.status).where(Complaint.code == code)).one()
    return (status, count(harness, ComplaintUpdate), count(harness, OutboxMessage), count(harness, AuditEntry))


def test_a_console_redirect_leaves_after_the_commit_and_the_sender_is_woken_after_it(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    user, code = filed(harness)
    harness.deliver()
    status, updates, queued, audits = complaint_state(harness, code)
    woken = wakes(harness, monkeypatch, lambda: count(harness, OutboxMessage))
    app, seen = watched(harness.app, lambda: complaint_state(harness, code))
    client = browser(harness, app, "somsri")
    token = page_csrf(client, f"/console/complaints/{code}")
    seen.clear()
    moved = client.post(
        f"/console/complaints/{code}",
        follow_redirects=False,
        data={"csrf_token": token, "status": "in_progress", "public_note": "ช่างจะเข้าพื้นที่พรุ่งนี้"},
    )
    assert moved.status_code == 303 and moved.headers["location"].endswith("?done=moved")
    # When the redirect started to leave, the move, its update, the push and the audit were all committed.
    assert seen == [(303, ("in_progress", updates + 1, queued + 1, audits + 1))] and status == "received"
    assert woken == [queued + 1]  # once, with the push already committed
    harness.deliver()
    assert "ช่างจะเข้าพื้นที่พรุ่งนี้" in harness.line.state.texts_to(user)[-1]


def test_an_error_after_the_write_answers_500_and_keeps_nothing(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    _, code = filed(harness)
    client = browser(harness, harness.app, "somsri")
    token = page_csrf(client, f"/console/complaints/{code}")
    before = complaint_state(harness, code)
    woken = wakes(harness, monkeypatch, lambda: count(harness, OutboxMessage))

    def broken(path: str) -> None:  # the transition, its push and its audit are written; then the route fails
        raise RuntimeError("after the write")

    monkeypatch.setattr(complaint_pages, "back_to", broken)
    failed = client.post(
        f"/console/complaints/{code}",
        follow_redirects=False,
        data={"csrf_token": token, "status": "in_progress", "public_note": "ช่างจะเข้าพื้นที่พรุ่งนี้"},
    )
    assert failed.status_code == 500
    assert complaint_state(harness, code) == before  # no status, update, push or audit half-written
    assert woken == []


def test_a_refused_sign_in_is_answered_so_its_failure_count_is_committed(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    client = TestClient(harness.app)
    token = csrf_of(client.get("/console/login").text)
    refused = client.post(
        "/console/login", data={"username": "somsri", "password": "not the password", "csrf_token": token}
    )
    assert refused.status_code == 401
    with Session(harness.engine) as session:
        assert session.exec(select(StaffMember.failed_logins).where(StaffMember.username == "somsri")).one() == 1
        assert session.exec(select(func.count()).select_from(StaffSession)).one() == 0


def test_a_revealed_reporter_is_audited_before_the_page_leaves(harness: Harness) -> None:
    with Session(harness.engine) as session:
        code = tips.file_tip(
            session,
            sealer=harness.runtime.sealer,
            settings=harness.settings,
            line_user_id="U" + "1" * 32,
            anonymous=False,
            what="รับเงินใต้โต๊ะ",
            now=harness.clock(),
            name="นายแจ้ง ใจกล้า",
            phone="0899999999",
        ).code
        session.commit()
    add_member(harness, Role.INTEGRITY_OFFICER, "integrity")
    revealed = col(AuditEntry.action) == "tip.reveal_reporter"
    app, seen = watched(harness.app, lambda: count(harness, AuditEntry, revealed))
    client = browser(harness, app, "integrity")
    token = page_csrf(client, f"/console/tips/{code}")
    shown = client.post(f"/console/tips/{code}/reveal", data={"csrf_token": token})
    assert shown.status_code == 200 and "0899999999" in shown.text
    assert seen[-1] == (200, 1)


def test_a_console_tip_move_wakes_the_sender_after_the_commit(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(harness.engine) as session:
        code = tips.file_tip(
            session,
            sealer=harness.runtime.sealer,
            settings=harness.settings,
            line_user_id="U" + "1" * 32,
            anonymous=True,
            what="รับเงินใต้โต๊ะ",
            now=harness.clock(),
        ).code
        session.commit()
    add_member(harness, Role.INTEGRITY_OFFICER, "integrity")
    client = sign_in(harness, "integrity")
    token = page_csrf(client, f"/console/tips/{code}")
    queued = count(harness, OutboxMessage)
    woken = wakes(harness, monkeypatch, lambda: count(harness, OutboxMessage))
    moved = client.post(
        f"/console/tips/{code}", follow_redirects=False, data={"csrf_token": token, "status": "investigating"}
    )
    assert moved.status_code == 303
    assert woken == [queued + 1]  # the sealed push to the reporter, committed before the sender is told


def test_a_requeued_dead_letter_wakes_the_sender_after_the_commit(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_member(harness, Role.ADMIN, "admin")
    with Session(harness.engine) as session:
        row = OutboxMessage(
            created_at=harness.clock(),
            kind="push",
            recipient="U" + "0" * 32,
            messages="[]",
            retry_key="k" * 36,
            status=OutboxStatus.DEAD,
            attempts=3,
            next_attempt_at=harness.clock(),
        )
        session.add(row)
        session.commit()
        row_id = row.id
    client = sign_in(harness, "admin")
    token = page_csrf(client, "/console/outbox")
    woken = wakes(
        harness, monkeypatch, lambda: count(harness, OutboxMessage, col(OutboxMessage.status) == OutboxStatus.PENDING)
    )
    done = client.post(f"/console/outbox/{row_id}/requeue", follow_redirects=False, data={"csrf_token": token})
    assert done.status_code == 303 and woken == [1]
    again = client.post(f"/console/outbox/{row_id}/requeue", follow_redirects=False, data={"csrf_token": token})
    assert again.status_code == 409 and woken == [1]


def test_a_report_sent_to_executives_wakes_the_sender_after_the_commit(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = harness.staff_token("manager", name="นายก")
    user = harness.new_user("นายก")
    harness.onboard(user)
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident).where(Resident.line_user_id == user)).one()
        member = session.exec(select(StaffMember).where(StaffMember.name == "นายก")).one()
        session.add(StaffContact(staff_member_id=member.id or 0, resident_id=resident.id, linked_at=harness.clock()))
        session.commit()
    queued = count(harness, OutboxMessage)
    woken = wakes(harness, monkeypatch, lambda: count(harness, OutboxMessage))
    sent = harness.client.post("/api/v1/reports/complaints/2570/send", headers=manager)
    assert sent.status_code == 200 and sent.json()["recipients"] == 1
    assert woken == [queued + 1]


def test_a_web_form_shows_the_pin_only_once_the_complaint_and_its_pin_are_committed(harness: Harness) -> None:
    app, seen = watched(harness.app, lambda: (count(harness, Complaint), count(harness, TrackingPin)))
    client = TestClient(app, raise_server_exceptions=False)
    page = client.post("/public/complain", data={"description": "ไฟถนนดับหน้าวัด", "village": "2"})
    assert page.status_code == 200 and "รับเรื่องร้องเรียนแล้ว" in page.text
    assert seen == [(200, (1, 1))]

"""Console sign-in: passwords, cookies, CSRF, lock-out, and sessions that end at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.staff import accounts
from bot.staff.models import AuditEntry, Role, StaffMember, StaffNotification, StaffSession
from tests.console.helpers import PASSWORD, add_member, csrf_of, page_csrf, sign_in
from tests.harness import Harness


def _login(client: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/console/login").text)
    return client.post(
        "/console/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False
    )


def test_unauthenticated_console_redirects_to_sign_in(harness: Harness) -> None:
    for path in ("/console", "/console/complaints", "/console/complaints/C2570-00001"):
        response = harness.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/console/login", path
    page = harness.client.get("/console/login")
    assert page.status_code == 200 and 'name="username"' in page.text and 'name="password"' in page.text


def test_sign_in_sets_a_hardened_session_cookie_and_sign_out_ends_it(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    client = TestClient(harness.app)
    response = _login(client, "SomSri ", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("tambon_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain HTTP here
    home = client.get("/console")
    assert home.status_code == 200 and "สมศรี ใจดี" in home.text
    stolen = client.cookies.get("tambon_session")
    client.post("/console/logout", data={"csrf_token": page_csrf(client)})
    other = TestClient(harness.app, cookies={"tambon_session": stolen})  # the old cookie, replayed
    assert other.get("/console", follow_redirects=False).status_code == 303
    with Session(harness.engine) as session:
        assert session.exec(select(StaffSession)).all() == []
        assert [a.action for a in session.exec(select(AuditEntry))] == ["console.sign_in", "console.sign_out"]


def test_cookie_is_secure_over_https(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    client = TestClient(harness.app, base_url="https://testserver")
    cookie = next(
        h for h in _login(client, "somsri", PASSWORD).headers.get_list("set-cookie") if h.startswith("tambon_session=")
    )
    assert "Secure" in cookie


def test_wrong_password_shows_the_form_again_in_thai_without_a_session(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    client = TestClient(harness.app)
    for username, password in (("somsri", "wrong password!"), ("nobody", PASSWORD)):
        response = _login(client, username, password)
        assert response.status_code == 401
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.text and 'name="password"' in response.text
        assert "tambon_session" not in client.cookies
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_repeated_failures_lock_the_account_for_a_while(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    client = TestClient(harness.app)
    for _ in range(accounts.MAX_FAILURES):
        _login(client, "somsri", "guess guess guess")
    locked = _login(client, "somsri", PASSWORD)  # even the right password waits now
    assert locked.status_code == 401 and "ถูกพักไว้ถึง" in locked.text
    harness.clock.advance(minutes=accounts.LOCK_MINUTES + 1)
    assert _login(client, "somsri", PASSWORD).status_code == 303


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(harness: Harness) -> None:
    member = add_member(harness, Role.OFFICER, "somsri")
    with Session(harness.engine) as session:
        session.add(
            StaffNotification(
                created_at=harness.clock(),
                staff_id=member.id,
                kind="reminder",
                record_type="complaint",
                record_code="C2570-00001",
                message="ครบกำหนด",
            )
        )
        session.commit()
        note_id = session.exec(select(StaffNotification)).one().id
    client = sign_in(harness, "somsri")
    for data in ({}, {"csrf_token": "forged"}):
        assert client.post(f"/console/notifications/{note_id}/read", data=data).status_code == 403
        assert client.post("/console/logout", data=data).status_code == 403
    with Session(harness.engine) as session:
        assert session.get(StaffNotification, note_id).read_at is None
        assert len(session.exec(select(StaffSession)).all()) == 1
    assert (
        client.post(f"/console/notifications/{note_id}/read", data={"csrf_token": page_csrf(client)}).status_code == 200
    )
    with Session(harness.engine) as session:
        assert session.get(StaffNotification, note_id).read_at is not None


def test_the_login_form_itself_needs_its_csrf_token(harness: Harness) -> None:
    add_member(harness, Role.OFFICER, "somsri")
    client = TestClient(harness.app)
    response = client.post("/console/login", data={"username": "somsri", "password": PASSWORD})
    assert response.status_code == 403 and "tambon_session" not in client.cookies


def test_deactivation_ends_the_session_at_once(harness: Harness) -> None:
    member = add_member(harness, Role.OFFICER, "somsri")
    client = sign_in(harness, "somsri")
    assert client.get("/console").status_code == 200
    admin = harness.staff_token("admin")
    assert harness.client.post(f"/api/v1/staff/{member.id}/deactivate", headers=admin).status_code == 200
    assert client.get("/console", follow_redirects=False).status_code == 303
    assert _login(TestClient(harness.app), "somsri", PASSWORD).status_code == 401


def test_admin_sets_username_and_password_through_the_api(harness: Harness) -> None:
    admin = harness.staff_token("admin")
    body = {"name": "สมปอง", "role": "officer", "username": "sompong", "password": "a long enough one"}
    created = harness.client.post("/api/v1/staff", json=body, headers=admin)
    assert created.status_code == 201 and created.json()["username"] == "sompong"
    assert _login(TestClient(harness.app), "sompong", "a long enough one").status_code == 303
    short = harness.client.post("/api/v1/staff", json={**body, "username": "other", "password": "short"}, headers=admin)
    taken = harness.client.post("/api/v1/staff", json={**body, "password": "another long one"}, headers=admin)
    assert short.status_code == 422 and "อย่างน้อย" in short.json()["detail"]
    assert taken.status_code == 422 and "มีผู้ใช้แล้ว" in taken.json()["detail"]
    with Session(harness.engine) as session:
        assert len(session.exec(select(StaffMember)).all()) == 2  # the admin and sompong, nothing half-made


def test_cli_adds_a_username_and_sets_the_password_from_stdin(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", harness.settings.database_url)
    runner = CliRunner()
    added = runner.invoke(cli, ["staff", "add", "--name", "สมหญิง", "--role", "manager", "--username", "somying"])
    assert added.exit_code == 0, added.output
    token = added.output.strip().splitlines()[-1]
    assert token.startswith("tbn_") and " " not in token
    assert runner.invoke(cli, ["staff", "password", "somying"], input="too short\n").exit_code == 2
    done = runner.invoke(cli, ["staff", "password", "somying"], input="manager's long password\n")
    assert done.exit_code == 0, done.output
    assert _login(TestClient(harness.app), "somying", "manager's long password").status_code == 303
    assert runner.invoke(cli, ["staff", "password", "ghost"], input="whatever long one\n").exit_code == 1

"""Staff accounts: the CLI creates them, tokens are hashed, roles gate routes, the audit log is append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.staff import service
from bot.staff.models import AuditEntry, Role, StaffMember
from tests.harness import Harness


def add_staff(harness: Harness, role: Role, name: str = "สมชาย") -> str:
    with Session(harness.engine) as session:
        _, token = service.create_staff(session, name=name, role=role, now=harness.clock())
        session.commit()
    return token


def test_cli_prints_the_token_alone_on_the_last_line(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", harness.settings.database_url)
    result = CliRunner().invoke(cli, ["staff", "add", "--name", "สมหญิง ใจดี", "--role", "manager"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("tbn_") and " " not in token
    me = harness.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["name"], me["role"]) == ("สมหญิง ใจดี", "manager")
    with Session(harness.engine) as session:
        member = session.exec(select(StaffMember)).one()
        assert token not in str(member.model_dump())  # only the hash is stored
        assert session.exec(select(AuditEntry)).one().action == "staff.create"


def test_cli_rejects_unknown_roles_and_units(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", harness.settings.database_url)
    assert CliRunner().invoke(cli, ["staff", "add", "--name", "x", "--role", "boss"]).exit_code != 0
    unknown_unit = ["staff", "add", "--name", "x", "--role", "officer", "--unit", "nasa"]
    assert CliRunner().invoke(cli, unknown_unit).exit_code == 2


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer tbn_unknown", "Basic abc"])
def test_requests_without_a_valid_token_are_401(harness: Harness, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = harness.client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"]


ROUTES = [("get", "/api/v1/outbox/dead"), ("get", "/api/v1/staff"), ("get", "/api/v1/audit")]


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_for_admin_routes(harness: Harness, role: Role) -> None:
    token = add_staff(harness, role)
    for method, path in ROUTES:
        status = harness.client.request(method, path, headers={"Authorization": f"Bearer {token}"}).status_code
        assert status == (200 if role == Role.ADMIN else 403), (role, path)
    assert harness.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_admin_creates_and_deactivates_staff_with_audit(harness: Harness) -> None:
    admin = {"Authorization": f"Bearer {add_staff(harness, Role.ADMIN)}"}
    created = harness.client.post("/api/v1/staff", json={"name": "นิดา", "role": "integrity_officer"}, headers=admin)
    assert created.status_code == 201
    token, staff_id = created.json()["token"], created.json()["id"]
    assert harness.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert harness.client.post("/api/v1/staff", json={"name": "", "role": "admin"}, headers=admin).status_code == 422
    assert harness.client.post("/api/v1/staff", json={"name": "x", "role": "king"}, headers=admin).status_code == 422
    assert harness.client.post(f"/api/v1/staff/{staff_id}/deactivate", headers=admin).status_code == 200
    assert harness.client.post("/api/v1/staff/9999/deactivate", headers=admin).status_code == 404
    assert harness.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    log = harness.client.get("/api/v1/audit", headers=admin).json()
    assert [e["action"] for e in log] == ["staff.deactivate", "staff.create"]
    assert all(e["actor"] == "สมชาย" for e in log)


def test_audit_log_refuses_updates_and_deletes(harness: Harness) -> None:
    with Session(harness.engine) as session:
        service.audit(session, actor=None, action="test", record_type="x", now=harness.clock())
        session.commit()
    for statement in ("UPDATE audit_entry SET action = 'forged'", "DELETE FROM audit_entry"):
        with Session(harness.engine) as session, pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
            session.commit()
    with Session(harness.engine) as session:
        assert session.exec(select(AuditEntry)).one().action == "test"


def test_openapi_lists_the_admin_api(harness: Harness) -> None:
    paths = harness.client.get("/openapi.json").json()["paths"]
    assert {"/line/webhook", "/api/v1/me", "/api/v1/outbox/dead", "/healthz", "/readyz"} <= set(paths)


def test_an_admin_cannot_deactivate_themselves(harness: Harness) -> None:
    """The last admin would lock everyone out of the staff accounts (the console refuses it the same way)."""
    admin = {"Authorization": f"Bearer {add_staff(harness, Role.ADMIN)}"}
    me = harness.client.get("/api/v1/me", headers=admin).json()
    response = harness.client.post(f"/api/v1/staff/{me['id']}/deactivate", headers=admin)
    assert response.status_code == 422 and response.json()["code"] == "invalid", response.text
    assert response.json()["detail"] == "ระงับบัญชีของตัวเองไม่ได้"
    assert harness.client.get("/api/v1/me", headers=admin).status_code == 200
    assert harness.client.get("/api/v1/audit", headers=admin).json() == []

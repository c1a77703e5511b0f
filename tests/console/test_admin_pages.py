"""Admin pages: staff accounts and the outbox; 404 for every other role."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.outbox.models import OutboxMessage, OutboxStatus
from bot.staff.models import AuditEntry, Role, StaffMember
from tests.console.helpers import add_member, csrf_of, page_csrf, sign_in
from tests.harness import Harness


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.INTEGRITY_OFFICER])
def test_admin_pages_do_not_exist_for_other_roles(harness: Harness, role: Role) -> None:
    add_member(harness, role, "someone")
    client = sign_in(harness, "someone")
    home = client.get("/console").text
    assert "/console/staff" not in home and "/console/outbox" not in home
    token = page_csrf(client)
    for path in ("/console/staff", "/console/outbox"):
        assert client.get(path).status_code == 404
    assert client.post("/console/staff", data={"csrf_token": token, "name": "x", "role": "admin"}).status_code == 404


def test_admin_adds_changes_resets_and_deactivates_accounts(harness: Harness) -> None:
    add_member(harness, Role.ADMIN, "admin", name="ผู้ดูแล")
    client = sign_in(harness, "admin")
    token = page_csrf(client, "/console/staff")
    bad = client.post(
        "/console/staff",
        data={
            "csrf_token": token,
            "name": "สมใจ",
            "role": "officer",
            "username": "Bad Name!",
            "password": "long enough pw",
        },
    )
    assert bad.status_code == 422 and "ชื่อผู้ใช้" in bad.text
    added = client.post(
        "/console/staff",
        data={
            "csrf_token": token,
            "name": "สมใจ <b>",
            "role": "officer",
            "unit": "engineering",
            "username": "somjai",
            "password": "first password",
        },
    )
    assert added.status_code == 200 and "tbn_" in added.text and "สมใจ &lt;b&gt;" in added.text
    with Session(harness.engine) as session:
        member = session.exec(select(StaffMember).where(StaffMember.username == "somjai")).one()
    somjai = sign_in(harness, "somjai", "first password")
    assert somjai.get("/console").status_code == 200
    client.post(f"/console/staff/{member.id}/role", data={"csrf_token": token, "role": "manager", "unit": ""})
    assert somjai.get("/console", follow_redirects=False).status_code == 303  # new rights: sign in again
    reset = client.post(f"/console/staff/{member.id}/password", data={"csrf_token": token})
    password = re.search(r"รหัสผ่านใหม่ของ somjai คือ (\S+)", reset.text).group(1)
    somjai = sign_in(harness, "somjai", password)
    client.post(f"/console/staff/{member.id}/deactivate", data={"csrf_token": token})
    assert somjai.get("/console", follow_redirects=False).status_code == 303
    with Session(harness.engine) as session:
        member = session.get(StaffMember, member.id)
        assert (member.role, member.active) == ("manager", False)
        actions = {a.action for a in session.exec(select(AuditEntry))}
    assert {"staff.create", "staff.role", "staff.password_reset", "staff.deactivate"} <= actions


def test_outbox_lists_dead_letters_and_requeues_them(harness: Harness) -> None:
    add_member(harness, Role.ADMIN, "admin")
    with Session(harness.engine) as session:
        row = OutboxMessage(
            created_at=harness.clock(),
            kind="push",
            recipient="U" + "0" * 32,
            messages=json.dumps([{"type": "text", "text": "hi"}]),
            retry_key="k" * 36,
            status=OutboxStatus.DEAD,
            attempts=3,
            next_attempt_at=harness.clock(),
            last_error="400 <img src=x onerror=alert(1)>",
        )
        session.add(row)
        session.commit()
        row_id = row.id
    client = sign_in(harness, "admin")
    page = client.get("/console/outbox")
    assert page.status_code == 200 and "&lt;img src=x" in page.text
    done = client.post(f"/console/outbox/{row_id}/requeue", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "นำข้อความกลับเข้าคิวส่งแล้ว" in done.text
    again = client.post(f"/console/outbox/{row_id}/requeue", data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 409
    with Session(harness.engine) as session:
        assert session.get(OutboxMessage, row_id).status == OutboxStatus.PENDING
    assert TestClient(harness.app).get("/console/outbox", follow_redirects=False).status_code == 303

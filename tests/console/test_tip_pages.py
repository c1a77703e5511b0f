"""Tip pages: integrity officers only (404 for everyone else, no menu entry); reads and reveals audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.staff.models import AuditEntry, Role
from bot.tips import service
from tests.console.helpers import add_member, page_csrf, sign_in
from tests.harness import Harness


def _tip(harness: Harness, anonymous: bool) -> str:
    with Session(harness.engine) as session:
        tip = service.file_tip(
            session,
            sealer=harness.runtime.sealer,
            settings=harness.settings,
            line_user_id="U" + "1" * 32,
            anonymous=anonymous,
            what="<b>รับเงินใต้โต๊ะ</b>",
            now=harness.clock(),
            name="นายแจ้ง ใจกล้า",
            phone="0899999999",
        )
        session.commit()
        return tip.code


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.ADMIN])
def test_every_other_role_gets_404_and_no_menu_entry(harness: Harness, role: Role) -> None:
    code = _tip(harness, anonymous=False)
    add_member(harness, role, "someone")
    client = sign_in(harness, "someone")
    assert "/console/tips" not in client.get("/console").text
    for path in ("/console/tips", f"/console/tips/{code}", "/console/tips/T2570-99999"):
        assert client.get(path).status_code == 404
    token = page_csrf(client)
    assert client.post(f"/console/tips/{code}/reveal", data={"csrf_token": token}).status_code == 404
    unknown = client.get("/console/no-such-page")
    # indistinguishable from a page that does not exist (but for the address the page repeats)
    assert client.get("/console/tips").text.replace("/console/tips", "/x") == unknown.text.replace(
        "/console/no-such-page", "/x"
    )
    assert TestClient(harness.app).get("/console/tips", follow_redirects=False).status_code == 404


def test_integrity_officer_reads_and_reveals_with_audit(harness: Harness) -> None:
    named, anonymous = _tip(harness, anonymous=False), _tip(harness, anonymous=True)
    add_member(harness, Role.INTEGRITY_OFFICER, "integrity")
    client = sign_in(harness, "integrity")
    assert "/console/tips" in client.get("/console").text
    listing = client.get("/console/tips")
    assert named in listing.text and anonymous in listing.text and "&lt;b&gt;" in listing.text
    page = client.get(f"/console/tips/{named}")
    assert "นายแจ้ง" not in page.text and "0899999999" not in page.text and "บันทึกการตรวจสอบ" in page.text
    assert client.post(f"/console/tips/{named}/reveal", data={}).status_code == 403
    revealed = client.post(f"/console/tips/{named}/reveal", data={"csrf_token": page_csrf(client)})
    assert revealed.status_code == 200 and "นายแจ้ง ใจกล้า" in revealed.text and "0899999999" in revealed.text
    refused = client.post(f"/console/tips/{anonymous}/reveal", data={"csrf_token": page_csrf(client)})
    assert refused.status_code == 422 and "ไม่เปิดเผยตัวตน" in refused.text
    with Session(harness.engine) as session:
        actions = [(a.action, a.record_id, a.actor) for a in session.exec(select(AuditEntry))]
    assert ("tip.reveal_reporter", named, "สมศรี ใจดี") in actions
    assert ("tip.reveal_reporter", anonymous, "สมศรี ใจดี") not in actions
    assert ("tip.read", named, "สมศรี ใจดี") in actions


def test_integrity_officer_moves_a_tip(harness: Harness) -> None:
    code = _tip(harness, anonymous=True)
    add_member(harness, Role.INTEGRITY_OFFICER, "integrity")
    client = sign_in(harness, "integrity")
    token = page_csrf(client, f"/console/tips/{code}")
    assert client.post(f"/console/tips/{code}", data={"csrf_token": token, "status": "closed"}).status_code == 409
    moved = client.post(
        f"/console/tips/{code}", data={"csrf_token": token, "status": "investigating", "internal_note": "นัดสอบข้อเท็จจริง"}
    )
    assert moved.status_code == 200 and "อยู่ระหว่างตรวจสอบ" in moved.text

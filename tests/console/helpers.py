"""Console test helpers: staff who sign in with a password, a signed-in TestClient, CSRF tokens from pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.staff import accounts, service
from bot.staff.models import Role, StaffMember
from tests.harness import Harness

PASSWORD = "correct horse battery"


def add_member(
    harness: Harness, role: Role, username: str, name: str = "สมศรี ใจดี", unit: str | None = None
) -> StaffMember:
    with Session(harness.engine, expire_on_commit=False) as session:
        member, _ = service.create_staff(session, name=name, role=role, unit=unit, now=harness.clock())
        accounts.set_username(session, member, username)
        accounts.set_password(session, member, PASSWORD)
        session.commit()
    return member


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(harness: Harness, username: str, password: str = PASSWORD) -> TestClient:
    """A fresh browser-like client signed in as `username` (fails the test if sign-in fails)."""
    client = TestClient(harness.app, base_url="http://testserver")
    token = csrf_of(client.get("/console/login").text)
    response = client.post(
        "/console/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client


def page_csrf(client: TestClient, path: str = "/console") -> str:
    return csrf_of(client.get(path).text)

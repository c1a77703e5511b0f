"""Survey dashboard and targets: figures against 80 % with the interval, the SVG charts, exports, open/close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.staff.models import Role
from bot.thai import fiscal_year
from surveys.models import SurveyResponse
from tests.console.helpers import add_member, page_csrf, sign_in
from tests.harness import Harness
from tests.surveys.test_api import token

FIVE = {
    "channels_used": ["line"],
    "channel_access": 5,
    "channel_variety": 5,
    "content_complete": 4,
    "content_current": 5,
    "content_clear": 4,
    "overall": 5,
}


def _answers(harness: Harness) -> None:
    manager = token(harness, Role.MANAGER)
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/public_disclosure/open", headers=manager)
    for village in (1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3):
        answer = harness.client.post(
            "/api/v1/surveys/public_disclosure/responses",
            json={"answers": FIVE, "village_no": village},
            headers=manager,
        )
        assert answer.status_code == 201, answer.text


def test_dashboard_chart_exports_and_targets(harness: Harness) -> None:
    _answers(harness)
    add_member(harness, Role.MANAGER, "boss")
    client = sign_in(harness, "boss")
    year = fiscal_year(harness.clock())
    board = client.get("/console/surveys", params={"fiscal_year": year})
    assert board.status_code == 200 and 'data-testid="targets-chart"' in board.text and "<svg" in board.text
    page = client.get("/console/surveys/public_disclosure", params={"fiscal_year": year})
    assert page.status_code == 200 and 'data-testid="village-chart"' in page.text
    assert "หมู่ 1 บ้านพนา" in page.text and "ไม่แสดง 1 กลุ่ม" in page.text  # หมู่ 3 has under 5
    assert 'data-testid="month-chart"' in page.text and "ช่วงความเชื่อมั่น 95 %" in page.text
    csv = client.get("/console/surveys/public_disclosure/export.csv", params={"fiscal_year": year})
    assert csv.status_code == 200 and csv.text.startswith("\ufeff")
    assert client.get("/console/surveys/public_disclosure/export.xlsx").status_code == 200
    token_ = page_csrf(client, "/console/surveys")
    closed = client.post("/console/surveys/public_disclosure/close", data={"csrf_token": token_})
    assert closed.status_code == 200 and "ปิดรับคำตอบแล้ว" in closed.text
    targets = client.get("/console/targets", params={"fiscal_year": year})
    assert targets.status_code == 200 and 'data-testid="five-years"' in targets.text and "ITA" in targets.text


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INTEGRITY_OFFICER])
def test_reports_are_for_managers_and_admins(harness: Harness, role: Role) -> None:
    add_member(harness, role, "someone")
    client = sign_in(harness, "someone")
    for path in ("/console/surveys", "/console/targets", "/console/surveys/public_disclosure/export.csv"):
        assert client.get(path).status_code == 404
    assert TestClient(harness.app).get("/console/surveys", follow_redirects=False).status_code == 303


def test_open_and_close_refusals_are_409_json_on_the_api_and_thai_on_the_page(harness: Harness) -> None:
    _answers(harness)  # public_disclosure installed and open
    manager = token(harness, Role.MANAGER)
    until = (harness.clock.now + timedelta(days=30)).isoformat()
    dated = harness.client.post("/api/v1/surveys/public_disclosure/open", headers=manager, json={"closes_at": until})
    assert dated.status_code == 200 and dated.json()["closes_at"]
    again = harness.client.post("/api/v1/surveys/public_disclosure/open", headers=manager)  # open already: no change
    assert again.status_code == 200 and again.json()["closes_at"] == dated.json()["closes_at"]
    backwards = harness.client.post(
        "/api/v1/surveys/public_disclosure/open",
        headers=manager,
        json={"opens_at": until, "closes_at": harness.clock.now.isoformat()},
    )
    assert backwards.status_code == 409
    assert backwards.json() == {"detail": "วันปิดต้องอยู่หลังวันเปิด", "code": "conflict", "errors": []}
    assert harness.client.post("/api/v1/surveys/public_disclosure/close", headers=manager).status_code == 200
    twice = harness.client.post("/api/v1/surveys/public_disclosure/close", headers=manager)
    assert twice.status_code == 409
    assert twice.json() == {"detail": "แบบสอบถามนี้ไม่ได้เปิดอยู่", "code": "conflict", "errors": []}
    add_member(harness, Role.MANAGER, "boss")
    client = sign_in(harness, "boss")
    csrf = page_csrf(client, "/console/surveys")
    page = client.post("/console/surveys/public_disclosure/close", data={"csrf_token": csrf})
    assert page.status_code == 409 and "text/html" in page.headers["content-type"]
    assert 'data-testid="form-error"' in page.text and "แบบสอบถามนี้ไม่ได้เปิดอยู่" in page.text
    opened = client.post("/console/surveys/public_disclosure/open", data={"csrf_token": csrf})
    assert opened.status_code == 200 and "เปิดรับคำตอบแล้ว" in opened.text
    assert client.post("/console/surveys/public_disclosure/open", data={}).status_code == 403
    assert client.post("/console/surveys/public_disclosure/reopen", data={"csrf_token": csrf}).status_code == 404


def test_an_officer_keys_in_a_paper_questionnaire_and_it_counts(harness: Harness) -> None:
    _answers(harness)  # 11 LINE-free API answers in villages 1–3
    year = fiscal_year(harness.clock())
    officer = add_member(harness, Role.OFFICER, "clerk")
    add_member(harness, Role.MANAGER, "boss")
    clerk = sign_in(harness, "clerk")
    home = clerk.get("/console").text
    assert 'href="/console/surveys/paper"' in home and 'href="/console/surveys"' not in home.replace(
        'href="/console/surveys/paper"', ""
    )
    listing = clerk.get("/console/surveys/paper")
    assert listing.status_code == 200 and 'href="/console/surveys/public_disclosure/paper"' in listing.text
    form = clerk.get("/console/surveys/public_disclosure/paper")
    assert form.status_code == 200 and 'name="q_channel_access"' in form.text and 'name="q_channels_used"' in form.text
    csrf = page_csrf(clerk, "/console/surveys/paper")
    fields = {
        "csrf_token": csrf,
        "village_no": "4",
        "q_channels_used": ["board", "leader"],
        "q_channel_access": "๕",
        "q_channel_variety": "4",
        "q_content_complete": "4",
        "q_content_current": "5",
        "q_content_clear": "4",
    }
    missing = clerk.post("/console/surveys/public_disclosure/paper", data=fields)  # "overall" left blank
    assert missing.status_code == 422 and "ข้อ 7: ต้องตอบ" in missing.text
    assert 'value="board" checked' in missing.text  # what was typed is kept
    saved = clerk.post(
        "/console/surveys/public_disclosure/paper", data={**fields, "q_overall": "5"}, follow_redirects=False
    )
    assert saved.status_code == 303 and "done=" in saved.headers["location"]
    assert "บันทึกแบบสอบถามแล้ว" in clerk.get(saved.headers["location"]).text
    with Session(harness.engine) as session:
        paper = session.exec(select(SurveyResponse).where(SurveyResponse.entered_by_staff_id == officer.id)).all()
    assert [(r.village_no, r.channel, r.status) for r in paper] == [(4, "paper", "complete")]
    boss = sign_in(harness, "boss")
    figures = boss.get("/console/surveys/public_disclosure", params={"fiscal_year": year}).text
    assert "ไม่แสดง 2 กลุ่ม" in figures  # หมู่ 3 and the new หมู่ 4 have under 5 each
    summary = harness.client.get(
        "/api/v1/surveys/public_disclosure/summary", headers=token(harness, Role.MANAGER), params={"fiscal_year": year}
    )
    assert summary.status_code == 200 and summary.json()["n"] == 12
    assert (
        clerk.post(
            "/console/surveys/public_disclosure/paper", data={**fields, "q_overall": "5", "csrf_token": ""}
        ).status_code
        == 403
    )
    future = clerk.post(
        "/console/surveys/public_disclosure/paper", data={**fields, "q_overall": "5", "answered_on": "2999-01-01"}
    )
    assert future.status_code == 422 and "อนาคต" in future.text
    harness.client.post("/api/v1/surveys/public_disclosure/close", headers=token(harness, Role.MANAGER))
    closed = clerk.post("/console/surveys/public_disclosure/paper", data={**fields, "q_overall": "5"})
    assert closed.status_code == 409 and "ปิดรับคำตอบแล้ว" in closed.text
    assert sign_in(harness, "boss").get("/console/surveys/nope/paper").status_code == 404

"""Survey dashboard and targets: figures against 80 % with the interval, the SVG charts, exports, open/close."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.staff.models import Role
from bot.thai import fiscal_year
from tests.console.helpers import add_member, page_csrf, sign_in
from tests.harness import Harness
from tests.surveys.test_api import token

FIVE = {"channels_used": ["line"], "channel_access": 5, "channel_variety": 5, "content_complete": 4,
        "content_current": 5, "content_clear": 4, "overall": 5}


def _answers(harness: Harness) -> None:
    manager = token(harness, Role.MANAGER)
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/public_disclosure/open", headers=manager)
    for village in (1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3):
        answer = harness.client.post("/api/v1/surveys/public_disclosure/responses",
                                     json={"answers": FIVE, "village_no": village}, headers=manager)
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

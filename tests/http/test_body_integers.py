"""Integers in JSON bodies are bounded by what the columns hold: beyond 32 bits, below the range, or not a whole
JSON number at all (true, "7", 7.0) is a 422 naming the field, never a 500 from a driver's overflow (SQLite
and PostgreSQL alike: run this file with TAMBON_TEST_DATABASE_URL too)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from bot.complaints.models import Complaint
from bot.forums.models import Forum
from surveys.models import SurveyResponse
from tests.forums.helpers import create_forum, forum_body
from tests.harness import Harness
from tests.surveys.helpers import satisfaction_data

BEYOND = [2**31, 2**63, 2**64, 10**30]
NOT_WHOLE_NUMBERS = [True, "7", 7.5]


def refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation", body
    assert any(field in item["loc"] for item in body["errors"]), body
    assert field in body["detail"]


def complaint(harness: Harness, village: Any) -> Any:
    body = {"source_channel": "phone", "category": "lighting", "description": "ไฟดับ", "village_no": village}
    return harness.client.post("/api/v1/complaints", json=body, headers=harness.staff_token("officer"))


@pytest.mark.parametrize("village", [*BEYOND, 0, -1, -(2**63) - 1, 1000, *NOT_WHOLE_NUMBERS])
def test_a_complaints_village_out_of_range_is_422_and_nothing_is_stored(harness: Harness, village: Any) -> None:
    refused(complaint(harness, village), "village_no")
    with Session(harness.engine) as session:
        assert session.exec(select(Complaint)).all() == []


def test_a_complaint_in_a_real_village_is_still_recorded(harness: Harness) -> None:
    response = complaint(harness, 3)
    assert response.status_code == 201, response.text
    assert response.json()["village_no"] == 3


@pytest.mark.parametrize("staff_id", [*BEYOND, 0, -5, *NOT_WHOLE_NUMBERS])
def test_assigning_a_staff_id_beyond_the_column_is_422(harness: Harness, staff_id: Any) -> None:
    code = complaint(harness, 3).json()["code"]
    response = harness.client.post(
        f"/api/v1/complaints/{code}/transitions",
        headers=harness.staff_token("manager"),
        json={"status": "in_progress", "assigned_staff_id": staff_id},
    )
    refused(response, "assigned_staff_id")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"villages": [1, 2**31]}, "villages"),
        ({"villages": [2**64]}, "villages"),
        ({"villages": [True]}, "villages"),
        ({"capacity": 2**63}, "capacity"),
        ({"capacity": False}, "capacity"),
        ({"reminder_hours_before": 10**20}, "reminder_hours_before"),
    ],
)
def test_a_forums_numbers_out_of_range_are_422(harness: Harness, change: dict[str, Any], field: str) -> None:
    response = harness.client.post(
        "/api/v1/forums", json=forum_body(harness.clock(), **change), headers=harness.staff_token("officer")
    )
    refused(response, field)
    with Session(harness.engine) as session:
        assert session.exec(select(Forum)).all() == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("attendance", {"registrations": [2**31]}, "registrations"),
        ("attendance", {"registrations": [2**63 + 1]}, "registrations"),
        ("paper", {"villages": [{"village": 2**31, "participants": 3}]}, "village"),
        ("paper", {"villages": [{"village": 1, "participants": 2**63}]}, "participants"),
        ("paper", {"villages": [{"village": 1, "participants": True}]}, "participants"),
    ],
)
def test_forum_counts_and_registrations_out_of_range_are_422(
    harness: Harness, path: str, body: dict[str, Any], field: str
) -> None:
    officer = harness.staff_token("officer")
    forum = create_forum(harness, officer)
    response = harness.client.post(f"/api/v1/forums/{forum['id']}/{path}", json=body, headers=officer)
    refused(response, field)


@pytest.mark.parametrize(
    ("audience", "field"),
    [
        ({"kind": "forum", "forum_id": 2**31}, "forum_id"),
        ({"kind": "forum", "forum_id": 2**64}, "forum_id"),
        ({"kind": "villages", "villages": [2**63]}, "villages"),
    ],
)
def test_a_notices_audience_out_of_range_is_422(harness: Harness, audience: dict[str, Any], field: str) -> None:
    body = {"title": "ประกาศ", "text": "ทดสอบ", "audience": audience}
    refused(harness.client.post("/api/v1/notices", json=body, headers=harness.staff_token("officer")), field)


@pytest.mark.parametrize("figure", [2**31, 2**63, -1, True, "4"])
def test_outcome_counts_out_of_range_are_422(harness: Harness, figure: Any) -> None:
    manager = harness.staff_token("manager")
    response = harness.client.put("/api/v1/outcomes/2565", json={"corruption_cases": figure}, headers=manager)
    refused(response, "corruption_cases")
    indicators = harness.client.put("/api/v1/indicators/2565", json={"corruption_cases": figure}, headers=manager)
    refused(indicators, "corruption_cases")


def test_a_score_is_a_json_number_not_true_or_false(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    for score in (False, True, "80", 100.5, -1):
        response = harness.client.put("/api/v1/indicators/2565", json={"ita_score": score}, headers=manager)
        refused(response, "ita_score")
    kept = harness.client.put("/api/v1/indicators/2565", json={"ita_score": 87}, headers=manager)
    assert kept.status_code == 200, kept.text


def test_outcome_counts_within_range_are_kept(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    response = harness.client.put(
        "/api/v1/outcomes/2565", json={"corruption_cases": 2**31 - 1, "procurement": 0}, headers=manager
    )
    assert response.status_code == 200, response.text
    rows = {row["indicator"]: row for row in response.json()}
    assert rows["corruption_cases"]["count"] == 2**31 - 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"q1": 5, "q2": 4}, "village_no": 2**31}, "village_no"),
        ({"answers": {"q1": 5, "q2": 4}, "village_no": 2**63}, "village_no"),
        ({"answers": {"q1": 2**64, "q2": 4}, "village_no": 1}, None),  # a level far out of range: the rule's 422
    ],
)
def test_a_paper_survey_forms_numbers_out_of_range_are_422(
    harness: Harness, body: dict[str, Any], field: str | None
) -> None:
    manager = harness.staff_token("manager")
    data = satisfaction_data(2)
    assert harness.client.post("/api/v1/surveys", json=data, headers=manager).status_code == 201
    assert harness.client.post(f"/api/v1/surveys/{data['key']}/open", headers=manager).status_code == 200
    response = harness.client.post(f"/api/v1/surveys/{data['key']}/responses", json=body, headers=manager)
    if field:
        refused(response, field)
    else:
        assert response.status_code == 422 and response.json()["code"] == "invalid", response.text
    with Session(harness.engine) as session:
        assert session.exec(select(SurveyResponse)).all() == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("roster", {"members": [{"name": "ก", "staff_id": 2**31, "group": "staff"}]}, "staff_id"),
        ("retakes", {"staff_id": 2**63}, "staff_id"),
        ("send", {"village_no": 2**31}, "village_no"),
    ],
)
def test_survey_staff_and_village_ids_out_of_range_are_422(
    harness: Harness, path: str, body: dict[str, Any], field: str
) -> None:
    manager = harness.staff_token("manager")
    assert harness.client.post("/api/v1/surveys/install-shipped", headers=manager).status_code in (200, 201)
    method = "put" if path == "roster" else "post"
    response = harness.client.request(method, f"/api/v1/surveys/no_gift/{path}", json=body, headers=manager)
    refused(response, field)

"""The survey admin API: roles, definitions, opening and closing, paper entry, staff quizzes, sending."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from bot.outbox.models import OutboxMessage
from bot.staff import service as staff_service
from bot.staff.models import AuditEntry, Role, StaffMember
from surveys.models import SurveyAnswer, SurveyResponse
from tests.harness import Harness
from tests.surveys.helpers import satisfaction_data


def token(harness: Harness, role: Role, name: str = "สมศรี") -> dict[str, str]:
    with Session(harness.engine) as session:
        _, secret = staff_service.create_staff(session, name=name, role=role, now=harness.clock())
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def manager(harness: Harness) -> dict[str, str]:
    return token(harness, Role.MANAGER)


def create_open(harness: Harness, headers: dict[str, str], data: dict[str, Any]) -> str:
    assert harness.client.post("/api/v1/surveys", json=data, headers=headers).status_code == 201
    assert harness.client.post(f"/api/v1/surveys/{data['key']}/open", headers=headers).status_code == 200
    return data["key"]


def count(harness: Harness, table: type) -> int:
    with Session(harness.engine) as session:
        return len(session.exec(select(table)).all())


def test_shipped_surveys_install_as_drafts_and_roles_are_enforced(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    officer = token(harness, Role.OFFICER, "สมชาย")
    assert harness.client.post("/api/v1/surveys/install-shipped", headers=officer).status_code == 403
    installed = harness.client.post("/api/v1/surveys/install-shipped", headers=manager).json()
    assert [s["key"] for s in installed] == [
        "public_disclosure",
        "info_centre",
        "complaint_handling",
        "law_knowledge",
        "conflict_of_interest",
        "no_gift",
    ]
    assert harness.client.post("/api/v1/surveys/install-shipped", headers=manager).json() == []  # idempotent
    listed = harness.client.get("/api/v1/surveys", headers=officer).json()
    assert {s["status"] for s in listed} == {"draft"}
    detail = harness.client.get("/api/v1/surveys/no_gift", headers=officer).json()
    assert (detail["target"], detail["official_method"], detail["versions"]) == (100, "pass_share", [1])
    assert harness.client.get("/api/v1/surveys/nope", headers=officer).status_code == 404
    assert harness.client.get("/api/v1/surveys/no_gift/summary", headers=officer).status_code == 403
    assert harness.client.get("/api/v1/targets", headers=officer).status_code == 403
    assert harness.client.get("/api/v1/surveys").status_code == 401


def problems_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    """Every problem named in a 422 (the `errors` of the API's one error body)."""
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    return [error["msg"] for error in response.json()["errors"]]


def test_bad_definitions_are_refused_with_every_problem_named(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    data = satisfaction_data(2)
    data["questions"].append({**data["questions"][0]})
    data["questions"].append({"key": "q9", "type": "rating", "text": "?"})
    response = harness.client.post("/api/v1/surveys", json=data, headers=manager)
    assert response.status_code == 422
    assert any("rating" in p and "satisfaction" in p for p in problems_of(response))
    data["questions"].pop()
    problems = problems_of(harness.client.post("/api/v1/surveys", json=data, headers=manager))
    assert problems == ["questions: รหัสคำถาม 'q1' ซ้ำกัน"]
    toml = 'key = "x"\nkey = "y"\n'
    detail = problems_of(harness.client.post("/api/v1/surveys", json={"toml": toml}, headers=manager))
    assert "TOML" in detail[0]
    good = satisfaction_data(1)
    assert harness.client.post("/api/v1/surveys", json=good, headers=manager).status_code == 201
    assert harness.client.post("/api/v1/surveys", json=good, headers=manager).status_code == 409
    assert count(harness, AuditEntry) == 1


def test_paper_entry_checks_everything_before_writing(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    officer = token(harness, Role.OFFICER, "สมชาย")
    key = create_open(harness, manager, satisfaction_data(2))
    url = f"/api/v1/surveys/{key}/responses"
    bad = [
        ({"answers": {"q1": 6, "q2": 4}, "village_no": 1}, 422, "1–5"),
        ({"answers": {"q1": 5}, "village_no": 1}, 422, "ต้องตอบ"),
        ({"answers": {"q1": 5, "q2": 4, "q7": 1}, "village_no": 1}, 422, "q7"),
        ({"answers": {"q1": 5, "q2": 4}, "village_no": 99}, 422, "หมู่ที่ 99"),
    ]
    for body, code, words in bad:
        response = harness.client.post(url, json=body, headers=officer)
        assert response.status_code == code and words in response.json()["detail"], body
    assert count(harness, SurveyResponse) == count(harness, SurveyAnswer) == 0
    filed = harness.client.post(url, json={"answers": {"q1": 5, "q2": 4}, "village_no": 3}, headers=officer)
    assert filed.status_code == 201 and filed.json()["revised"] is False
    assert (
        harness.client.post("/api/v1/surveys/nope/responses", json={"answers": {}}, headers=officer).status_code == 404
    )
    assert harness.client.post(f"/api/v1/surveys/{key}/close", headers=manager).status_code == 200
    closed = harness.client.post(url, json={"answers": {"q1": 5, "q2": 4}}, headers=officer)
    assert closed.status_code == 409 and "ปิดรับ" in closed.json()["detail"]
    assert harness.client.post(f"/api/v1/surveys/{key}/close", headers=manager).status_code == 409
    with Session(harness.engine) as session:
        (response,) = session.exec(select(SurveyResponse)).all()
        assert (response.channel, response.village_no, response.resident_id) == ("paper", 3, None)
        assert response.entered_by_staff_id is not None


def test_the_official_method_is_locked_once_answers_exist_and_edits_make_versions(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    data = satisfaction_data(2)
    key = create_open(harness, manager, data)
    switched = {**data, "official_method": "top2_share"}
    edited = harness.client.put(f"/api/v1/surveys/{key}", json=switched, headers=manager)
    assert edited.status_code == 200 and edited.json()["version"] == 2  # no answers yet: allowed
    harness.client.post(f"/api/v1/surveys/{key}/responses", json={"answers": {"q1": 5, "q2": 4}}, headers=manager)
    refused = harness.client.put(f"/api/v1/surveys/{key}", json=data, headers=manager)
    assert refused.status_code == 409 and "official_method" in refused.json()["detail"]
    retyped = {**switched, "questions": [{**switched["questions"][0], "type": "text"}, switched["questions"][1]]}
    assert harness.client.put(f"/api/v1/surveys/{key}", json=retyped, headers=manager).status_code == 409
    reworded = {**switched, "questions": [{**switched["questions"][0], "text": "ใหม่"}, switched["questions"][1]]}
    assert harness.client.put(f"/api/v1/surveys/{key}", json=reworded, headers=manager).json()["version"] == 3
    with Session(harness.engine) as session:
        assert session.exec(select(SurveyResponse)).one().version == 2  # the answers keep their version


def test_staff_take_quizzes_once_and_a_retake_a_manager_allows_revises(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    officer = token(harness, Role.OFFICER, "สมชาย")
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/conflict_of_interest/open", headers=manager)
    right = {
        "meaning": "a",
        "relative_contractor": "b",
        "official_car": "c",
        "inside_information": "a",
        "gift_basket": "b",
        "side_job": "b",
    }
    url = "/api/v1/surveys/conflict_of_interest/my-response"
    first = harness.client.post(url, json={"answers": {**right, "side_job": "a"}}, headers=officer).json()
    assert (first["score_percent"], first["passed"], first["revised"]) == (83.33, True, False)
    again = harness.client.post(url, json={"answers": right}, headers=officer)
    assert again.status_code == 409 and "ทำแบบนี้แล้ว" in again.json()["detail"]
    with Session(harness.engine) as session:
        officer_id = session.exec(select(StaffMember.id).where(StaffMember.name == "สมชาย")).one()
    assert (
        harness.client.post(
            "/api/v1/surveys/conflict_of_interest/retakes", json={"staff_id": officer_id}, headers=officer
        ).status_code
        == 403
    )
    assert (
        harness.client.post(
            "/api/v1/surveys/conflict_of_interest/retakes", json={"staff_id": officer_id}, headers=manager
        ).status_code
        == 201
    )
    second = harness.client.post(
        url, json={"answers": {**right, "side_job": "a", "meaning": "b"}}, headers=officer
    ).json()
    assert (second["score_percent"], second["passed"], second["revised"]) == (66.67, False, True)
    assert count(harness, SurveyResponse) == 1
    assert harness.client.post(url, json={"answers": right}, headers=officer).status_code == 409  # retake used
    paper = harness.client.post(
        "/api/v1/surveys/conflict_of_interest/responses", json={"answers": right}, headers=officer
    )
    assert paper.status_code == 409


def test_sending_a_survey_to_a_village_multicasts_to_consenting_residents(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    key = create_open(harness, manager, satisfaction_data(1))
    users = [harness.new_user() for _ in range(3)]
    harness.onboard(users[0], village=2)
    harness.onboard(users[1], village=2)
    harness.onboard(users[2], village=5)
    before = count(harness, OutboxMessage)
    sent = harness.client.post(f"/api/v1/surveys/{key}/send", json={"village_no": 2}, headers=manager)
    assert sent.json() == {"recipients": 2}
    assert count(harness, OutboxMessage) == before + 1
    harness.deliver()
    invite = harness.last_message(users[0])
    assert invite["type"] == "template" and invite["template"]["actions"][0]["data"] == f"svopen:{key}::"
    assert (
        harness.client.post(f"/api/v1/surveys/{key}/send", json={"village_no": 42}, headers=manager).status_code == 422
    )
    harness.tap(users[0], f"svopen:{key}::")
    assert "ขอบคุณ" in harness.say(users[0], "5")[0]


def test_the_load_command_installs_the_shipped_definitions_once(harness: Harness, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.surveys.loader import load

    monkeypatch.setenv("DATABASE_URL", harness.settings.database_url)
    assert load([]) == 0 and capsys.readouterr().out.count("(draft)") == 6
    assert load([], update=True) == 0 and capsys.readouterr().out.count("(unchanged)") == 6
    manager = token(harness, Role.MANAGER)
    assert len(harness.client.get("/api/v1/surveys", headers=manager).json()) == 6

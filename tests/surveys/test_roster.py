"""Rosters and census targets: the whole roster answers, and the target is judged on it (40 of 40 → met,
39 of 40 → not_yet_provable with the missing name, one failure → not_met); answer keys stay with managers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from bot.residents.models import Resident
from bot.staff.models import Role, StaffContact, StaffNotification
from bot.staff.service import create_staff
from surveys import catalogue, responses
from surveys.models import Channel
from surveys.responses import Respondent
from tests.harness import Harness
from tests.surveys.helpers import open_shipped


def staff(harness: Harness, count: int) -> list[int]:
    with Session(harness.engine) as session:
        ids = [
            create_staff(session, name=f"บุคลากร {i:02d}", role=Role.OFFICER, now=harness.clock())[0]
            for i in range(count)
        ]
        session.flush()
        result = [m.id or 0 for m in ids]
        session.commit()
    return result


def roster_body(ids: list[int], without_account: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    groups = ["executive", "council", "staff"]
    members = [{"name": f"บุคลากร {i:02d}", "staff_id": sid, "group": groups[i % 3]} for i, sid in enumerate(ids)]
    members += [{"name": name, "staff_id": None, "group": "council"} for name in without_account]
    return {"members": members}


def answer_no_gift(harness: Harness, staff_ids: list[int], compliant: bool = True) -> None:
    """Each staff member's own self-assessment, filed as my-response files it (channel staff)."""
    with Session(harness.engine) as session:
        survey = catalogue.get(session, "no_gift")
        assert survey is not None
        definition = catalogue.definition_of(session, survey)
        answers = {q.key: q.correct for q in definition.questions if q.correct is not None}
        if not compliant:
            answers[next(iter(answers))] = "no"
        for sid in staff_ids:
            responses.submit(
                session, survey, definition, Respondent(staff_id=sid), answers, Channel.STAFF, harness.clock()
            )
        session.commit()


def test_the_roster_is_replaced_whole_by_managers_only(harness: Harness) -> None:
    manager, officer = harness.staff_token("manager"), harness.staff_token("officer")
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    ids = staff(harness, 3)
    body = roster_body(ids, ["นายกำนัน สภาดี"])
    assert harness.client.put("/api/v1/surveys/no_gift/roster", json=body, headers=officer).status_code == 403
    saved = harness.client.put("/api/v1/surveys/no_gift/roster", json=body, headers=manager)
    assert saved.status_code == 200 and saved.json() == body
    assert harness.client.get("/api/v1/surveys/no_gift/roster", headers=manager).json() == body
    smaller = {"members": body["members"][:1]}
    assert harness.client.put("/api/v1/surveys/no_gift/roster", json=smaller, headers=manager).json() == smaller
    for bad in (
        {"members": [{"name": "ก", "staff_id": 99999, "group": "staff"}]},
        {"members": [{"name": "ก", "staff_id": None, "group": "mayor"}]},
        {"members": [{"name": "", "staff_id": None, "group": "staff"}]},
        {
            "members": [
                {"name": "ก", "staff_id": ids[0], "group": "staff"},
                {"name": "ข", "staff_id": ids[0], "group": "staff"},
            ]
        },
    ):
        assert harness.client.put("/api/v1/surveys/no_gift/roster", json=bad, headers=manager).status_code == 422
    assert harness.client.get("/api/v1/surveys/no_gift/roster", headers=manager).json() == smaller  # unchanged
    assert harness.client.put("/api/v1/surveys/info_centre/roster", json=body, headers=manager).status_code == 409
    assert harness.client.get("/api/v1/surveys/nope/roster", headers=manager).status_code == 404


def _target(harness: Harness, headers: dict[str, str], key: str) -> dict[str, Any]:
    rows = harness.client.get("/api/v1/targets", headers=headers).json()
    return next(r for r in rows if r["indicator"] == key)


def test_forty_of_forty_compliant_is_met_and_thirty_nine_is_not_yet_provable(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    open_shipped(harness.engine, "no_gift", harness.clock())
    ids = staff(harness, 40)
    assert (
        harness.client.put("/api/v1/surveys/no_gift/roster", json=roster_body(ids), headers=manager).status_code == 200
    )
    answer_no_gift(harness, ids[:39])
    summary = harness.client.get("/api/v1/surveys/no_gift/summary", headers=manager).json()
    assert summary["status"] == "not_yet_provable"
    assert summary["roster"] == {"size": 40, "answered": 39, "missing": ["บุคลากร 39"]}
    row = _target(harness, manager, "no_gift")
    assert row["status"] == "not_yet_provable" and row["roster"]["missing"] == ["บุคลากร 39"]

    answer_no_gift(harness, ids[39:])
    summary = harness.client.get("/api/v1/surveys/no_gift/summary", headers=manager).json()
    assert summary["status"] == "met" and summary["roster"] == {"size": 40, "answered": 40, "missing": []}
    row = _target(harness, manager, "no_gift")
    assert (row["status"], row["value"], row["n"]) == ("met", 100.0, 40)

    answer_no_gift(harness, ids[:1], compliant=False)  # one person's revised answer does not comply
    assert _target(harness, manager, "no_gift")["status"] == "not_met"


def test_a_failure_is_not_met_even_while_others_are_missing_and_a_member_without_account_counts(
    harness: Harness,
) -> None:
    manager = harness.staff_token("manager")
    open_shipped(harness.engine, "no_gift", harness.clock())
    ids = staff(harness, 2)
    harness.client.put("/api/v1/surveys/no_gift/roster", json=roster_body(ids, ["นางสมร สภาตำบล"]), headers=manager)
    answer_no_gift(harness, ids[:1])
    summary = harness.client.get("/api/v1/surveys/no_gift/summary", headers=manager).json()
    assert summary["roster"] == {"size": 3, "answered": 1, "missing": ["บุคลากร 01", "นางสมร สภาตำบล"]}
    assert summary["status"] == "not_yet_provable"
    answer_no_gift(harness, ids[1:], compliant=False)
    assert harness.client.get("/api/v1/surveys/no_gift/summary", headers=manager).json()["status"] == "not_met"


def test_the_answer_key_is_absent_from_everything_an_officer_reads(harness: Harness) -> None:
    manager, officer = harness.staff_token("manager"), harness.staff_token("officer")
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/law_knowledge/open", headers=manager)
    for key in ("law_knowledge", "conflict_of_interest", "no_gift"):
        as_officer = harness.client.get(f"/api/v1/surveys/{key}", headers=officer)
        assert as_officer.status_code == 200 and as_officer.json()["definition"]["questions"]
        assert '"correct"' not in as_officer.text
        assert '"correct"' in harness.client.get(f"/api/v1/surveys/{key}", headers=manager).text
    assert '"correct"' not in harness.client.get("/api/v1/surveys", headers=officer).text
    questions = harness.client.get("/api/v1/surveys/law_knowledge", headers=officer).json()["definition"]["questions"]
    first_choice = {q["key"]: q["choices"][0]["key"] for q in questions if q.get("choices")}
    filed = harness.client.post(
        "/api/v1/surveys/law_knowledge/my-response", json={"answers": first_choice}, headers=officer
    )
    assert filed.status_code == 201, filed.text
    assert set(filed.json()) == {"id", "fiscal_year", "revised", "score_percent", "passed"}  # the score, no key
    assert filed.json()["score_percent"] is not None and '"correct"' not in filed.text


def test_rostered_staff_who_have_not_answered_are_reminded_once_two_weeks_before_the_end(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    open_shipped(harness.engine, "no_gift", harness.clock())
    ids = staff(harness, 3)
    harness.client.put("/api/v1/surveys/no_gift/roster", json=roster_body(ids, ["นางสมร สภาตำบล"]), headers=manager)
    answer_no_gift(harness, ids[:1])
    user = harness.new_user("บุคลากร 01")
    harness.onboard(user)
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident).where(Resident.line_user_id == user)).one()
        session.add(StaffContact(staff_member_id=ids[1], resident_id=resident.id, linked_at=harness.clock()))
        session.commit()
    before = len(harness.line.state.texts_to(user))
    harness.clock.now = datetime(2027, 9, 10, 3, 0, tzinfo=UTC)  # three weeks before FY 2570 ends
    assert harness.run_jobs()["survey_reminders"] == {"reminded": 0}
    harness.clock.now = datetime(2027, 9, 20, 3, 0, tzinfo=UTC)  # inside the last two weeks
    assert harness.run_jobs()["survey_reminders"] == {"reminded": 2}  # 01 (LINE) and 02 (console only)
    pushed = harness.line.state.texts_to(user)[before:]
    assert len(pushed) == 1 and "ยังไม่ได้ตอบ" in pushed[0] and "30 กันยายน 2570" in pushed[0]
    with Session(harness.engine) as session:
        notes = session.exec(select(StaffNotification).where(StaffNotification.kind == "survey_reminder")).all()
    assert sorted(n.staff_id or 0 for n in notes) == sorted(ids[1:])
    harness.clock.advance(days=1)
    assert harness.run_jobs()["survey_reminders"] == {"reminded": 0}  # once per person and year

"""Staff forums (law training, measure 13: twice a year; conflict-of-interest forum, measure 14): attendance
counted against the roster — ticked by staff or checked in by LINE by rostered people — and shown in the
targets (API and public page), judged on sessions held with the roster's coverage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.forums.helpers import create_forum, forum_body
from tests.harness import Harness
from tests.surveys.helpers import open_shipped
from tests.surveys.test_roster import roster_body, staff
from tests.surveys.test_staff_tests import _link_line

MARCH_2570 = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)  # FY 2570 (1 Oct 2026 – 30 Sep 2027)


def _row(harness: Harness, headers: dict[str, str], indicator: str, year: int = 2570) -> dict[str, Any]:
    rows = harness.client.get(f"/api/v1/targets?fiscal_year={year}", headers=headers).json()
    return next(r for r in rows if r["indicator"] == indicator)


def _setup(harness: Harness) -> tuple[dict[str, str], list[int]]:
    harness.clock.now = MARCH_2570
    manager = harness.staff_token("manager")
    open_shipped(harness.engine, "law_knowledge", harness.clock())
    open_shipped(harness.engine, "conflict_of_interest", harness.clock())
    ids = staff(harness, 2)
    body = roster_body(ids, ["นางสมร สภาตำบล"])
    assert harness.client.put("/api/v1/surveys/law_knowledge/roster", json=body, headers=manager).status_code == 200
    return manager, ids


def _training(harness: Harness, headers: dict[str, str], days: int = 3) -> dict[str, Any]:
    return create_forum(
        harness,
        headers,
        topic="อบรมกฎหมายและระเบียบ ครั้งที่ 1",
        villages=[],
        audience="staff",
        purpose="law_training",
        place="ห้องประชุม",
        map_url=None,
        starts_at=(harness.clock() + timedelta(days=days)).isoformat(),
    )


def test_a_law_training_counts_attendance_against_the_roster(harness: Harness) -> None:
    manager, ids = _setup(harness)
    forum = _training(harness, manager)
    assert (forum["audience"], forum["purpose"], forum["roster_survey"], forum["villages"]) == (
        "staff",
        "law_training",
        "law_knowledge",
        [],
    )
    assert forum["staff_attendance"] == {
        "size": 3,
        "attended": 0,
        "missing": ["บุคลากร 00", "บุคลากร 01", "นางสมร สภาตำบล"],
    }
    assert forum["notices"] == {}  # no residents' reminder for a staff session
    assert harness.client.post(f"/api/v1/forums/{forum['id']}/announce", headers=manager).status_code == 409
    attendees = harness.client.get(f"/api/v1/forums/{forum['id']}/staff-attendance", headers=manager).json()
    keys = {a["name"]: a["member_key"] for a in attendees}
    assert keys["บุคลากร 00"] == f"staff:{ids[0]}" and keys["นางสมร สภาตำบล"].startswith("roster:")
    early = harness.client.put(
        f"/api/v1/forums/{forum['id']}/staff-attendance", json={"members": [keys["บุคลากร 00"]]}, headers=manager
    )
    assert early.status_code == 409  # not started yet
    harness.clock.now = datetime.fromisoformat(forum["starts_at"]) - timedelta(hours=1)
    almost = harness.client.put(
        f"/api/v1/forums/{forum['id']}/staff-attendance", json={"members": [keys["บุคลากร 00"]]}, headers=manager
    )
    assert almost.status_code == 409 and "เวลาเริ่มเวที" in almost.text  # an hour early is still early

    harness.clock.now = datetime.fromisoformat(forum["starts_at"]) + timedelta(minutes=10)
    user = _link_line(harness, ids[1], "บุคลากร 01")
    assert "ลงชื่อเข้าร่วม" in harness.say(user, f"ลงชื่อ {forum['check_in_code']}")[0]
    assert "ไว้แล้ว" in harness.say(user, f"ลงชื่อ {forum['check_in_code']}")[0]
    stranger = harness.new_user()
    harness.onboard(stranger)
    assert "ยังไม่อยู่ในรายชื่อ" in harness.say(stranger, f"ลงชื่อ {forum['check_in_code']}")[0]
    from tests.chat.test_thai_style import org_style_problems

    for someone in (user, stranger):
        sent = harness.line.state.texts_to(someone)
        assert {
            t: org_style_problems(t, harness.org.short_name)
            for t in sent
            if org_style_problems(t, harness.org.short_name)
        } == {}

    unknown = harness.client.put(
        f"/api/v1/forums/{forum['id']}/staff-attendance", json={"members": ["staff:99999"]}, headers=manager
    )
    assert unknown.status_code == 422
    ticked = harness.client.put(
        f"/api/v1/forums/{forum['id']}/staff-attendance",
        json={"members": [keys["บุคลากร 01"], keys["นางสมร สภาตำบล"]]},
        headers=manager,
    )
    assert ticked.status_code == 200, ticked.text
    assert ticked.json() == {"size": 3, "attended": 2, "missing": ["บุคลากร 00"]}

    row = _row(harness, manager, "law_training")
    assert (row["value"], row["target"], row["status"], row["plan_measure"]) == (1.0, 2.0, "not_yet_provable", 13)
    assert row["roster"] == {"size": 3, "answered": 2, "missing": ["บุคลากร 00"]}

    second = _training(harness, manager, days=30)
    harness.clock.now = datetime.fromisoformat(second["starts_at"]) + timedelta(hours=1)
    harness.client.put(
        f"/api/v1/forums/{second['id']}/staff-attendance", json={"members": [keys["บุคลากร 00"]]}, headers=manager
    )
    row = _row(harness, manager, "law_training")
    assert (row["value"], row["status"]) == (2.0, "met")
    assert row["roster"] == {"size": 3, "answered": 3, "missing": []}  # everyone came to one session or more
    page = harness.client.get("/public/targets?fiscal_year=2570")
    assert page.status_code == 200 and "การอบรมและเวทีของบุคลากร" in page.text and "3 จาก 3 คน" in page.text
    public = harness.client.get("/api/v1/public/forums?fiscal_year=2570").json()
    assert public == []  # staff sessions are not residents' forums


def test_no_conflict_of_interest_forum_by_the_year_end_is_not_met(harness: Harness) -> None:
    manager, _ = _setup(harness)
    assert _row(harness, manager, "coi_forum")["status"] == "not_yet_provable"
    harness.clock.now = datetime(2027, 10, 2, 3, 0, tzinfo=UTC)
    row = _row(harness, manager, "coi_forum")
    assert (row["value"], row["target"], row["status"], row["plan_measure"]) == (0.0, 1.0, "not_met", 14)


def test_staff_forums_are_refused_without_a_purpose_or_with_villages(harness: Harness) -> None:
    manager, _ = _setup(harness)
    base = forum_body(harness.clock(), villages=[], audience="staff", purpose="law_training")
    for change in (
        {"purpose": None},
        {"villages": [1]},
        {"purpose": "picnic"},
        {"roster_survey": "info_centre"},
        {"audience": "residents", "purpose": None},
    ):
        refused = harness.client.post("/api/v1/forums", json={**base, **change}, headers=manager)
        assert refused.status_code == 422, (change, refused.text)
    resident_forum = create_forum(harness, manager)
    assert (
        harness.client.get(f"/api/v1/forums/{resident_forum['id']}/staff-attendance", headers=manager).status_code
        == 409
    )
    assert resident_forum["staff_attendance"] is None

"""The plan's outcome indicators from live complaints and tips, against hand counts, across a fiscal-year
boundary (a controlled clock: 30 Sep 2026 is FY 2569, 1 Oct 2026 is FY 2570); re-classification audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from bot.staff.models import AuditEntry
from bot.tips import service as tips
from tests.harness import Harness

LAST_DAY_2569 = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)  # 16.00 Thai time, 30 Sep 2026
FIRST_DAY_2570 = datetime(2026, 9, 30, 18, 0, tzinfo=UTC)  # 01.00 Thai time, 1 Oct 2026


def complaint(harness: Harness, officer: dict[str, str], category: str) -> str:
    response = harness.client.post(
        "/api/v1/complaints",
        headers=officer,
        json={"source_channel": "phone", "category": category, "description": f"เรื่อง {category}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def tip(harness: Harness, integrity: dict[str, str], type_key: str | None) -> str:
    with Session(harness.engine) as session:
        filed = tips.file_tip(
            session,
            sealer=harness.runtime.sealer,
            settings=harness.settings,
            line_user_id="U" + "0" * 32,
            anonymous=True,
            what="เบาะแส",
            now=harness.clock(),
        )
        session.commit()
        code = filed.code
    if type_key is not None:
        classified = harness.client.post(f"/api/v1/tips/{code}/type", json={"type": type_key}, headers=integrity)
        assert classified.status_code == 200, classified.text
        assert classified.json()["type"] == type_key
    return code


def outcome(harness: Harness, manager: dict[str, str], fiscal_year: int | None = None) -> dict[str, Any]:
    params = {"fiscal_year": fiscal_year} if fiscal_year else {}
    rows = harness.client.get("/api/v1/targets", params=params, headers=manager).json()
    return {r["indicator"]: r for r in rows if r["count"] is not None}


def test_outcome_indicators_against_hand_counts_across_the_fiscal_year_boundary(harness: Harness) -> None:
    manager, officer = harness.staff_token("manager"), harness.staff_token("officer")
    integrity = harness.staff_token("integrity_officer")
    harness.clock.now = LAST_DAY_2569
    for category in ("procurement", "procurement", "service", "bribery", "roads"):
        complaint(harness, officer, category)
    tip(harness, integrity, "procurement")
    tip(harness, integrity, None)
    before = outcome(harness, manager)
    assert before["bribery"]["fiscal_year"] == 2569 and before["bribery"]["status"] == "not_met"  # 1 > 0 already

    harness.clock.now = FIRST_DAY_2570
    complaint(harness, officer, "procurement")
    duplicate = complaint(harness, officer, "procurement")
    assert (
        harness.client.post(
            f"/api/v1/complaints/{duplicate}/transitions",
            headers=officer,
            json={"status": "duplicate", "public_note": "ซ้ำกับเรื่องก่อนหน้า"},
        ).status_code
        == 200
    )
    complaint(harness, officer, "service")
    wrong = complaint(harness, officer, "roads")  # the resident picked the wrong category
    assert (
        harness.client.post(
            f"/api/v1/complaints/{wrong}/category", headers=officer, json={"category": "nope"}
        ).status_code
        == 422
    )
    moved = harness.client.post(
        f"/api/v1/complaints/{wrong}/category",
        headers=officer,
        json={"category": "service", "reason": "เจ้าหน้าที่พูดจาไม่สุภาพ"},
    )
    assert moved.status_code == 200 and moved.json()["category"] == "service"
    assert moved.json()["timeline"][-1]["kind"] == "reclassified"
    tip(harness, integrity, "embezzlement")
    assert (
        harness.client.post(
            f"/api/v1/tips/{tip(harness, integrity, None)}/type", json={"type": "x"}, headers=integrity
        ).status_code
        == 422
    )
    assert harness.client.put("/api/v1/outcomes/2570", json={"bribery": 0}, headers=manager).status_code == 422
    assert harness.client.put("/api/v1/outcomes/2565", json={}, headers=manager).status_code == 422
    assert (
        harness.client.put(
            "/api/v1/outcomes/2565", json={"corruption_cases": 10, "procurement": 4}, headers=officer
        ).status_code
        == 403
    )
    assert (
        harness.client.put(
            "/api/v1/outcomes/2565", json={"corruption_cases": 10, "procurement": 4}, headers=manager
        ).status_code
        == 200
    )
    with Session(harness.engine) as session:
        actions = [a.action for a in session.exec(select(AuditEntry)).all()]
    assert {"complaint.reclassify", "tip.classify", "outcome.record"} <= set(actions)

    now = outcome(harness, manager)
    # Hand counts, FY 2570: procurement 1 (the duplicate is not counted), staff conduct 2 (one re-classified),
    # bribery 0, corruption cases = 2 tips (one typed embezzlement, one left untyped after a refused type).
    # FY 2569: procurement 2 complaints + 1 tip = 3, staff conduct 1, bribery 1, corruption = 2 tips + 1 bribery.
    expected = {
        "bribery": (0, 1, None, -100.0, 0, "not_yet_provable"),
        "procurement": (1, 3, 4, -66.67, "falling", "not_yet_provable"),
        "staff_conduct": (2, 1, None, 100.0, "falling", "not_met"),
        "corruption_cases": (2, 3, 10, -80.0, 5, "not_yet_provable"),
    }
    for key, (count, previous, baseline, change, target, status) in expected.items():
        row = now[key]
        assert (
            row["fiscal_year"],
            row["count"],
            row["previous_count"],
            row["baseline_count"],
            row["change_percent"],
            row["target"],
            row["status"],
        ) == (2570, count, previous, baseline, change, target, status), key

    last_year = outcome(harness, manager, 2569)  # over now: judged for good
    assert (last_year["bribery"]["count"], last_year["bribery"]["status"]) == (1, "not_met")
    assert (
        last_year["corruption_cases"]["count"],
        last_year["corruption_cases"]["target"],
        last_year["corruption_cases"]["status"],
    ) == (3, 6, "met")  # 40 % fewer than 10 allows 6
    assert (last_year["procurement"]["previous_count"], last_year["procurement"]["status"]) == (0, "not_met")

    page = harness.client.get("/public/targets", params={"fiscal_year": 2570})
    assert page.status_code == 200 and "ปีงบประมาณ 2570" in page.text
    assert "การจัดซื้อจัดจ้าง" in page.text and "-66.67" in page.text and "ลดลงจากปีก่อน" in page.text

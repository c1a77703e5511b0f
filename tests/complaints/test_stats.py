"""Statistics computed by the database, checked against hand-counted cases; public pages show no one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.complaints import service
from bot.complaints.models import SourceChannel, Status
from bot.complaints.stats import complaint_stats
from tests.harness import Harness

START = datetime(2026, 10, 5, 3, 0, tzinfo=UTC)  # FY 2570, Q1, October


def seed(harness: Harness) -> None:
    """Five cases: resolved in 2, 10 and 20 days; one open and late; one open and young."""
    org, settings = harness.org, harness.settings
    with Session(harness.engine) as session:
        cases = []
        for i, (category, village, source) in enumerate(
            [
                ("roads", 1, SourceChannel.LINE),
                ("roads", 2, SourceChannel.PHONE),
                ("water", 1, SourceChannel.LINE),
                ("waste", 3, SourceChannel.LETTER),
                ("roads", 1, SourceChannel.CENTER_1567),
            ]
        ):
            created = START + timedelta(days=i * 0 if i < 4 else 60)
            cases.append(
                service.file_complaint(
                    session,
                    org=org,
                    settings=settings,
                    category=category,
                    description=f"เรื่องที่ {i} โทร 0811111111",
                    now=created,
                    village_no=village,
                    source=source,
                    phone="0811111111",
                    contact_name="นายทดสอบ ลับ",
                )
            )
        for case, days in zip(cases[:3], (2, 10, 20), strict=True):
            service.transition(
                session,
                case,
                Status.RESOLVED,
                org=org,
                now=case.created_at + timedelta(days=days),
                public_note="แก้ไขแล้ว",
            )
            service.transition(session, case, Status.CLOSED, org=org, now=case.created_at + timedelta(days=days + 1))
        service.rate(session, cases[0], 5, now=START + timedelta(days=4))
        service.rate(session, cases[1], 3, now=START + timedelta(days=12))
        session.commit()


def test_figures_match_a_hand_count(harness: Harness) -> None:
    seed(harness)
    with Session(harness.engine) as session:
        s = complaint_stats(session, 2570, START + timedelta(days=40))
    assert (s["received"], s["completed"], s["in_progress"], s["overdue"]) == (5, 3, 2, 1)
    assert s["by_category"] == {"roads": 3, "water": 1, "waste": 1}
    assert s["by_village"] == {"1": 3, "2": 1, "3": 1}
    assert s["by_source_channel"] == {"line": 2, "phone": 1, "letter": 1, "center_1567": 1}
    assert s["days_to_resolve"] == {"n": 3, "median": 10.0, "p90": 20.0}
    assert type(s["days_to_resolve"]["n"]) is int  # a count of cases: 3, not 3.0 in the JSON
    assert s["resolved_within_15_days"] == round(2 / 4, 4)  # 3 resolved + 1 open past its window
    assert s["late_cases"] == 2 and s["late_told_why"] == 0.0  # nobody was told: the scheduler never ran
    assert s["satisfaction"] == {
        "n": 2,
        "mean": 4.0,
        "top2_share": 0.5,
        "mean_percent": 80.0,
        "levels": {"5": 1, "3": 1},
    }
    months = {m["month"]: m["received"] for m in s["by_month"]}
    assert months[10] == 4 and months[12] == 1 and [m["month"] for m in s["by_month"]][:3] == [10, 11, 12]
    assert s["by_quarter"][0] == {"quarter": 1, "received": 5, "completed": 3}
    with Session(harness.engine) as session:
        assert complaint_stats(session, 2569, START)["received"] == 0


def test_stats_endpoint_and_public_pages(harness: Harness) -> None:
    seed(harness)
    manager = harness.staff_token("manager")
    api = harness.client.get("/api/v1/complaints/stats", params={"fiscal_year": 2570}, headers=manager)
    assert api.status_code == 200 and api.json()["received"] == 5
    assert harness.client.get("/api/v1/complaints/stats").status_code == 401
    bad_year = harness.client.get("/api/v1/complaints/stats", params={"fiscal_year": 70}, headers=manager)
    assert bad_year.status_code == 422
    public = harness.client.get("/public/complaints.json", params={"fiscal_year": 2570})
    assert public.status_code == 200
    body = public.json()
    assert body["by_category"]["ถนน สะพาน ทางระบายน้ำ"] == 3 and body["by_village"]["หมู่ 1 บ้านพนา"] == 3
    page = harness.client.get("/public/complaints", params={"fiscal_year": 2570})
    assert page.status_code == 200 and "ปีงบประมาณ 2570" in page.text and "1 ตุลาคม 2569" in page.text
    for published in (public.text, page.text):
        assert "0811111111" not in published and "นายทดสอบ" not in published and "เรื่องที่" not in published
    assert "15 วัน" in harness.client.get("/public/how-to-complain").text
    tips = harness.client.get("/public/tips.json", params={"fiscal_year": 2570}).json()
    assert tips == {"fiscal_year": 2570, "received": 0, "completed": 0, "in_progress": 0}
    assert harness.client.get("/public/tips").status_code == 200

"""Managers' reports through the API: the summary JSON, exports opened back, targets, the public page,
and the functions other domains call (linked ratings, invitations)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlmodel import Session, select

from bot.residents.models import Resident
from bot.staff.models import Role
from bot.surveys import service
from bot.thai import fiscal_year
from surveys import catalogue
from surveys.flow import AnswerError
from surveys.models import SurveyResponse
from tests.harness import Harness
from tests.surveys.helpers import open_shipped, satisfaction_data
from tests.surveys.test_api import create_open, token

FIGURES = {"n", "answers", "mean", "sd", "band", "mean_percent", "top2_share", "pass_share", "levels", "ci95"}


@pytest.fixture
def manager(harness: Harness) -> dict[str, str]:
    return token(harness, Role.MANAGER)


def file(harness: Harness, headers: dict[str, str], key: str, rows: list[tuple[int, dict]]) -> None:
    for village, answers in rows:
        response = harness.client.post(
            f"/api/v1/surveys/{key}/responses", json={"answers": answers, "village_no": village}, headers=headers
        )
        assert response.status_code == 201, response.text


def test_summary_json_carries_every_figure_at_every_level(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    key = create_open(harness, manager, satisfaction_data(2, official_method="top2_share"))
    file(
        harness,
        manager,
        key,
        [(1, {"q1": 5, "q2": 5})] * 5 + [(2, {"q1": 3, "q2": 3})] * 5 + [(3, {"q1": 2, "q2": 2})] * 2,
    )
    year = fiscal_year(harness.clock())
    body = harness.client.get(
        f"/api/v1/surveys/{key}/summary", params={"fiscal_year": year, "by": "village"}, headers=manager
    ).json()
    assert set(body) >= FIGURES and {"target", "official_method", "status"} <= set(body)
    assert (body["n"], body["answers"], body["mean"], body["band"]) == (12, 24, 3.6667, "มาก")  # 44 / 12
    assert (body["mean_percent"], body["top2_share"]) == (73.33, 41.67)
    assert (body["target"], body["official_method"], body["official_value"]) == (80.0, "top2_share", 41.67)
    assert body["status"] == "not_met" and body["provisional"] is True
    assert set(body["ci95"]) == {"mean", "mean_percent", "top2_share"} and body["ci95"]["top2_share"][1] < 80
    assert body["sample"] == {"population": 6799, "required": 378, "responses": 12, "adequate": False}
    for part in body["dimensions"] + body["items"]:
        assert set(part) >= FIGURES
    assert [d["key"] for d in body["dimensions"]] == ["a", "b"] and [i["key"] for i in body["items"]] == ["q1", "q2"]
    groups = body["breakdown"]["groups"]
    assert [(g["label"], g["n"], g["mean"]) for g in groups] == [("หมู่ 1 บ้านพนา", 5, 5.0), ("หมู่ 2 บ้านดอนตูม", 5, 3.0)]
    assert body["breakdown"]["hidden_groups"] == 1 and groups[0]["sample_required"] == 303
    months = harness.client.get(f"/api/v1/surveys/{key}/summary", params={"by": "month"}, headers=manager).json()
    assert months["breakdown"]["groups"][0]["label"].endswith(str(harness.clock().year + 543))
    assert (
        harness.client.get(f"/api/v1/surveys/{key}/summary", params={"by": "colour"}, headers=manager).status_code
        == 422
    )


def test_exports_open_back_with_thai_headers(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/info_centre/open", headers=manager)
    visited = {
        "used": "visited",
        "process_easy": 5,
        "process_fast": 4,
        "channel_many": 4,
        "staff_polite": 5,
        "staff_advice": 4,
        "facilities": 3,
        "overall": 4,
        "suggestion": "ดีมาก",
    }
    file(harness, manager, "info_centre", [(2, visited), (3, {"used": "never", "channel_many": 2, "overall": 3})])
    csv_response = harness.client.get("/api/v1/surveys/info_centre/export.csv", headers=manager)
    assert csv_response.status_code == 200 and csv_response.text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(csv_response.text.lstrip("\ufeff"))))
    assert table[0][:5] == ["ลำดับ", "ปีงบประมาณ", "ไตรมาส", "วันที่ตอบ", "ช่องทาง"]
    assert any(h.startswith("ข้อ used: ท่านเคยขอข้อมูล") for h in table[0]) and len(table) == 3
    assert "มาที่ศูนย์ฯ ด้วยตนเอง" in table[1] and "หมู่ 2 บ้านดอนตูม" in table[1] and "ดีมาก" in table[1]
    xlsx = harness.client.get("/api/v1/surveys/info_centre/export.xlsx", headers=manager)
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["คำตอบ", "สรุป"]
    rows = list(book["คำตอบ"].values)
    assert list(rows[0]) == table[0] and len(rows) == 3
    report = list(book["สรุป"].values)
    assert report[0][0].startswith("แบบสำรวจความพึงพอใจ") and report[6][0] == "รวมทุกด้าน" and report[6][1] == 2
    assert (
        harness.client.get(
            "/api/v1/surveys/info_centre/export.csv", headers=token(harness, Role.OFFICER, "x")
        ).status_code
        == 403
    )


def test_exports_keep_formulas_as_text(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/info_centre/open", headers=manager)
    attacks = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
    for attack in attacks:
        file(
            harness,
            manager,
            "info_centre",
            [(2, {"used": "never", "channel_many": 2, "overall": 3, "suggestion": attack})],
        )
    table = list(
        csv.reader(
            io.StringIO(
                harness.client.get("/api/v1/surveys/info_centre/export.csv", headers=manager).text.lstrip("\ufeff")
            )
        )
    )
    column = next(i for i, h in enumerate(table[0]) if h.startswith("ข้อ suggestion"))
    assert [row[column] for row in table[1:]] == ["'" + a for a in attacks]
    assert table[1][1].isdigit()  # numbers stay numbers
    book = openpyxl.load_workbook(
        io.BytesIO(harness.client.get("/api/v1/surveys/info_centre/export.xlsx", headers=manager).content)
    )
    cells = [row[column] for row in list(book["คำตอบ"].values)[1:]]
    assert cells == ["'" + a for a in attacks]


def test_targets_table_joins_surveys_and_plan_indicators(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/public_disclosure/open", headers=manager)
    five = {
        "channels_used": ["line"],
        "channel_access": 5,
        "channel_variety": 5,
        "content_complete": 5,
        "content_current": 5,
        "content_clear": 5,
        "overall": 5,
    }
    file(harness, manager, "public_disclosure", [(1, five)] * 6)
    assert (
        harness.client.put("/api/v1/indicators/2565", json={"corruption_cases": 4}, headers=manager).status_code == 200
    )
    assert harness.client.put("/api/v1/indicators/2570", json={}, headers=manager).status_code == 422
    assert harness.client.put("/api/v1/indicators/2570", json={"ita_score": 101}, headers=manager).status_code == 422
    harness.client.put("/api/v1/indicators/2570", json={"ita_score": 91.5, "corruption_cases": 2}, headers=manager)
    rows = {
        r["indicator"]: r
        for r in harness.client.get("/api/v1/targets", params={"fiscal_year": 2570}, headers=manager).json()
    }
    assert len(rows) == 13  # 6 surveys, 2 staff sessions (law training, conflict of interest), ITA, 4 outcomes
    assert (rows["ita_score"]["target"], rows["ita_score"]["status"]) == (90.0, "met")
    assert (rows["corruption_cases"]["target"], rows["corruption_cases"]["status"]) == (2, "met")
    assert rows["no_gift"]["status"] == "no_responses" and rows["no_gift"]["target"] == 100  # nobody answered
    now_year = fiscal_year(harness.clock())
    current = {r["indicator"]: r for r in harness.client.get("/api/v1/targets", headers=manager).json()}
    disclosure = current["public_disclosure"]
    assert (disclosure["fiscal_year"], disclosure["value"], disclosure["n"]) == (now_year, 100.0, 6)
    assert disclosure["status"] == "met" and disclosure["plan_measure"] == 5


def test_public_report_page_in_thai_without_login(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    key = create_open(harness, manager, satisfaction_data(1))
    file(harness, manager, key, [(1, {"q1": 4}), (1, {"q1": 5}), (1, {"q1": 5}), (2, {"q1": 4}), (1, {"q1": 3})])
    year = fiscal_year(harness.clock())
    page = harness.client.get(f"/public/surveys/{key}/{year}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f"ปีงบประมาณ พ.ศ. {year}" in html and "องค์การบริหารส่วนตำบลพนา" in html
    assert "ผลเบื้องต้น" in html and "ผู้ตอบ 5 คน" in html and "มากที่สุด" in html
    assert "1 ตุลาคม" in html and "หมู่ 1 บ้านพนา" not in html  # 4 in village 1: hidden
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    assert harness.client.get(f"/public/surveys/no_gift/{year}").status_code == 404  # staff results stay inside
    assert harness.client.get(f"/public/surveys/nope/{year}").status_code == 404


def test_linked_ratings_one_per_complaint(harness: Harness) -> None:
    open_shipped(harness.engine, "complaint_handling", harness.clock())
    user = harness.new_user()
    harness.onboard(user, village=4)
    now = harness.clock()
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident)).one()
        rid = resident.id or 0
        first = service.record_linked_rating(
            session,
            survey_key="complaint_handling",
            resident_id=rid,
            score=4,
            link=("complaint", "C2570-00001"),
            now=now,
        )
        again = service.record_linked_rating(
            session,
            survey_key="complaint_handling",
            resident_id=rid,
            score=2,
            link=("complaint", "C2570-00001"),
            now=now,
        )
        other = service.record_linked_rating(
            session,
            survey_key="complaint_handling",
            resident_id=rid,
            score=5,
            link=("complaint", "C2570-00002"),
            now=now,
        )
        assert first is not None and again is not None and other is not None
        assert first.id == again.id != other.id and first.link_id == "C2570-00001" and first.village_no == 4
        with pytest.raises(AnswerError):
            service.record_linked_rating(session, resident_id=rid, score=6, link=("complaint", "C1"), now=now)
        survey = catalogue.get(session, "complaint_handling")
        assert survey is not None
        report = service.report(session, survey, harness.org, now, None)
        assert (report.overall.n, report.overall.mean) == (2, 3.5)
        messages = service.send_survey(
            session,
            survey_key="complaint_handling",
            resident_id=rid,
            org=harness.org,
            now=now,
            link=("complaint", "C2570-00002"),
        )
        assert "C2570-00002" in messages[0]["template"]["text"]
        catalogue.close_survey(survey, now)
        assert (
            service.record_linked_rating(session, resident_id=rid, score=5, link=("complaint", "C3"), now=now) is None
        )
        assert (
            service.send_survey(session, survey_key="complaint_handling", resident_id=rid, org=harness.org, now=now)
            == []
        )
        session.commit()
    harness.deliver()
    assert harness.quick_replies(user) == [] and harness.last_message(user)["type"] == "template"
    with Session(harness.engine) as session:
        assert len(session.exec(select(SurveyResponse)).all()) == 2


def test_a_pushed_invitation_opens_the_linked_questionnaire(harness: Harness) -> None:
    open_shipped(harness.engine, "complaint_handling", harness.clock())
    user = harness.new_user()
    harness.onboard(user)
    with Session(harness.engine) as session:
        rid = session.exec(select(Resident)).one().id or 0
        service.send_survey(
            session,
            survey_key="complaint_handling",
            resident_id=rid,
            org=harness.org,
            now=harness.clock(),
            link=("complaint", "C2570-00007"),
        )
        session.commit()
    harness.deliver()
    start = harness.last_message(user)["template"]["actions"][0]["data"]
    assert start == "svopen:complaint_handling:complaint:C2570-00007"
    assert harness.tap(user, start)[1].startswith("ข้อ 1/7 · ช่องทางการให้บริการ")
    for _ in range(6):
        harness.say(user, "5")
    assert "ขอบคุณ" in harness.say(user, "ข้าม")[0]
    with Session(harness.engine) as session:
        response = session.exec(select(SurveyResponse)).one()
        assert (response.link_type, response.link_id, response.resident_id) == ("complaint", "C2570-00007", rid)


def test_one_respondent_figures_count_people_and_stay_unpublished(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    """n = 1: the top-2 interval counts respondents (one person's six answers are not six people), the
    responses still needed is a number, the whole survey is not a second "ภาพรวม", and the public report
    publishes no figure of fewer than 5 respondents; the targets table says "no responses" where n = 0."""
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    harness.client.post("/api/v1/surveys/complaint_handling/open", headers=manager)
    one = {
        "channel_easy": 5,
        "process_clear": 4,
        "process_informed": 5,
        "process_time": 2,
        "staff_fair": 4,
        "overall": 5,
    }
    file(harness, manager, "complaint_handling", [(1, one)])
    year = fiscal_year(harness.clock())
    body = harness.client.get(
        "/api/v1/surveys/complaint_handling/summary", params={"fiscal_year": year}, headers=manager
    ).json()
    assert (body["n"], body["answers"], body["top2_share"]) == (1, 6, 83.33)
    assert body["ci95"]["top2_share"] is None  # was Wilson over n = 1 of a share of answers: [14.4, 99.3]
    assert body["status"] == "not_yet_provable"
    assert isinstance(body["more_responses_needed"], int) and body["more_responses_needed"] > 0
    page = harness.client.get(f"/public/surveys/complaint_handling/{year}").text
    assert page.count(">ภาพรวม<") <= 1 and "ช่องทางการร้องเรียนสะดวก" not in page  # no per-question row of one
    assert "ผู้ตอบน้อยกว่า 5 คน" in page and "83.33" not in page
    book = openpyxl.load_workbook(
        io.BytesIO(harness.client.get("/api/v1/surveys/complaint_handling/export.xlsx", headers=manager).content)
    )
    labels = [row[0] for row in book["สรุป"].values]
    assert labels.count("ภาพรวม") == 1 and "รวมทุกด้าน" in labels
    targets = {
        r["indicator"]: r
        for r in harness.client.get("/api/v1/targets", params={"fiscal_year": year}, headers=manager).json()
    }
    assert targets["info_centre"]["status"] == "no_responses" and targets["info_centre"]["n"] == 0
    assert targets["complaint_handling"]["status"] == "not_yet_provable"


def test_the_top2_interval_of_a_dimension_counts_respondents(harness: Harness, manager) -> None:  # type: ignore[no-untyped-def]
    key = create_open(harness, manager, satisfaction_data(2, official_method="top2_share"))
    file(harness, manager, key, [(1, {"q1": 5, "q2": 2}), (1, {"q1": 4, "q2": 5}), (2, {"q1": 1, "q2": 2})])
    body = harness.client.get(f"/api/v1/surveys/{key}/summary", headers=manager).json()
    assert (body["n"], body["top2_share"]) == (3, 50.0)  # each person's own share: ½, 1, 0
    low, high = body["ci95"]["top2_share"]
    assert 0 <= low < 50 < high <= 100
    assert isinstance(body["more_responses_needed"], int)

"""Defaults that lose nothing: the shipped surveys are there from the first start (those the organisation
file names open from the start of the fiscal year), and a complainant's rating is never dropped."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.surveys.loader import install_defaults_into
from surveys import catalogue
from surveys.models import PendingRating, SurveyStatus
from tests.complaints.test_handling import filed, move
from tests.harness import Harness

NOV_2026 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # fiscal year 2570 (1 Oct 2026 – 30 Sep 2027)
FY_2570_START = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)  # 1 Oct 2026 00:00 Bangkok


def test_the_organisation_file_opens_three_surveys_for_the_fiscal_year_once(harness: Harness) -> None:
    assert harness.org.surveys.open == ["public_disclosure", "info_centre", "complaint_handling"]
    added = install_defaults_into(harness.engine, harness.org, NOV_2026)
    assert len(added) == 6
    with Session(harness.engine) as session:
        found = {s.key: s for s in catalogue.all_surveys(session)}
        opened = sorted(k for k, s in found.items() if s.status == SurveyStatus.OPEN)
        assert opened == ["complaint_handling", "info_centre", "public_disclosure"]
        assert all(found[k].opens_at == FY_2570_START and found[k].closes_at is None for k in opened)
        assert found["law_knowledge"].status == SurveyStatus.DRAFT
        assert found["public_disclosure"].accepts_answers(NOV_2026)
        # The texts speak of this organisation by its short name, never a bare "อบต."
        text = str(catalogue.definition_of(session, found["public_disclosure"]).to_data())
        assert "อบต.พนา" in text and "{organisation}" not in text and "อบต. " not in text
        catalogue.close_survey(found["info_centre"], NOV_2026)  # a manager's choice is kept on the next start
        session.commit()
    assert install_defaults_into(harness.engine, harness.org, NOV_2026) == []
    with Session(harness.engine) as session:
        assert catalogue.get(session, "info_centre").status == SurveyStatus.CLOSED  # type: ignore[union-attr]


def test_a_municipality_reads_its_own_name(harness: Harness) -> None:
    org = harness.org.model_copy(update={"short_name": "ทต.บ้านใหม่"})
    org.surveys = org.surveys.model_copy(update={"open": [], "open_from": date(2026, 10, 1)})
    install_defaults_into(harness.engine, org, NOV_2026)
    with Session(harness.engine) as session:
        survey = catalogue.get(session, "info_centre")
        assert survey is not None and survey.status == SurveyStatus.DRAFT
        text = str(catalogue.definition_of(session, survey).to_data())
    assert "ทต.บ้านใหม่" in text and "อบต" not in text


def test_db_upgrade_installs_the_default_surveys(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import app

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.delenv("TAMBON_CONFIG", raising=False)
    first = CliRunner().invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "open: public_disclosure, info_centre, complaint_handling" in first.output
    again = CliRunner().invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0 and "installed" not in again.output


def _rate_a_closed_case(harness: Harness) -> str:
    user, code = filed(harness)
    officer = harness.staff_token("officer")
    assert move(harness, officer, code, status="resolved", public_note="ซ่อมแล้ว").status_code == 200
    harness.deliver()
    harness.tap(user, harness.last_message(user)["template"]["actions"][0]["data"])  # แก้ไขแล้ว
    harness.tap(user, harness.quick_replies(user)[0]["data"])  # 5 มากที่สุด
    return code


def _survey_n(harness: Harness, manager: dict[str, str]) -> int:
    response = harness.client.get("/api/v1/surveys/complaint_handling/summary", headers=manager)
    assert response.status_code == 200, response.text
    return int(response.json()["n"])


def test_a_rating_given_before_the_survey_exists_counts_once_when_it_opens(harness: Harness) -> None:
    code = _rate_a_closed_case(harness)
    manager = harness.staff_token("manager")
    stats = harness.client.get("/api/v1/complaints/stats", headers=manager).json()
    assert stats["satisfaction"]["n"] == 1
    with Session(harness.engine) as session:
        kept = session.exec(select(PendingRating)).all()
        assert [(p.survey_key, p.link_id, p.score) for p in kept] == [("complaint_handling", code, 5)]
    install_defaults_into(harness.engine, harness.org, harness.clock())  # first start: the survey opens
    install_defaults_into(harness.engine, harness.org, harness.clock())  # a second start counts nothing again
    assert _survey_n(harness, manager) == stats["satisfaction"]["n"] == 1
    with Session(harness.engine) as session:
        assert session.exec(select(PendingRating)).all() == []


def test_a_rating_given_while_the_survey_is_closed_counts_when_it_reopens(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    assert harness.client.post("/api/v1/surveys/install-shipped", headers=manager).status_code == 200
    _rate_a_closed_case(harness)  # the survey is still a draft
    assert _survey_n(harness, manager) == 0
    assert harness.client.post("/api/v1/surveys/complaint_handling/open", headers=manager).status_code == 200
    stats = harness.client.get("/api/v1/complaints/stats", headers=manager).json()
    assert _survey_n(harness, manager) == stats["satisfaction"]["n"] == 1

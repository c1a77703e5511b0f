"""Scoring against hand-computed examples: both percentages, bands, intervals, targets, breakdowns, quizzes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from surveys import indicators, stats, summary
from surveys.definition import shipped_definitions
from surveys.models import Channel
from surveys.responses import Respondent, submit
from tests.surveys.helpers import file_paper, install_resident, open_survey, satisfaction_data

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # FY 2570, Q1, November 2026


@pytest.fixture
def session(engine: Engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        yield session


def report(session: Session, rows: list[dict], method: str = "mean_percent", **kwargs):  # type: ignore[no-untyped-def]
    survey, definition = open_survey(session, satisfaction_data(len(rows[0]), official_method=method), NOW)
    file_paper(session, survey, definition, rows, NOW)
    return summary.summarise(session, survey, definition, now=NOW, fiscal_year=2570, **kwargs)


def test_all_fours_is_80_percent_by_the_mean_but_100_percent_top_two(session: Session) -> None:
    r = report(session, [{"q1": 4}] * 10)
    o = r.overall
    assert (o.n, o.mean, o.sd, o.band, o.mean_percent, o.top2_share) == (10, 4.0, 0.0, "มาก", 80.0, 100.0)
    assert o.levels == {1: 0.0, 2: 0.0, 3: 0.0, 4: 100.0, 5: 0.0}
    assert o.ci95["mean"] == (4.0, 4.0) and r.status == "met" and r.official_value == 80.0
    assert o.ci95["top2_share"] == pytest.approx((72.2467, 100.0), abs=1e-3)  # Wilson, 10 of 10


def test_half_fives_half_threes_is_80_percent_by_the_mean_but_50_percent_top_two(session: Session) -> None:
    rows = [{"q1": 5}] * 5 + [{"q1": 3}] * 5
    r = report(session, rows)
    o = r.overall
    assert (o.mean, o.mean_percent, o.top2_share, o.band) == (4.0, 80.0, 50.0, "มาก")
    assert o.sd == pytest.approx((10 / 9) ** 0.5)  # Σ(x−4)² = 10, n − 1 = 9
    half = 2.2622 * (10 / 9) ** 0.5 / 10**0.5  # t(9) × s / √n = 0.7541
    assert o.ci95["mean"] == pytest.approx((4 - half, 4 + half))
    assert o.ci95["mean_percent"] == pytest.approx((80 - 20 * half, 80 + 20 * half))
    assert o.ci95["top2_share"] == pytest.approx((23.659, 76.341), abs=1e-3)
    assert r.status == "not_yet_provable" and r.more_responses_needed is None  # exactly on target: never provable
    by_share = report(session, rows, method="top2_share")
    assert (by_share.official_value, by_share.status) == (50.0, "not_met")


def test_dimensions_pool_items_but_count_each_respondent_once(session: Session) -> None:
    r = report(session, [{"q1": 5, "q2": 3}] * 6)
    assert (r.overall.n, r.overall.answers, r.overall.mean, r.overall.top2_share) == (6, 12, 4.0, 50.0)
    assert [(d.key, d.figures.mean, d.figures.n) for d in r.dimensions] == [("a", 5.0, 6), ("b", 3.0, 6)]
    assert [(i.key, i.figures.band) for i in r.items] == [("q1", "มากที่สุด"), ("q2", "ปานกลาง")]
    # the interval uses n = 6 respondents, not 12 answers (and is clipped to the 1–5 scale)
    assert r.overall.ci95["mean"] == pytest.approx((4 - 2.5706 * (r.overall.sd or 0) / 6**0.5, 5.0))


def test_breakdowns_hide_groups_under_five_and_carry_sample_sizes(session: Session) -> None:
    survey, definition = open_survey(session, satisfaction_data(1), NOW)
    file_paper(session, survey, definition, [{"q1": 5}] * 5, NOW, village=1)
    file_paper(session, survey, definition, [{"q1": 2}] * 4, NOW, village=2, channel=Channel.WEB)
    r = summary.summarise(
        session,
        survey,
        definition,
        now=NOW,
        fiscal_year=2570,
        by="village",
        population=2100,
        group_populations={1: 1240, 2: 860},
    )
    assert [(g.key, g.figures.n, g.population, g.required) for g in r.groups] == [((1,), 5, 1240, 303)]
    assert r.hidden_groups == 1 and r.overall.n == 9  # hidden from the breakdown, still in the total
    assert (r.population, r.sample_required) == (2100, 336)  # 2100 / (1 + 2100 × 0.0025)
    by_channel = summary.summarise(session, survey, definition, now=NOW, by="channel")
    assert [g.key for g in by_channel.groups] == [("paper",)] and by_channel.hidden_groups == 1
    for by, key in (("fiscal_year", (2570,)), ("quarter", (2570, 1)), ("month", (202611,))):
        assert [g.key for g in summary.summarise(session, survey, definition, now=NOW, by=by).groups] == [key]


def test_results_are_provisional_while_open_and_filter_by_fiscal_year(session: Session) -> None:
    survey, definition = open_survey(session, satisfaction_data(1), NOW)
    file_paper(session, survey, definition, [{"q1": 5}] * 3, NOW)
    file_paper(session, survey, definition, [{"q1": 1}] * 2, NOW + timedelta(days=365))
    this_year = summary.summarise(session, survey, definition, now=NOW, fiscal_year=2570)
    assert this_year.overall.n == 3 and this_year.provisional
    assert summary.summarise(session, survey, definition, now=NOW, fiscal_year=2571).overall.mean == 1.0
    later = NOW + timedelta(days=800)
    assert not summary.summarise(session, survey, definition, now=later, fiscal_year=2570).provisional
    empty = summary.summarise(session, survey, definition, now=NOW, fiscal_year=2569)
    assert (empty.overall.n, empty.overall.mean, empty.status) == (0, None, "not_yet_provable")


def test_quiz_scores_are_per_person_and_pass_share_is_judged_on_the_pass_mark(session: Session) -> None:
    data = next(d for d in shipped_definitions("อบต.พนา") if d.key == "conflict_of_interest").to_data()
    survey, definition = open_survey(session, data, NOW)
    right = {
        "meaning": "a",
        "relative_contractor": "b",
        "official_car": "c",
        "inside_information": "a",
        "gift_basket": "b",
        "side_job": "b",
    }
    papers = [right, {**right, "side_job": "a"}, {**right, "meaning": "b", "official_car": "a", "side_job": "a"}]
    for answers in papers:
        submit(session, survey, definition, Respondent(), answers, Channel.STAFF, NOW)
    r = summary.summarise(session, survey, definition, now=NOW, fiscal_year=2570)
    assert r.overall.n == 3 and r.overall.mean_percent == pytest.approx((100 + 500 / 6 + 50) / 3)
    assert r.overall.pass_share == pytest.approx(200 / 3) and r.official_value == pytest.approx(200 / 3)
    assert [round(i.figures.mean_percent or 0, 2) for i in r.items] == [66.67, 100.0, 66.67, 100.0, 100.0, 33.33]
    assert r.items[0].figures.band is None and r.overall.top2_share is None


def test_statistics_helpers_against_tables() -> None:
    assert stats.yamane(6799) == 378 and stats.yamane(40) == 37 and stats.yamane(0) == 0
    assert stats.wilson(0.5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    assert stats.t_critical(9) == 2.2622 and stats.t_critical(60) == pytest.approx(2.0003, abs=1e-3)
    assert [stats.band(x) for x in (5.0, 4.21, 4.2049, 4.205, 3.41, 3.40, 2.61, 1.81, 1.80, 1.0)] == [
        "มากที่สุด",
        "มากที่สุด",
        "มาก",
        "มากที่สุด",
        "มาก",
        "ปานกลาง",
        "ปานกลาง",
        "น้อย",
        "น้อยที่สุด",
        "น้อยที่สุด",
    ]
    # mean 90 %, SD 10 points, 2 answers: t(m−1)·10/√m < 10 first holds at m = 7 → 5 more
    assert stats.more_for_mean(90.0, 10.0, 2, 80.0, (20.0, 100.0)) == 5
    needed = stats.more_for_share(0.9, 10, 0.8)
    assert needed is not None and stats.target_status(stats.wilson(0.9, 10 + needed), 0.8) == "met"
    assert stats.target_status(stats.wilson(0.9, 10 + needed - 1), 0.8) == "not_yet_provable"


def test_one_response_per_resident_per_fiscal_year(session: Session) -> None:
    resident_id = install_resident(session, NOW)
    survey, definition = open_survey(session, satisfaction_data(1, anonymous=True), NOW)
    me = Respondent(resident_id=resident_id, village_no=1)
    first, revised = submit(session, survey, definition, me, {"q1": 2}, Channel.LINE, NOW)
    again, revised = submit(session, survey, definition, me, {"q1": 5}, Channel.LINE, NOW + timedelta(days=30))
    assert again.id == first.id and revised and first.resident_id is None
    assert first.respondent_key.startswith("anon:") and "resident" not in first.respondent_key
    next_year, revised = submit(session, survey, definition, me, {"q1": 4}, Channel.LINE, NOW + timedelta(days=365))
    assert next_year.id != first.id and not revised
    r = summary.summarise(session, survey, definition, now=NOW, fiscal_year=2570)
    assert (r.overall.n, r.overall.mean) == (1, 5.0)


def test_plan_indicators_against_the_plan(session: Session) -> None:
    assert [s.status for s in indicators.statuses(session, 2567)] == ["not_recorded", "no_baseline"]
    indicators.record(session, 2565, ita_score=None, corruption_cases=10, now=NOW, staff_id=None)
    indicators.record(session, 2567, ita_score=76.5, corruption_cases=8, now=NOW, staff_id=None)
    indicators.record(session, 2570, ita_score=88.0, corruption_cases=6, now=NOW, staff_id=None)
    ita, cases = indicators.statuses(session, 2567)
    assert (ita.target, ita.status) == (75.0, "met")
    assert (cases.target, cases.value, cases.status, cases.reduction_percent) == (8, 8, "met", 20.0)
    ita, cases = indicators.statuses(session, 2570)
    assert (ita.target, ita.status, cases.target, cases.status) == (90.0, "not_met", 5, "not_met")
    assert indicators.statuses(session, 2571)[0].status == "no_target"

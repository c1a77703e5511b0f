"""Property tests: the SQL aggregates equal a plain Python computation on random answers, and the
statistics keep their promises (intervals contain the estimate, shares sum to 100 %, groups add up)."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from surveys import scoring, stats, summary
from surveys.stats import Moments
from tests.surveys.helpers import file_paper, open_survey, satisfaction_data

NOW = datetime(2027, 2, 1, tzinfo=UTC)
level = st.integers(1, 5)
answers = st.integers(1, 3).flatmap(
    lambda items: st.lists(
        st.tuples(st.integers(1, 3), st.lists(level, min_size=items, max_size=items)), min_size=1, max_size=30
    )
)
DB = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def session(engine: Engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        yield session


@DB
@given(rows=answers)
def test_sql_summary_equals_python_on_random_answers(session: Session, rows: list[tuple[int, list[int]]]) -> None:
    items = len(rows[0][1])
    survey, definition = open_survey(session, satisfaction_data(items), NOW)
    for village, levels in rows:
        file_paper(session, survey, definition, [{f"q{i + 1}": x for i, x in enumerate(levels)}], NOW, village)
    report = summary.summarise(session, survey, definition, now=NOW, fiscal_year=2570, by="village")
    pooled = [x for _, levels in rows for x in levels]
    o = report.overall
    assert (o.n, o.answers) == (len(rows), len(pooled))
    assert o.mean == pytest.approx(statistics.fmean(pooled))
    assert o.sd == (pytest.approx(statistics.stdev(pooled), abs=1e-9) if len(pooled) > 1 else None)
    assert o.top2_share == pytest.approx(100 * sum(x >= 4 for x in pooled) / len(pooled))
    assert o.levels == pytest.approx({k: 100 * pooled.count(k) / len(pooled) for k in range(1, 6)})
    for index, item in enumerate(report.items):
        column = [levels[index] for _, levels in rows]
        assert item.figures.mean == pytest.approx(statistics.fmean(column))
        assert item.figures.band == stats.band(statistics.fmean(column))
    for group in report.groups:
        members = [x for village, levels in rows if village == group.key[0] for x in levels]
        assert group.figures.mean == pytest.approx(statistics.fmean(members))
        assert group.figures.n == sum(1 for village, _ in rows if village == group.key[0]) >= summary.MIN_GROUP
    shown = sum(g.figures.n for g in report.groups)
    assert shown + sum(n for n in _small_groups(rows)) == len(rows)
    assert report.hidden_groups == len(_small_groups(rows))


def _small_groups(rows: list[tuple[int, list[int]]]) -> list[int]:
    sizes = [sum(1 for village, _ in rows if village == v) for v in {v for v, _ in rows}]
    return [n for n in sizes if n < summary.MIN_GROUP]


@DB
@given(rows=answers)
def test_breakdown_groups_add_up_to_the_whole(session: Session, rows: list[tuple[int, list[int]]]) -> None:
    survey, definition = open_survey(session, satisfaction_data(len(rows[0][1])), NOW)
    for village, levels in rows:
        file_paper(session, survey, definition, [{f"q{i + 1}": x for i, x in enumerate(levels)}], NOW, village)
    whole = {m.question_key: m.moments for m in scoring.item_moments(session, survey.id or 0, 2570)}
    parts: dict[str, Moments] = {}
    for m in scoring.item_moments(session, survey.id or 0, 2570, by="village"):
        parts[m.question_key] = parts.get(m.question_key, Moments()) + m.moments
    assert parts == whole


@given(st.lists(level, min_size=2, max_size=200))
def test_intervals_contain_the_estimate_and_shares_sum_to_100(scores: list[int]) -> None:
    m = Moments(len(scores), sum(scores), sum(x * x for x in scores), tuple(scores.count(k) for k in range(1, 6)))
    f = summary.satisfaction_figures(m, len(scores))
    low, high = f.ci95["mean"] or (math.nan, math.nan)
    assert 1 <= low <= (f.mean or 0) <= high <= 5
    low, high = f.ci95["top2_share"] or (math.nan, math.nan)
    assert 0 <= low <= (f.top2_share or 0) + 1e-9 and (f.top2_share or 0) - 1e-9 <= high <= 100
    assert sum((f.levels or {}).values()) == pytest.approx(100)
    assert f.mean_percent == pytest.approx((f.mean or 0) * 20)
    assert f.band in {label for _, label in stats.BANDS}


@given(share=st.floats(0, 1), n=st.integers(1, 5000))
def test_wilson_stays_in_range_and_narrows_with_more_answers(share: float, n: int) -> None:
    low, high = stats.wilson(share, n) or (math.nan, math.nan)
    assert 0 <= low <= share + 1e-12 and share - 1e-12 <= high <= 1
    low4, high4 = stats.wilson(share, 4 * n) or (math.nan, math.nan)
    assert high4 - low4 <= high - low + 1e-12


@given(mean=st.floats(20, 100), sd=st.floats(0.1, 40), n=st.integers(2, 500), target=st.floats(20, 100))
def test_more_responses_needed_is_the_smallest_number_that_decides(
    mean: float, sd: float, n: int, target: float
) -> None:
    more = stats.more_for_mean(mean, sd, n, target, (20.0, 100.0))
    if more is None:
        return
    decided = stats.target_status(stats.mean_interval(mean, sd, n + more, (20.0, 100.0)), target)
    assert decided != "not_yet_provable"
    if more > 0:
        before = stats.target_status(stats.mean_interval(mean, sd, n + more - 1, (20.0, 100.0)), target)
        assert before == "not_yet_provable"

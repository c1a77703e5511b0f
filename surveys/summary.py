"""A survey's report for a period: figures per item, dimension and the whole, target status, breakdowns.

Percentages are 0–100. `mean_percent` = mean ÷ 5 × 100; `top2_share` = share answering 4–5. Items are
one answer per respondent. Dimensions and the whole survey pool their items' answers for the mean,
SD and shares, but their intervals count each respondent once (n = the largest item n inside), which
is conservative because one person's answers are correlated. Quizzes: items give the share right;
the whole gives respondents' mean percent score and the share reaching the pass mark.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from surveys import scoring, stats
from surveys.definition import Definition
from surveys.models import Survey
from surveys.periods import fiscal_year_end
from surveys.scoring import Group
from surveys.stats import Interval, Moments

MIN_GROUP = 5  # breakdown groups with fewer respondents are hidden
WHOLE = "รวมทุกด้าน"  # the row of the whole survey (a dimension may itself be called ภาพรวม: the overall question)
CI_METHOD = (
    "95 %: mean – Student t (n−1 df); shares – Wilson score; dimensions and the whole survey count "
    "each respondent once (n = largest item n), which is conservative"
)


@dataclass
class Figures:
    n: int  # respondents (items: answers, one per respondent)
    answers: int
    mean: float | None
    sd: float | None
    band: str | None
    mean_percent: float | None
    top2_share: float | None
    levels: dict[int, float] | None  # percent answering each level 1–5
    ci95: dict[str, Interval | None]
    pass_share: float | None = None
    # The top-2 share over respondents (each person's own share of 4–5 answers): what its interval counts.
    top2_respondents: scoring.RespondentShares | None = None


@dataclass
class ItemFigures:
    key: str
    text: str
    dimension: str | None
    figures: Figures


@dataclass
class DimensionFigures:
    key: str
    title: str
    figures: Figures


@dataclass
class GroupFigures:
    key: Group
    figures: Figures
    population: int | None = None
    required: int | None = None


@dataclass
class Summary:
    survey_key: str
    title: str
    kind: str
    version: int
    fiscal_year: int | None
    provisional: bool
    overall: Figures
    target: float
    official_method: str
    official_value: float | None
    official_ci95: Interval | None
    status: str
    more_responses_needed: int | None
    population: int | None
    sample_required: int | None
    dimensions: list[DimensionFigures] = field(default_factory=list)
    items: list[ItemFigures] = field(default_factory=list)
    by: str | None = None
    groups: list[GroupFigures] = field(default_factory=list)
    hidden_groups: int = 0
    ci_method: str = CI_METHOD


def _percent(interval: Interval | None, scale: float) -> Interval | None:
    return None if interval is None else (interval[0] * scale, interval[1] * scale)


def satisfaction_figures(m: Moments, respondents: int, shares: scoring.RespondentShares | None = None) -> Figures:
    """Figures of 1–5 scores; `respondents` is the n the intervals use. `shares` (several items pooled): the
    top-2 share and its interval are over respondents — the mean of each person's own share, with a t interval
    when someone answered more than one item (one person's answers are not independent), Wilson otherwise."""
    mean, sd = m.mean, m.sd
    top2 = m.share(4, 5)
    top2_ci = stats.wilson(top2, respondents)
    if shares is not None and shares.moments.n:
        top2 = shares.moments.mean
        top2_ci = (
            stats.wilson(top2, shares.moments.n)
            if shares.most_answers <= 1
            else stats.mean_interval(top2, shares.moments.sd, shares.moments.n, (0.0, 1.0))
        )
    mean_ci = stats.mean_interval(mean, sd, respondents, (1.0, 5.0))
    return Figures(
        n=respondents,
        answers=m.n,
        mean=mean,
        sd=sd,
        band=stats.band(mean),
        mean_percent=None if mean is None else mean / 5 * 100,
        top2_share=None if top2 is None else top2 * 100,
        levels={level: m.levels[level - 1] / m.n * 100 for level in range(1, 6)} if m.n else None,
        ci95={"mean": mean_ci, "mean_percent": _percent(mean_ci, 20.0), "top2_share": _percent(top2_ci, 100.0)},
        top2_respondents=shares,
    )


def correct_share_figures(m: Moments, respondents: int) -> Figures:
    """Quiz items and dimensions: the share of right answers (scores 0/1)."""
    share = m.mean
    ci = stats.wilson(share, respondents)
    return Figures(
        n=respondents,
        answers=m.n,
        mean=share,
        sd=m.sd,
        band=None,
        mean_percent=None if share is None else share * 100,
        top2_share=None,
        levels=None,
        ci95={"mean": ci, "mean_percent": _percent(ci, 100.0)},
    )


def quiz_overall_figures(scores: scoring.RespondentScores | None) -> Figures:
    """A quiz as a whole: respondents' percent scores and the share passing."""
    m = scores.moments if scores else Moments()
    mean_ci = stats.mean_interval(m.mean, m.sd, m.n, (0.0, 100.0))
    passed = scores.passed / m.n if scores and m.n else None
    return Figures(
        n=m.n,
        answers=m.n,
        mean=None if m.mean is None else m.mean / 100,
        sd=None if m.sd is None else m.sd / 100,
        band=None,
        mean_percent=m.mean,
        top2_share=None,
        levels=None,
        ci95={
            "mean": _percent(mean_ci, 0.01),
            "mean_percent": mean_ci,
            "pass_share": _percent(stats.wilson(passed, m.n), 100.0),
        },
        pass_share=None if passed is None else passed * 100,
    )


def _pooled(items: dict[str, Moments], keys: list[str]) -> tuple[Moments, int]:
    chosen = [items[k] for k in keys if k in items]
    return sum(chosen, Moments()), max((m.n for m in chosen), default=0)


def summarise(
    session: Session,
    survey: Survey,
    definition: Definition,
    *,
    now: datetime,
    fiscal_year: int | None = None,
    by: str | None = None,
    population: int | None = None,
    group_populations: dict[object, int] | None = None,
) -> Summary:
    """The report of `survey` (all periods, or one fiscal year), optionally broken down `by` a key.

    `population` (residents or staff) sets the Yamane sample size; `group_populations` (e.g. village
    number → population) does the same for each breakdown group.
    """
    if by is not None and by not in scoring.BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    rows = scoring.item_moments(session, survey.id or 0, fiscal_year, by)
    per_item: dict[str, Moments] = defaultdict(Moments)
    per_group: dict[Group, dict[str, Moments]] = defaultdict(lambda: defaultdict(Moments))
    for row in rows:
        per_item[row.question_key] += row.moments
        per_group[row.group][row.question_key] += row.moments
    scored = [q.key for q in definition.scored_questions]
    item_figures = correct_share_figures if definition.is_quiz else satisfaction_figures

    dimension_keys = {
        d.key: [q.key for q in definition.scored_questions if q.dimension == d.key] for d in definition.dimensions
    }
    top2: dict[Group, scoring.RespondentShares] = {}
    dimension_top2: dict[str, list[scoring.RespondentShares]] = {}
    if not definition.is_quiz:  # the whole survey by group, and each dimension, in one query
        whole_rows, *dimension_rows = scoring.respondent_top2(
            session, survey.id or 0, [scored, *dimension_keys.values()], fiscal_year, by
        )
        top2 = {row.group: row for row in whole_rows}
        dimension_top2 = dict(zip(dimension_keys, dimension_rows, strict=True))

    def all_top2(rows: list[scoring.RespondentShares]) -> scoring.RespondentShares:
        return scoring.RespondentShares(
            (), sum((r.moments for r in rows), Moments()), max((r.most_answers for r in rows), default=0)
        )

    quiz_scores: dict[Group, scoring.RespondentScores] = {}
    if definition.is_quiz:
        for score_row in scoring.respondent_scores(session, survey.id or 0, definition.pass_mark or 0, fiscal_year, by):
            quiz_scores[score_row.group] = score_row

    def whole(items: dict[str, Moments], group: Group | None) -> Figures:
        if definition.is_quiz:
            if group is None:
                merged = list(quiz_scores.values())
                total = scoring.RespondentScores(
                    (), sum((s.moments for s in merged), Moments()), sum(s.passed for s in merged)
                )
                return quiz_overall_figures(total if merged else None)
            return quiz_overall_figures(quiz_scores.get(group))
        pooled, respondents = _pooled(items, scored)
        shares = all_top2(list(top2.values())) if group is None else top2.get(group)
        return satisfaction_figures(pooled, respondents, shares)

    overall = whole(per_item, None)
    method = survey.official_method
    official_ci = overall.ci95.get(method)
    official_value = {
        "mean_percent": overall.mean_percent,
        "top2_share": overall.top2_share,
        "pass_share": overall.pass_share,
    }[method]
    summary = Summary(
        survey_key=survey.key,
        title=survey.title,
        kind=definition.kind,
        version=survey.version,
        fiscal_year=fiscal_year,
        provisional=survey.accepts_answers(now) and (fiscal_year is None or now < fiscal_year_end(fiscal_year)),
        overall=overall,
        target=survey.target,
        official_method=method,
        official_value=official_value,
        official_ci95=official_ci,
        status=stats.target_status(official_ci, survey.target),
        more_responses_needed=_more_needed(overall, method, survey.target, definition.is_quiz),
        population=population,
        sample_required=stats.yamane(population) if population else None,
        by=by,
    )
    for dimension in definition.dimensions:
        keys = dimension_keys[dimension.key]
        if keys:
            pooled, respondents = _pooled(per_item, keys)
            if definition.is_quiz:
                figures = correct_share_figures(pooled, respondents)
            else:  # summed over the breakdown's groups: a dimension's figures are the whole population's
                figures = satisfaction_figures(pooled, respondents, all_top2(dimension_top2[dimension.key]))
            summary.dimensions.append(DimensionFigures(dimension.key, dimension.title, figures))
    for question in definition.scored_questions:
        m = per_item.get(question.key, Moments())
        summary.items.append(ItemFigures(question.key, question.text, question.dimension, item_figures(m, m.n)))
    if by is not None:
        for group in sorted(per_group, key=lambda g: tuple((x is None, x) for x in g)):
            figures = whole(per_group[group], group)
            if figures.n < MIN_GROUP:
                summary.hidden_groups += 1
                continue
            people = (group_populations or {}).get(group[-1])
            summary.groups.append(GroupFigures(group, figures, people, stats.yamane(people) if people else None))
    return summary


def _more_needed(overall: Figures, method: str, target: float, quiz: bool) -> int | None:
    """How many more respondents would settle the target (0 when it is settled); None only without any
    respondent, or when the figure sits exactly on the target (no number of answers would decide it).
    With one respondent there is no spread yet: the widest the scale allows is assumed (an upper bound)."""
    if overall.n == 0:
        return None
    if method == "mean_percent":  # judged in percent: satisfaction 20–100 (levels 1–5), quizzes 0–100
        bounds = (0.0, 100.0) if quiz else (20.0, 100.0)
        sd = None if overall.sd is None else overall.sd * (100 if quiz else 20)
        if sd is None:
            sd = (bounds[1] - bounds[0]) / 2
        return (
            stats.more_for_mean(overall.mean_percent, sd, max(overall.n, 2), target, bounds)
            if overall.n >= 2
            else _plus(stats.more_for_mean(overall.mean_percent, sd, 2, target, bounds), 1)
        )
    shares = overall.top2_respondents
    if method == "top2_share" and shares is not None and shares.most_answers > 1:
        m = shares.moments
        sd = m.sd if m.sd is not None else 0.5
        needed = stats.more_for_mean(m.mean, sd, max(m.n, 2), target / 100, (0.0, 1.0))
        return needed if m.n >= 2 else _plus(needed, 1)
    share = overall.top2_share if method == "top2_share" else overall.pass_share
    return stats.more_for_share(None if share is None else share / 100, overall.n, target / 100)


def _plus(needed: int | None, extra: int) -> int | None:
    return None if needed is None else needed + extra

"""Every target of a fiscal year in one table: the surveys' (census ones judged on their roster), the staff
forums held (law training, conflict of interest) with the roster's attendance, the ITA score, and the outcome
indicators counted from complaints and tips. The API and the public page share it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.forums import staff as staff_forums
from bot.organisation import Organisation
from bot.outcomes import service as outcomes
from bot.surveys import service
from bot.surveys.models import RosterFigures, TargetRow
from surveys import catalogue, indicators, roster

ITA_TITLE = "คะแนนการประเมิน ITA"
NO_RESPONSES = "no_responses"


def survey_rows(session: Session, org: Organisation, year: int, now: datetime) -> list[TargetRow]:
    rows = []
    for survey in catalogue.all_surveys(session):
        definition = catalogue.definition_of(session, survey)
        census = roster.census(session, survey, definition, year)
        if census is not None:
            rows.append(
                TargetRow(
                    indicator=survey.key,
                    title=survey.title,
                    plan_measure=definition.plan_measure,
                    fiscal_year=year,
                    target=survey.target,
                    value=None if census.value is None else round(census.value, 2),
                    status=census.status,
                    official_method=survey.official_method,
                    n=census.answered,
                    provisional=census.status == "not_yet_provable",
                    roster=RosterFigures(size=census.size, answered=census.answered, missing=census.missing),
                )
            )
            continue
        report = service.report(session, survey, org, now, year)
        ci = report.official_ci95
        rows.append(
            TargetRow(
                indicator=survey.key,
                title=survey.title,
                plan_measure=definition.plan_measure,
                fiscal_year=year,
                target=survey.target,
                value=None if report.official_value is None else round(report.official_value, 2),
                # Nobody has answered this year: say so, rather than "not yet provable" as if it were a matter of n.
                status=NO_RESPONSES if report.overall.n == 0 else report.status,
                official_method=survey.official_method,
                ci95=None if ci is None else [round(ci[0], 2), round(ci[1], 2)],
                n=report.overall.n,
                more_responses_needed=report.more_responses_needed,
                provisional=report.provisional,
            )
        )
    return rows


def outcome_rows(session: Session, org: Organisation, year: int, now: datetime) -> list[TargetRow]:
    return [
        TargetRow(
            indicator=r.indicator,
            title=r.title,
            plan_measure=r.plan_measure,
            fiscal_year=year,
            target=r.target,
            value=r.count,
            status=r.status,
            count=r.count,
            previous_count=r.previous_count,
            baseline_count=r.baseline_count,
            change_percent=r.change_percent,
            baseline=r.baseline_count if r.indicator == "corruption_cases" else None,
            target_reduction_percent=r.target_reduction_percent,
            provisional=r.status == "not_yet_provable",
        )
        for r in outcomes.rows(session, org, year, now)
    ]


def staff_forum_rows(session: Session, year: int, now: datetime) -> list[TargetRow]:
    """Law training sessions (measure 13, at least twice a year) and the conflict-of-interest forum (measure 14):
    sessions held against the plan's number, and who of the roster attended at least one."""
    rows = []
    for purpose in staff_forums.PURPOSES.values():
        figures = staff_forums.year_figures(session, purpose, year, now)
        rows.append(
            TargetRow(
                indicator=purpose.indicator,
                title=f"{purpose.title} (ครั้งต่อปี)",
                plan_measure=purpose.plan_measure,
                fiscal_year=year,
                target=float(purpose.sessions_per_year),
                value=float(figures.held),
                status=figures.status,
                n=figures.roster.attended,
                provisional=figures.status == "not_yet_provable",
                roster=RosterFigures(
                    size=figures.roster.size, answered=figures.roster.attended, missing=figures.roster.missing
                ),
            )
        )
    return rows


def all_targets(session: Session, org: Organisation, year: int, now: datetime) -> list[TargetRow]:
    ita = next(i for i in indicators.statuses(session, year) if i.indicator == "ita_score")
    ita_row = TargetRow(
        indicator="ita_score", title=ITA_TITLE, fiscal_year=year, target=ita.target, value=ita.value, status=ita.status
    )
    return [
        *survey_rows(session, org, year, now),
        *staff_forum_rows(session, year, now),
        ita_row,
        *outcome_rows(session, org, year, now),
    ]

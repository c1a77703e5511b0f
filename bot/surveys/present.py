"""Domain results turned into API shapes and Thai labels (months in B.E., village names, channels)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from bot import thai
from bot.organisation import Organisation
from bot.surveys.models import (
    Breakdown,
    DimensionOut,
    GroupOut,
    ItemOut,
    Sample,
    SummaryOut,
    SurveyDetail,
    SurveyRead,
)
from surveys import catalogue
from surveys.models import ResponseStatus, Survey, SurveyResponse, SurveyVersion
from surveys.summary import Figures, Summary

CHANNELS = {"line": "LINE", "paper": "แบบสอบถามกระดาษ", "web": "เว็บไซต์", "staff": "เจ้าหน้าที่ตอบเอง"}
STATUS = {"met": "บรรลุเป้าหมาย", "not_met": "ยังไม่บรรลุเป้าหมาย", "not_yet_provable": "ยังสรุปไม่ได้"}
METHODS = {"mean_percent": "ค่าเฉลี่ย ÷ 5 × 100", "top2_share": "ร้อยละผู้ตอบระดับ 4–5", "pass_share": "ร้อยละผู้ผ่านเกณฑ์"}


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def figures(f: Figures) -> dict[str, Any]:
    """The figure fields every level of the summary carries, rounded for reading."""
    ci = {name: None if pair is None else [round(pair[0], 4), round(pair[1], 4)] for name, pair in f.ci95.items()}
    return {
        "n": f.n,
        "answers": f.answers,
        "mean": _round(f.mean, 4),
        "sd": _round(f.sd, 4),
        "band": f.band,
        "mean_percent": _round(f.mean_percent, 2),
        "top2_share": _round(f.top2_share, 2),
        "pass_share": _round(f.pass_share, 2),
        "levels": None if f.levels is None else {k: round(v, 2) for k, v in f.levels.items()},
        "ci95": ci,
    }


def group_label(by: str, key: tuple[Any, ...], org: Organisation) -> str:
    if by == "fiscal_year":
        return f"ปีงบประมาณ {key[0]}"
    if by == "quarter":
        return f"ไตรมาส {key[1]}/{key[0]}"
    if by == "month":
        year, month = divmod(int(key[0]), 100)
        return f"{thai.MONTHS[month - 1]} {year + thai.BE_OFFSET}"
    if by == "village":
        village = org.village(key[0]) if key[0] is not None else None
        return village.label if village else "ไม่ระบุหมู่บ้าน"
    return CHANNELS.get(str(key[0]), str(key[0]))


def summary_out(summary: Summary, org: Organisation) -> SummaryOut:
    breakdown = None
    if summary.by is not None:
        groups = [
            GroupOut(
                key=list(g.key),
                label=group_label(summary.by, g.key, org),
                population=g.population,
                sample_required=g.required,
                **figures(g.figures),
            )
            for g in summary.groups
        ]
        breakdown = Breakdown(by=summary.by, groups=groups, hidden_groups=summary.hidden_groups)
    n = summary.overall.n
    return SummaryOut(
        key=summary.survey_key,
        title=summary.title,
        kind=summary.kind,
        version=summary.version,
        fiscal_year=summary.fiscal_year,
        provisional=summary.provisional,
        target=summary.target,
        official_method=summary.official_method,
        official_value=_round(summary.official_value, 2),
        status=summary.status,  # type: ignore[arg-type]
        more_responses_needed=summary.more_responses_needed,
        sample=Sample(
            population=summary.population,
            required=summary.sample_required,
            responses=n,
            adequate=None if summary.sample_required is None else n >= summary.sample_required,
        ),
        dimensions=[DimensionOut(key=d.key, title=d.title, **figures(d.figures)) for d in summary.dimensions],
        items=[ItemOut(key=i.key, text=i.text, dimension=i.dimension, **figures(i.figures)) for i in summary.items],
        breakdown=breakdown,
        ci_method=summary.ci_method,
        **figures(summary.overall),
    )


def _counts(session: Session) -> dict[int, int]:
    query = (
        select(SurveyResponse.survey_id, func.count())
        .where(SurveyResponse.status == ResponseStatus.COMPLETE)
        .group_by(col(SurveyResponse.survey_id))
    )
    return {survey_id: int(count) for survey_id, count in session.exec(query).all()}


def survey_reads(session: Session, surveys: list[Survey], now: Any) -> list[SurveyRead]:
    counts = _counts(session)
    return [_read(session, s, now, counts.get(s.id or 0, 0)) for s in surveys]


def _read(session: Session, survey: Survey, now: Any, responses: int) -> SurveyRead:
    d = catalogue.definition_of(session, survey)
    return SurveyRead(
        key=survey.key,
        title=survey.title,
        short_title=d.short_title,
        audience=survey.audience,
        kind=survey.kind,
        anonymous=survey.anonymous,
        listed=d.listed,
        status=survey.status,
        accepting_answers=survey.accepts_answers(now),
        version=survey.version,
        target=survey.target,
        official_method=survey.official_method,
        plan_measure=d.plan_measure,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        responses=responses,
    )


def survey_detail(session: Session, survey: Survey, now: Any) -> SurveyDetail:
    read = survey_reads(session, [survey], now)[0]
    versions = session.exec(
        select(SurveyVersion.version).where(SurveyVersion.survey_id == survey.id).order_by(col(SurveyVersion.version))
    ).all()
    return SurveyDetail(
        **read.model_dump(), definition=catalogue.definition_of(session, survey).to_data(), versions=list(versions)
    )


def without_answer_key(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition as a test taker may read it: no question says which answer is right."""
    questions = [{k: v for k, v in q.items() if k != "correct"} for q in definition.get("questions", [])]
    return {**definition, "questions": questions}

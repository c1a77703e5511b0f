"""Responses: one per respondent, survey and fiscal year; answered a question at a time (LINE) or whole
(paper, staff, a linked rating). Answering again edits the same response.

Anonymous surveys store no resident id: the respondent key is a salted SHA-256 of who they are, enough
to find their own response again (no duplicates, resume, revise) but not to list who answered.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from surveys import flow
from surveys.catalogue import SurveyConflict
from surveys.definition import Definition, Question
from surveys.flow import Answers
from surveys.models import Channel, ResponseStatus, Survey, SurveyAnswer, SurveyResponse
from surveys.periods import period_of

Link = tuple[str, str]  # ("complaint", "C2570-00042")


class SurveyClosed(SurveyConflict):
    """The survey does not take answers now."""


@dataclass(frozen=True)
class Respondent:
    """Who answers: a resident, a staff member, a rostered person without a console account (executives and
    council members, by their roster person key), or nobody known (a paper form)."""

    resident_id: int | None = None
    staff_id: int | None = None
    village_no: int | None = None
    roster_key: str | None = None

    @property
    def known(self) -> bool:
        return self.resident_id is not None or self.staff_id is not None or self.roster_key is not None


def respondent_key(survey: Survey, respondent: Respondent, link: Link | None = None) -> str:
    """The key that makes responses unique; per linked record when linked (one rating per complaint)."""
    if respondent.staff_id is not None:
        base = f"staff:{respondent.staff_id}"
    elif respondent.roster_key is not None:
        base = f"roster:{respondent.roster_key}"
    elif respondent.resident_id is not None:
        base = f"resident:{respondent.resident_id}"
    else:
        return f"paper:{secrets.token_hex(16)}"  # paper forms are never matched to one another
    if link is not None:
        base += f"|{link[0]}:{link[1]}"
    if survey.anonymous:
        return "anon:" + hashlib.sha256(f"{survey.salt}|{base}".encode()).hexdigest()
    return base


def find(
    session: Session, survey: Survey, respondent: Respondent, now: datetime, link: Link | None = None
) -> SurveyResponse | None:
    """The respondent's response for the fiscal year `now` falls in, if any."""
    if not respondent.known:
        return None
    return session.exec(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.fiscal_year == period_of(now).fiscal_year,
            SurveyResponse.respondent_key == respondent_key(survey, respondent, link),
        )
    ).first()


def begin(
    session: Session, survey: Survey, respondent: Respondent, channel: Channel, now: datetime, link: Link | None = None
) -> tuple[SurveyResponse, bool]:
    """The respondent's response this period, started now if there is none (and whether it was)."""
    if not survey.accepts_answers(now):
        raise SurveyClosed("แบบสอบถามนี้ปิดรับคำตอบแล้ว")
    existing = find(session, survey, respondent, now, link)
    if existing is not None:
        return existing, False
    period = period_of(now)
    response = SurveyResponse(
        survey_id=survey.id or 0,
        version=survey.version,
        respondent_key=respondent_key(survey, respondent, link),
        resident_id=None if survey.anonymous else respondent.resident_id,
        staff_id=respondent.staff_id,
        channel=channel,
        status=ResponseStatus.IN_PROGRESS,
        village_no=respondent.village_no,
        fiscal_year=period.fiscal_year,
        quarter=period.quarter,
        month=period.month,
        link_type=link[0] if link else None,
        link_id=link[1] if link else None,
        started_at=now,
    )
    session.add(response)
    session.flush()
    return response, True


def answers_of(session: Session, response: SurveyResponse, definition: Definition) -> Answers:
    rows = session.exec(select(SurveyAnswer).where(SurveyAnswer.response_id == response.id)).all()
    answers: Answers = {}
    for row in rows:
        question = definition.question(row.question_key)
        if question is not None:
            answers[row.question_key] = flow.decode(question, row.score, row.number, row.text)
    return answers


def save_answer(
    session: Session,
    survey: Survey,
    response: SurveyResponse,
    definition: Definition,
    question: Question,
    value: Any,
    now: datetime,
) -> Answers:
    """Record one answer (replacing an earlier one) and drop answers the change has made hidden."""
    if not survey.accepts_answers(now):
        raise SurveyClosed("แบบสอบถามนี้ปิดรับคำตอบแล้ว")
    value = flow.check_value(question, value)
    answers = answers_of(session, response, definition)
    answers[question.key] = value
    kept = flow.prune(definition, answers)
    session.exec(
        delete(SurveyAnswer).where(
            col(SurveyAnswer.response_id) == response.id,
            col(SurveyAnswer.question_key).in_([question.key, *(set(answers) - set(kept))]),
        )
    )
    session.add(SurveyAnswer(response_id=response.id or 0, question_key=question.key, **flow.encode(question, value)))
    if response.status == ResponseStatus.COMPLETE:
        response.revised_at = now
    return kept


def adopt_version(session: Session, survey: Survey, response: SurveyResponse, definition: Definition) -> None:
    """Move a response being revised to the survey's current version, dropping answers it no longer asks."""
    if response.version == survey.version:
        return
    kept = flow.prune(definition, answers_of(session, response, definition))
    session.exec(
        delete(SurveyAnswer).where(
            col(SurveyAnswer.response_id) == response.id, col(SurveyAnswer.question_key).not_in(list(kept))
        )
    )
    response.version = survey.version


def finish(response: SurveyResponse, now: datetime) -> None:
    if response.status == ResponseStatus.COMPLETE:
        response.revised_at = now
        return
    response.status = ResponseStatus.COMPLETE
    response.submitted_at = now


def submit(
    session: Session,
    survey: Survey,
    definition: Definition,
    respondent: Respondent,
    given: dict[str, Any],
    channel: Channel,
    now: datetime,
    *,
    entered_by: int | None = None,
    link: Link | None = None,
) -> tuple[SurveyResponse, bool]:
    """A whole response at once, checked in full before anything is written; returns it and whether it
    revised an earlier one."""
    answers = flow.check_answers(definition, given)
    response, created = begin(session, survey, respondent, channel, now, link)
    session.exec(delete(SurveyAnswer).where(col(SurveyAnswer.response_id) == response.id))
    for key, value in answers.items():
        question = definition.question(key)
        assert question is not None
        session.add(SurveyAnswer(response_id=response.id or 0, question_key=key, **flow.encode(question, value)))
    response.version = survey.version
    response.entered_by_staff_id = entered_by
    revised = not created and response.status == ResponseStatus.COMPLETE
    finish(response, now)
    return response, revised


def record_rating(
    session: Session,
    survey: Survey,
    definition: Definition,
    respondent: Respondent,
    score: int,
    link: Link,
    now: datetime,
    channel: Channel = Channel.LINE,
) -> SurveyResponse:
    """A one-tap rating linked to a record (e.g. a closed complaint): fills the survey's rating question
    of that record's response, which counts as complete; rating again changes it."""
    question = definition.rating_target()
    value = flow.check_value(question, score)
    response, _ = begin(session, survey, respondent, channel, now, link)
    save_answer(session, survey, response, definition, question, value, now)
    finish(response, now)
    return response

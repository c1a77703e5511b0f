"""Surveys as managed records: install a definition, publish new versions, open and close.

Rules: the official scoring method is locked once any answer exists; a new version may add, drop or
reword questions but not change the type of a question that has answers (its figures would mix).
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import exists
from sqlmodel import Session, col, select

from surveys.definition import Definition
from surveys.models import Survey, SurveyAnswer, SurveyResponse, SurveyStatus, SurveyVersion


class SurveyConflict(ValueError):
    """A change refused because of the survey's state (already exists, answers exist, wrong status)."""


def get(session: Session, key: str) -> Survey | None:
    return session.exec(select(Survey).where(Survey.key == key)).first()


def all_surveys(session: Session) -> list[Survey]:
    return list(session.exec(select(Survey).order_by(col(Survey.id))).all())


def definition_of(session: Session, survey: Survey, version: int | None = None) -> Definition:
    """The survey's definition, as it was in `version` (default: the current one)."""
    row = session.exec(
        select(SurveyVersion).where(
            SurveyVersion.survey_id == survey.id, SurveyVersion.version == (version or survey.version)
        )
    ).one()
    return row.parsed()


def install(session: Session, definition: Definition, now: datetime) -> Survey:
    """A new survey (a draft) from a definition; refused if the key is taken."""
    if get(session, definition.key) is not None:
        raise SurveyConflict(f"มีแบบสอบถามรหัส {definition.key} อยู่แล้ว")
    survey = Survey(
        key=definition.key, salt=secrets.token_hex(16), created_at=now, updated_at=now, **_copied(definition)
    )
    session.add(survey)
    session.flush()
    _add_version(session, survey, definition, now)
    return survey


def install_missing(session: Session, definitions: list[Definition], now: datetime) -> list[Survey]:
    """Install the definitions whose key is not in the database yet (never overwrites); returns the new ones."""
    return [install(session, d, now) for d in definitions if get(session, d.key) is None]


def has_answers(session: Session, survey: Survey) -> bool:
    return bool(session.scalar(select(exists().where(SurveyResponse.survey_id == survey.id))))


def revise(session: Session, survey: Survey, definition: Definition, now: datetime) -> Survey:
    """Publish `definition` as the survey's next version."""
    if definition.key != survey.key:
        raise SurveyConflict("เปลี่ยนรหัสแบบสอบถามไม่ได้")
    current = definition_of(session, survey)
    if has_answers(session, survey):
        if definition.official_method != survey.official_method:
            raise SurveyConflict("มีผู้ตอบแล้ว เปลี่ยนวิธีคิดคะแนนทางการ (official_method) ไม่ได้")
        if definition.kind != current.kind or definition.anonymous != current.anonymous:
            raise SurveyConflict("มีผู้ตอบแล้ว เปลี่ยนชนิดแบบสอบถามหรือการไม่ระบุตัวตนไม่ได้")
        answered = _answered_keys(session, survey)
        for question in definition.questions:
            before = current.question(question.key)
            if question.key in answered and before is not None and before.type != question.type:
                raise SurveyConflict(f"ข้อ {question.key} มีคำตอบแล้ว เปลี่ยนชนิดคำถามไม่ได้")
    if definition.to_data() == current.to_data():
        return survey  # nothing changed: no new version
    for name, value in _copied(definition).items():
        setattr(survey, name, value)
    survey.version += 1
    survey.updated_at = now
    _add_version(session, survey, definition, now)
    return survey


def open_survey(
    survey: Survey, now: datetime, opens_at: datetime | None = None, closes_at: datetime | None = None
) -> None:
    """Open (or re-open) for answers, optionally between dates. Opening a survey that takes answers now,
    with no new dates, changes nothing (it used to drop the closing date silently)."""
    if closes_at is not None and closes_at <= (opens_at or now):
        raise SurveyConflict("วันปิดต้องอยู่หลังวันเปิด")
    if opens_at is None and closes_at is None and survey.accepts_answers(now):
        return
    survey.status = SurveyStatus.OPEN
    survey.opens_at = opens_at
    survey.closes_at = closes_at
    survey.updated_at = now


def close_survey(survey: Survey, now: datetime) -> None:
    if survey.status != SurveyStatus.OPEN:
        raise SurveyConflict("แบบสอบถามนี้ไม่ได้เปิดอยู่")
    survey.status = SurveyStatus.CLOSED
    survey.closes_at = now
    survey.updated_at = now


def accepting(session: Session, audience: str, now: datetime) -> list[Survey]:
    """Surveys of an audience that take answers now."""
    rows = session.exec(
        select(Survey).where(Survey.audience == audience, Survey.status == SurveyStatus.OPEN).order_by(col(Survey.id))
    ).all()
    return [s for s in rows if s.accepts_answers(now)]


def _copied(definition: Definition) -> dict[str, object]:
    return {
        "title": definition.title,
        "audience": definition.audience,
        "kind": definition.kind,
        "official_method": definition.official_method,
        "target": definition.target,
        "anonymous": definition.anonymous,
    }


def _add_version(session: Session, survey: Survey, definition: Definition, now: datetime) -> None:
    session.add(
        SurveyVersion(
            survey_id=survey.id or 0,
            version=survey.version,
            created_at=now,
            definition=json.dumps(definition.to_data(), ensure_ascii=False),
        )
    )


def _answered_keys(session: Session, survey: Survey) -> set[str]:
    query = (
        select(SurveyAnswer.question_key)
        .distinct()
        .join(SurveyResponse, col(SurveyResponse.id) == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id)
    )
    return set(session.exec(query).all())

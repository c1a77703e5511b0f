"""Staff tests (knowledge quizzes, self-assessments) taken by the people a roster covers, wherever they answer:
the console and API (their staff account), LINE (a staff account linked to LINE, or a roster place linked by a
personal code), or a personal one-time web link. One scored attempt per fiscal year unless a manager allows a
retake; the answer key never leaves this module, only the score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.errors import Conflict
from bot.staff.models import StaffContact, StaffMember
from bot.surveys.models import ResponseFiled
from bot.thai import fiscal_year
from surveys import catalogue, responses, roster
from surveys.definition import Definition
from surveys.flow import AnswerError
from surveys.models import Channel, Survey
from surveys.responses import Respondent

ALREADY_TAKEN = "ท่านทำแบบนี้แล้วในปีงบประมาณนี้ หากต้องการทำใหม่ กรุณาขออนุญาตจากผู้บริหาร"


@dataclass(frozen=True)
class Taker:
    """One person about to take one staff test: the survey, how their answer is filed, their name."""

    survey: Survey
    definition: Definition
    respondent: Respondent
    name: str


def linked_staff(session: Session, resident_id: int) -> StaffMember | None:
    """The active staff member whose LINE account this resident is (linked with ผูกบัญชีเจ้าหน้าที่)."""
    contact = session.exec(select(StaffContact).where(col(StaffContact.resident_id) == resident_id)).first()
    member = session.get(StaffMember, contact.staff_member_id) if contact and contact.linked_at else None
    return member if member is not None and member.active else None


def takers(session: Session, resident_id: int, now: datetime) -> list[Taker]:
    """The open staff tests this LINE account may take: every one for a linked staff account, and the one of
    each roster place a personal code linked to it."""
    found: list[Taker] = []
    member = linked_staff(session, resident_id)
    if member is not None:
        for survey in catalogue.accepting(session, "staff", now):
            found.append(
                Taker(survey, catalogue.definition_of(session, survey), Respondent(staff_id=member.id), member.name)
            )
    for place in roster.linked_to(session, resident_id):
        linked = session.get(Survey, place.survey_id)
        if linked is None or not linked.accepts_answers(now) or any(t.survey.id == linked.id for t in found):
            continue
        found.append(Taker(linked, catalogue.definition_of(session, linked), roster.respondent_of(place), place.name))
    return found


def open_for_staff(session: Session, member: StaffMember, now: datetime) -> list[tuple[Taker, bool]]:
    """The staff tests open now for a console user, each with whether they took it this fiscal year."""
    found = [
        Taker(s, catalogue.definition_of(session, s), Respondent(staff_id=member.id), member.name)
        for s in catalogue.accepting(session, "staff", now)
    ]
    return [(t, has_taken(session, t, now)) for t in found]


def for_staff(session: Session, member: StaffMember, key: str, now: datetime) -> Taker | None:
    survey = catalogue.get(session, key)
    if survey is None or survey.audience != "staff" or not survey.accepts_answers(now):
        return None
    return Taker(survey, catalogue.definition_of(session, survey), Respondent(staff_id=member.id), member.name)


def taker_for(session: Session, resident_id: int, key: str, now: datetime) -> Taker | None:
    return next((t for t in takers(session, resident_id, now) if t.survey.key == key), None)


def redeem(session: Session, code: str, now: datetime, resident_id: int | None = None) -> Taker | None:
    """The test a personal code invites to (None when unknown, expired or closed). With `resident_id` (LINE),
    the code is spent and links that LINE account to the roster place, so ทำแบบทดสอบ finds it again."""
    found = roster.invited(session, code, now)
    if found is None:
        return None
    survey, place = found
    if survey.audience != "staff" or not survey.accepts_answers(now):
        return None
    if resident_id is not None:
        roster.use_invitation(place, resident_id)
    return Taker(survey, catalogue.definition_of(session, survey), roster.respondent_of(place), place.name)


def spend(session: Session, code: str, now: datetime) -> None:
    found = roster.invited(session, code, now)
    if found is not None:
        roster.use_invitation(found[1])


@dataclass(frozen=True)
class WebOutcome:
    filed: ResponseFiled | None
    error: str | None = None
    status: int = 200


def answer_by_code(session: Session, taker: Taker, code: str, answers: dict[str, Any], now: datetime) -> WebOutcome:
    """A whole answer from a personal web page: filed and the code spent; an incomplete answer is refused
    (the code stays live to correct it), an attempt already made spends the code."""
    try:
        filed = file(session, taker.survey, taker.respondent, answers, Channel.WEB, now)
    except AnswerError as error:
        return WebOutcome(None, str(error) or "กรุณาตอบให้ครบทุกข้อ", 422)
    except Conflict as refused:
        spend(session, code, now)
        return WebOutcome(None, str(refused), 409)
    spend(session, code, now)
    return WebOutcome(filed)


def has_taken(session: Session, taker: Taker, now: datetime) -> bool:
    """A scored test already taken this fiscal year (self-assessments and others may be revised)."""
    return taker.definition.is_quiz and roster.has_answered_as(
        session, taker.survey, taker.respondent, fiscal_year(now)
    )


def file(
    session: Session, survey: Survey, respondent: Respondent, answers: dict[str, Any], channel: Channel, now: datetime
) -> ResponseFiled:
    """File a whole answer as its person; a second scored attempt needs a manager's retake (Conflict)."""
    if survey.audience != "staff":
        raise Conflict("แบบสอบถามนี้สำหรับประชาชน")
    definition = catalogue.definition_of(session, survey)
    year = fiscal_year(now)
    if (
        definition.is_quiz
        and roster.has_answered_as(session, survey, respondent, year)
        and not (respondent.staff_id is not None and roster.use_retake(session, survey, respondent.staff_id, year, now))
    ):
        raise Conflict(ALREADY_TAKEN)
    response, revised = responses.submit(session, survey, definition, respondent, answers, channel, now)
    filed = ResponseFiled(id=response.id or 0, fiscal_year=response.fiscal_year, revised=revised)
    if definition.is_quiz:
        filed.score_percent, filed.passed = score(definition, answers)
    return filed


def score(definition: Definition, answers: dict[str, Any]) -> tuple[float | None, bool | None]:
    """Percent of scored questions answered right, and whether that reaches the pass mark."""
    scored = [q for q in definition.scored_questions if q.key in answers]
    if not scored:
        return None, None
    percent = round(100 * sum(q.score(answers[q.key]) or 0 for q in scored) / len(scored), 2)
    return percent, percent >= (definition.pass_mark or 0) - 1e-9

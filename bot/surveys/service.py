"""Surveys seen from the bot: residents as respondents, invitations through the outbox, linked ratings,
and reports with the organisation's populations. The rules themselves live in the `surveys` package."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from bot.chat import messages as m
from bot.chat.messages import Message
from bot.errors import NotFound
from bot.organisation import Organisation
from bot.outbox import service as outbox
from bot.residents import service as residents
from bot.residents.models import FollowStatus, Resident
from bot.staff.models import StaffMember
from bot.surveys import texts
from bot.surveys.callbacks import OpenSurvey
from surveys import catalogue, flow, responses, summary
from surveys.definition import Definition
from surveys.flow import AnswerError
from surveys.models import PendingRating, ResponseStatus, Survey, SurveyResponse
from surveys.responses import Link, Respondent


class UnknownSurvey(NotFound, LookupError):
    pass


def respondent_of(resident: Resident) -> Respondent:
    return Respondent(resident_id=resident.id, village_no=resident.village_no)


def find(session: Session, key: str) -> Survey:
    survey = catalogue.get(session, key)
    if survey is None:
        raise NotFound("ไม่พบแบบสอบถามนี้")
    return survey


def survey_and_definition(session: Session, key: str) -> tuple[Survey, Definition]:
    survey = catalogue.get(session, key)
    if survey is None:
        raise UnknownSurvey(key)
    return survey, catalogue.definition_of(session, survey)


@dataclass(frozen=True)
class Offer:
    """An open survey as one resident sees it in the list."""

    survey: Survey
    definition: Definition
    state: str


def offers(session: Session, resident: Resident, now: datetime) -> list[Offer]:
    """Open resident surveys offered in the list, each with this resident's progress."""
    found = []
    for survey in catalogue.accepting(session, "residents", now):
        definition = catalogue.definition_of(session, survey)
        if not definition.listed:
            continue
        response = responses.find(session, survey, respondent_of(resident), now)
        if response is None:
            state = texts.STATE_NEW
        elif response.status == ResponseStatus.COMPLETE:
            state = texts.STATE_DONE
        else:
            answers = responses.answers_of(session, response, definition)
            state = texts.state_partial(len(answers), len(flow.visible_questions(definition, answers)))
        found.append(Offer(survey, definition, state))
    return found


def invitation(org: Organisation, survey: Survey, definition: Definition, link: Link | None = None) -> Message:
    """The message inviting a resident to a survey, with its "เริ่มตอบ" button."""
    data = OpenSurvey(survey.key, link[0] if link else None, link[1] if link else None).pack()
    return texts.invitation(org, definition, m.postback("เริ่มตอบ", data, "เริ่มตอบแบบสอบถาม"), link[1] if link else None)


def send_survey(
    session: Session, *, survey_key: str, resident_id: int, org: Organisation, now: datetime, link: Link | None = None
) -> list[Message]:
    """Invite one resident (e.g. after their complaint closed, with link=("complaint", code)) by push.

    Returns the messages written to the outbox; none when the survey is not open or the resident
    cannot receive messages or has not consented.
    """
    survey, definition = survey_and_definition(session, survey_key)
    resident = session.get(Resident, resident_id)
    if (
        resident is None
        or not resident.can_receive
        or not residents.has_current_consent(resident, org)
        or not survey.accepts_answers(now)
        or survey.audience != "residents"
    ):
        return []
    messages = [invitation(org, survey, definition, link)]
    outbox.enqueue_push(
        session, resident_id=resident.id, user_id=resident.line_user_id or "", messages=messages, now=now
    )
    return messages


def send_to_residents(
    session: Session,
    *,
    survey: Survey,
    definition: Definition,
    org: Organisation,
    now: datetime,
    village_no: int | None = None,
) -> int:
    """Invite every reachable, consenting resident (of one village, or all) by multicast; how many."""
    query = select(Resident.line_user_id).where(
        Resident.status == FollowStatus.FOLLOWING,
        col(Resident.line_user_id).is_not(None),
        Resident.consent_version == org.privacy.notice_version,
    )
    if village_no is not None:
        query = query.where(Resident.village_no == village_no)
    user_ids = [u for u in session.exec(query.order_by(col(Resident.id))).all() if u]
    if user_ids:
        outbox.enqueue_multicast(session, user_ids=user_ids, messages=[invitation(org, survey, definition)], now=now)
    return len(user_ids)


def record_linked_rating(
    session: Session, *, survey_key: str = "complaint_handling", resident_id: int, score: int, link: Link, now: datetime
) -> SurveyResponse | None:
    """Record a resident's 1–5 rating of one linked record, e.g. link=("complaint", "C2570-00042").

    It fills the survey's rating question (complaint_handling: "overall") in the response linked to
    that record, one per record; rating the same record again replaces the score. When the survey is
    missing or not taking answers the rating is kept aside (`PendingRating`) and counted once when the
    survey takes answers (`release_pending_ratings`): a rating is never dropped. Returns the response, or
    None when the rating was kept aside. Raises `surveys.flow.AnswerError` for a score outside 1–5.
    Never commits.
    """
    resident = session.get(Resident, resident_id)
    if resident is None:
        return None
    survey = catalogue.get(session, survey_key)
    if survey is None or not survey.accepts_answers(now):
        _keep_pending(session, survey_key, resident, score, link, now)
        return None
    release_pending_ratings(session, now, survey)
    return _record(session, survey, respondent_of(resident), score, link, now)


def _record(
    session: Session, survey: Survey, respondent: Respondent, score: int, link: Link, now: datetime
) -> SurveyResponse:
    definition = catalogue.definition_of(session, survey)
    if survey.anonymous:  # an anonymous survey must not name the record (an inquiry code leads to its asker)
        link = (link[0], hashlib.sha256(f"{survey.salt}|{link[0]}:{link[1]}".encode()).hexdigest()[:32])
    return responses.record_rating(session, survey, definition, respondent, score, link, now)


def _keep_pending(session: Session, survey_key: str, resident: Resident, score: int, link: Link, now: datetime) -> None:
    if not 1 <= score <= 5:
        raise AnswerError("คะแนนต้องอยู่ระหว่าง 1–5")
    pending = session.exec(
        select(PendingRating).where(
            PendingRating.survey_key == survey_key, PendingRating.link_type == link[0], PendingRating.link_id == link[1]
        )
    ).first()
    if pending is None:
        pending = PendingRating(survey_key=survey_key, link_type=link[0], link_id=link[1], score=score, rated_at=now)
    pending.resident_id, pending.village_no, pending.score, pending.rated_at = (
        resident.id,
        resident.village_no,
        score,
        now,
    )
    session.add(pending)
    session.flush()


def release_pending_ratings(session: Session, now: datetime, survey: Survey | None = None) -> int:
    """Count the ratings kept aside for surveys that take answers now (one survey, or all); how many."""
    query = select(PendingRating).order_by(col(PendingRating.id))
    if survey is not None:
        query = query.where(PendingRating.survey_key == survey.key)
    released = 0
    surveys: dict[str, Survey | None] = {}
    for pending in session.exec(query).all():
        target = surveys.setdefault(pending.survey_key, catalogue.get(session, pending.survey_key))
        if target is None or not target.accepts_answers(now):
            continue
        respondent = Respondent(resident_id=pending.resident_id, village_no=pending.village_no)
        _record(session, target, respondent, pending.score, (pending.link_type, pending.link_id), now)
        session.delete(pending)
        released += 1
    if released:
        session.flush()
    return released


def forget_pending_ratings(session: Session, resident: Resident, now: datetime) -> None:
    """Erasure: a rating not yet counted no longer names its resident (it still counts when the survey opens)."""
    for pending in session.exec(select(PendingRating).where(PendingRating.resident_id == resident.id)).all():
        pending.resident_id = None


def populations(org: Organisation) -> tuple[int, dict[object, int]]:
    """Residents counted in the organisation file: in all, and per village number."""
    return sum(v.population for v in org.villages), {v.number: v.population for v in org.villages}


def staff_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(StaffMember).where(col(StaffMember.active))).one())


def report(
    session: Session, survey: Survey, org: Organisation, now: datetime, fiscal_year: int | None, by: str | None = None
) -> summary.Summary:
    """The survey's summary with the right population: villages for residents, active staff for staff."""
    definition = catalogue.definition_of(session, survey)
    if survey.audience == "residents":
        total, per_village = populations(org)
    else:
        total, per_village = staff_count(session), {}
    return summary.summarise(
        session,
        survey,
        definition,
        now=now,
        fiscal_year=fiscal_year,
        by=by,
        population=total,
        group_populations=per_village if by == "village" else None,
    )

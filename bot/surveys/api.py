"""Admin routes for surveys: list, read, create, edit (new version), open, close, paper entry, staff
answers, sending to residents. Reports and exports are in `reports_api`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, status
from sqlmodel import Session

from bot.errors import Conflict, Invalid
from bot.http import Key, Now, RuntimeDep, SessionDep
from bot.staff.models import Role
from bot.staff.roles import CurrentStaff, Manager, OfficeStaff
from bot.staff.service import audit
from bot.surveys import present, service, staff_tests
from bot.surveys.models import (
    OpenRequest,
    PaperResponse,
    ResponseFiled,
    SendRequest,
    SendResult,
    StaffAnswers,
    SurveyDetail,
    SurveyRead,
)
from surveys import catalogue, responses
from surveys.definition import Definition, parse_definition, parse_toml, shipped_definitions
from surveys.models import Channel, Survey
from surveys.responses import Respondent

router = APIRouter(prefix="/api/v1/surveys", tags=["surveys"])
DefinitionBody = Annotated[
    dict[str, Any], Body(description='a survey definition (as in surveys/definitions/*.toml), or {"toml": "…"}')
]


def _definition(body: dict[str, Any]) -> Definition:
    """The definition sent, parsed (DefinitionError, 422 with every problem named, when it is not one)."""
    if set(body) == {"toml"} and isinstance(body["toml"], str):
        return parse_toml(body["toml"])
    return parse_definition(body)


@router.get("", response_model=list[SurveyRead])
def list_surveys(_: CurrentStaff, session: SessionDep, now: Now) -> list[SurveyRead]:
    return present.survey_reads(session, catalogue.all_surveys(session), now)


@router.get("/{key}", response_model=SurveyDetail)
def read_survey(key: Key, member: CurrentStaff, session: SessionDep, now: Now) -> SurveyDetail:
    """The definition; the answer key (`correct`) only for managers, who edit it, never for test takers."""
    detail = present.survey_detail(session, service.find(session, key), now)
    if member.role not in (Role.MANAGER, Role.ADMIN):
        detail.definition = present.without_answer_key(detail.definition)
    return detail


@router.post("", response_model=SurveyDetail, status_code=status.HTTP_201_CREATED)
def create_survey(body: DefinitionBody, member: Manager, session: SessionDep, now: Now) -> SurveyDetail:
    definition = _definition(body)
    survey = catalogue.install(session, definition, now)
    audit(session, actor=member, action="survey.create", record_type="survey", record_id=survey.key, now=now)
    return present.survey_detail(session, survey, now)


@router.post("/install-shipped", response_model=list[SurveyRead])
def install_shipped(member: Manager, session: SessionDep, runtime: RuntimeDep, now: Now) -> list[SurveyRead]:
    """Add the six surveys that ship with the product (as drafts) where their key is not taken yet."""
    added = catalogue.install_missing(session, shipped_definitions(runtime.org.short_name), now)
    for survey in added:
        audit(
            session,
            actor=member,
            action="survey.create",
            record_type="survey",
            record_id=survey.key,
            now=now,
            detail={"source": "shipped"},
        )
    return present.survey_reads(session, added, now)


@router.put("/{key}", response_model=SurveyDetail)
def edit_survey(key: Key, body: DefinitionBody, member: Manager, session: SessionDep, now: Now) -> SurveyDetail:
    """Publish an edited definition as the next version (answers keep the version they were given under)."""
    survey, definition = service.find(session, key), _definition(body)
    catalogue.revise(session, survey, definition, now)
    audit(
        session,
        actor=member,
        action="survey.edit",
        record_type="survey",
        record_id=key,
        now=now,
        detail={"version": survey.version},
    )
    return present.survey_detail(session, survey, now)


@router.post("/{key}/open", response_model=SurveyRead)
def open_survey(
    key: Key, member: Manager, session: SessionDep, now: Now, body: OpenRequest | None = None
) -> SurveyRead:
    survey = service.find(session, key)
    catalogue.open_survey(survey, now, body.opens_at if body else None, body.closes_at if body else None)
    service.release_pending_ratings(session, now, survey)  # ratings given while it was closed count now
    audit(session, actor=member, action="survey.open", record_type="survey", record_id=key, now=now)
    return present.survey_reads(session, [survey], now)[0]


@router.post("/{key}/close", response_model=SurveyRead)
def close_survey(key: Key, member: Manager, session: SessionDep, now: Now) -> SurveyRead:
    survey = service.find(session, key)
    catalogue.close_survey(survey, now)
    audit(session, actor=member, action="survey.close", record_type="survey", record_id=key, now=now)
    return present.survey_reads(session, [survey], now)[0]


def _file(
    session: Session,
    survey: Survey,
    respondent: Respondent,
    answers: dict[str, Any],
    channel: Channel,
    when: Any,
    entered_by: int | None,
) -> ResponseFiled:
    definition = catalogue.definition_of(session, survey)
    response, revised = responses.submit(
        session, survey, definition, respondent, answers, channel, when, entered_by=entered_by
    )
    filed = ResponseFiled(id=response.id or 0, fiscal_year=response.fiscal_year, revised=revised)
    if definition.is_quiz:
        filed.score_percent, filed.passed = staff_tests.score(definition, answers)
    return filed


@router.post("/{key}/responses", response_model=ResponseFiled, status_code=status.HTTP_201_CREATED)
def enter_paper_response(
    key: Key, body: PaperResponse, member: OfficeStaff, session: SessionDep, runtime: RuntimeDep, now: Now
) -> ResponseFiled:
    """An officer types in a paper (or web) form; every answer is checked before anything is saved."""
    survey = service.find(session, key)
    if survey.audience != "residents":
        raise Conflict("แบบนี้สำหรับเจ้าหน้าที่ตอบเอง ไม่รับแบบกระดาษ")
    if body.village_no is not None and runtime.org.village(body.village_no) is None:
        raise Invalid(f"ไม่มีหมู่ที่ {body.village_no} ในตำบลนี้")
    when = body.answered_at or now
    if when > now:
        raise Invalid("วันที่ตอบต้องไม่อยู่ในอนาคต")
    filed = _file(
        session, survey, Respondent(village_no=body.village_no), body.answers, Channel(body.channel), when, member.id
    )
    audit(
        session,
        actor=member,
        action="survey.paper_entry",
        record_type="survey_response",
        record_id=filed.id,
        now=now,
        detail={"survey": key},
    )
    return filed


@router.post("/{key}/my-response", response_model=ResponseFiled, status_code=status.HTTP_201_CREATED)
def answer_as_staff(key: Key, body: StaffAnswers, member: CurrentStaff, session: SessionDep, now: Now) -> ResponseFiled:
    """A staff member takes a staff quiz or self-assessment (answering again revises it this fiscal year)."""
    return staff_tests.file(
        session, service.find(session, key), Respondent(staff_id=member.id), body.answers, Channel.STAFF, now
    )


@router.post("/{key}/send", response_model=SendResult)
def send_to_residents(
    key: Key, member: Manager, session: SessionDep, runtime: RuntimeDep, now: Now, body: SendRequest | None = None
) -> SendResult:
    """Invite residents (one village, or all) to an open survey, as a notice through the outbox."""
    survey = service.find(session, key)
    village = body.village_no if body else None
    if village is not None and runtime.org.village(village) is None:
        raise Invalid(f"ไม่มีหมู่ที่ {village} ในตำบลนี้")
    if survey.audience != "residents" or not survey.accepts_answers(now):
        raise Conflict("ส่งได้เฉพาะแบบสอบถามประชาชนที่เปิดรับคำตอบอยู่")
    count = service.send_to_residents(
        session,
        survey=survey,
        definition=catalogue.definition_of(session, survey),
        org=runtime.org,
        now=now,
        village_no=village,
    )
    audit(
        session,
        actor=member,
        action="survey.send",
        record_type="survey",
        record_id=key,
        now=now,
        detail={"village_no": village, "recipients": count},
    )
    return SendResult(recipients=count)

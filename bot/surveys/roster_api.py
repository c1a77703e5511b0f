"""Rosters of staff targets (who a census covers) and retakes of scored tests, for managers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlmodel import col, select

from bot.db import RowId
from bot.http import UNPROCESSABLE, RuntimeDep, SessionDep
from bot.staff.models import Role, StaffMember
from bot.staff.roles import require_role
from bot.staff.service import audit
from bot.surveys.models import RosterIn, RosterMemberIn
from bot.surveys.service import find as find_survey
from bot.thai import fiscal_year
from surveys import roster

router = APIRouter(prefix="/api/v1/surveys", tags=["surveys"])
Manager = Annotated[StaffMember, Depends(require_role(Role.MANAGER, Role.ADMIN))]


class RetakeIn(BaseModel):
    staff_id: RowId


class RetakeOut(BaseModel):
    staff_id: int
    fiscal_year: int


class InvitationsIn(BaseModel):
    only_missing: bool = True  # only people who have not answered this fiscal year


class Invitation(BaseModel):
    """A personal one-time code for a rostered person without a console account (print it on their letter)."""

    name: str
    group: str
    code: str
    line_text: str  # what to type in the organisation's LINE chat
    url: str  # the personal web page to answer without LINE (relative to the portal)
    expires_at: datetime


def _out(rows: list[roster.SurveyRosterMember]) -> RosterIn:
    return RosterIn(members=[RosterMemberIn(name=r.name, staff_id=r.staff_id, group=r.group) for r in rows])


@router.get("/{key}/roster", response_model=RosterIn)
def read_roster(key: str, _: Manager, session: SessionDep) -> RosterIn:
    return _out(roster.members(session, find_survey(session, key)))


@router.put("/{key}/roster", response_model=RosterIn)
def replace_roster(key: str, body: RosterIn, member: Manager, session: SessionDep, runtime: RuntimeDep) -> RosterIn:
    """The whole roster, replaced (executives, council members, staff; staff_id when they have an account)."""
    survey = find_survey(session, key)
    if survey.audience != "staff":
        raise HTTPException(status.HTTP_409_CONFLICT, "รายชื่อผู้ต้องตอบใช้กับแบบสำหรับบุคลากรเท่านั้น")
    ids = {m.staff_id for m in body.members if m.staff_id is not None}
    known = set(session.exec(select(StaffMember.id).where(col(StaffMember.id).in_(ids))).all()) if ids else set()
    if ids - known:
        raise HTTPException(UNPROCESSABLE, f"ไม่พบเจ้าหน้าที่ staff_id {sorted(ids - known)}")
    try:
        rows = roster.replace(
            session, survey, [roster.Member(m.name, m.staff_id, roster.RosterGroup(m.group)) for m in body.members]
        )
    except roster.RosterError as error:
        raise HTTPException(UNPROCESSABLE, str(error)) from None
    audit(
        session,
        actor=member,
        action="survey.roster",
        record_type="survey",
        record_id=key,
        now=runtime.clock(),
        detail={"size": len(rows)},
    )
    return _out(rows)


@router.post("/{key}/retakes", response_model=RetakeOut, status_code=status.HTTP_201_CREATED)
def allow_retake(key: str, body: RetakeIn, member: Manager, session: SessionDep, runtime: RuntimeDep) -> RetakeOut:
    """Let one staff member take a scored test once more this fiscal year (their new answer replaces the old)."""
    survey = find_survey(session, key)
    if session.get(StaffMember, body.staff_id) is None:
        raise HTTPException(UNPROCESSABLE, "ไม่พบเจ้าหน้าที่ที่ระบุ")
    now = runtime.clock()  # the clock my-response files answers by
    year = fiscal_year(now)
    roster.allow_retake(session, survey, body.staff_id, year, now, member.id)
    audit(
        session,
        actor=member,
        action="survey.retake",
        record_type="survey",
        record_id=key,
        now=now,
        detail={"staff_id": body.staff_id, "fiscal_year": year},
    )
    return RetakeOut(staff_id=body.staff_id, fiscal_year=year)


@router.post("/{key}/roster/invitations", response_model=list[Invitation], status_code=status.HTTP_201_CREATED)
def issue_invitations(
    key: str, member: Manager, session: SessionDep, runtime: RuntimeDep, body: InvitationsIn | None = None
) -> list[Invitation]:
    """Personal one-time codes for the rostered people without a console account (executives, council
    members), replacing earlier ones: each answers once in LINE (แบบทดสอบ <code>) or on their web page."""
    survey = find_survey(session, key)
    if survey.audience != "staff":
        raise HTTPException(status.HTTP_409_CONFLICT, "หนังสือเชิญใช้กับแบบสำหรับบุคลากรเท่านั้น")
    now = runtime.clock()
    if not survey.accepts_answers(now):
        raise HTTPException(status.HTTP_409_CONFLICT, "แบบนี้ยังไม่เปิดรับคำตอบ กรุณาเปิดก่อนออกหนังสือเชิญ")
    issued = roster.issue_invitations(session, survey, now, fiscal_year(now), body.only_missing if body else True)
    audit(
        session,
        actor=member,
        action="survey.invitations",
        record_type="survey",
        record_id=key,
        now=now,
        detail={"issued": len(issued)},
    )
    return [
        Invitation(
            name=row.name,
            group=row.group,
            code=code,
            line_text=f"แบบทดสอบ {code}",
            url=f"/public/staff-tests/{code}",
            expires_at=expires,
        )
        for row, code, expires in issued
    ]

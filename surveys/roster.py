"""Rosters: the people a staff target covers (executives, council members, staff — with or without a
console account), and census judgement on them; and the retakes a manager allows.

A survey with a roster is a census: its target is judged on the roster, not on a sample. Each rostered
person's answer for the fiscal year (answering again revises it, so it is the latest) counts; those who
have not answered are listed by name. With `t` the target:
- pass_share: met when passed ÷ size ≥ t even if nobody else answers; not_met when (passed + missing) ÷
  size < t even if everyone missing passed; else not_yet_provable. 40 of 40 compliant at t = 100 is met,
  39 of 40 (one missing) is not_yet_provable, anyone failing is not_met.
- mean_percent: the same bounds on the roster's mean score, counting the missing as 0 and as 100.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint, and_, delete, func, literal, select
from sqlmodel import Field, Session, SQLModel, col

from surveys.definition import Definition
from surveys.models import ResponseStatus, Survey, SurveyAnswer, SurveyResponse
from surveys.responses import Respondent, respondent_key
from surveys.types import UTCDateTime

MAX_MEMBERS = 500
INVITE_TTL = timedelta(days=30)
# Personal codes are typed into LINE or read off a slip: no 0/O, 1/I/L look-alikes.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8


class RosterGroup(StrEnum):
    EXECUTIVE = "executive"
    COUNCIL = "council"
    STAFF = "staff"


class RosterError(ValueError):
    """A roster the rules refuse (Thai message)."""


class SurveyRosterMember(SQLModel, table=True):
    __tablename__ = "survey_roster_member"
    __table_args__ = (UniqueConstraint("survey_id", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(
        sa_column=Column(Integer, ForeignKey("survey.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int
    name: str = Field(sa_type=String(200))
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    group: str = Field(sa_type=String(16))
    reminded_fiscal_year: int | None = None  # the year this person was last reminded to answer
    # A member without a console account answers as "roster:<person_key>"; kept when the roster is replaced.
    person_key: str | None = Field(default=None, sa_type=String(32))
    # Their personal one-time invitation (SHA-256 of the code), and the LINE account (resident) it linked.
    invite_hash: str | None = Field(default=None, sa_type=String(64), index=True)
    invite_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)

    @property
    def member_key(self) -> str:
        """Who this person is across surveys' answers and forums' attendance: staff:<id> or roster:<key>."""
        return f"staff:{self.staff_id}" if self.staff_id is not None else f"roster:{self.person_key}"


class SurveyRetake(SQLModel, table=True):
    """A manager's permission for one more scored attempt by one staff member in one fiscal year."""

    __tablename__ = "survey_retake"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    staff_id: int = Field(foreign_key="staff_member.id")
    fiscal_year: int
    allowed_at: datetime = Field(sa_type=UTCDateTime)
    allowed_by_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


@dataclass(frozen=True)
class Member:
    name: str
    staff_id: int | None
    group: RosterGroup


def members(session: Session, survey: Survey) -> list[SurveyRosterMember]:
    query = (
        select(SurveyRosterMember)
        .where(col(SurveyRosterMember.survey_id) == survey.id)
        .order_by(col(SurveyRosterMember.position))
    )
    return list(session.scalars(query).all())


def replace(session: Session, survey: Survey, given: list[Member]) -> list[SurveyRosterMember]:
    """The whole roster, replaced; checked in full first. Never commits."""
    if len(given) > MAX_MEMBERS:
        raise RosterError(f"รายชื่อได้ไม่เกิน {MAX_MEMBERS} คน")
    seen: set[int] = set()
    for member in given:
        if not member.name.strip():
            raise RosterError("ทุกคนในรายชื่อต้องมีชื่อ")
        if member.staff_id is not None:
            if member.staff_id in seen:
                raise RosterError(f"staff_id {member.staff_id} ซ้ำในรายชื่อ")
            seen.add(member.staff_id)
    # A person stays the same person when the roster is replaced: their key (and so their answers and
    # attendance), their invitation, their linked LINE account and their reminder are carried over.
    before = members(session, survey)
    by_staff = {r.staff_id: r for r in before if r.staff_id is not None}
    by_name = {_name_key(r.name): r for r in before if r.staff_id is None}
    session.execute(delete(SurveyRosterMember).where(col(SurveyRosterMember.survey_id) == survey.id))
    session.flush()
    rows = []
    for i, m in enumerate(given):
        old = by_staff.get(m.staff_id) if m.staff_id is not None else by_name.pop(_name_key(m.name), None)
        row = SurveyRosterMember(
            survey_id=survey.id or 0, position=i, name=m.name.strip(), staff_id=m.staff_id, group=m.group
        )
        if old is not None:
            row.person_key, row.invite_hash, row.invite_expires_at = (
                old.person_key,
                old.invite_hash,
                old.invite_expires_at,
            )
            row.resident_id, row.reminded_fiscal_year = old.resident_id, old.reminded_fiscal_year
        if row.staff_id is None and row.person_key is None:
            row.person_key = secrets.token_hex(8)
        rows.append(row)
    session.add_all(rows)
    session.flush()
    return rows


def _name_key(name: str) -> str:
    return " ".join(name.split())


def respondent_of(member: SurveyRosterMember) -> Respondent:
    """How a rostered person answers: as their staff account, or by their roster person key."""
    if member.staff_id is not None:
        return Respondent(staff_id=member.staff_id)
    return Respondent(roster_key=member.person_key)


def find_member(session: Session, survey: Survey, respondent: Respondent) -> SurveyRosterMember | None:
    for member in members(session, survey):
        if (member.staff_id is not None and member.staff_id == respondent.staff_id) or (
            member.staff_id is None and respondent.roster_key is not None and member.person_key == respondent.roster_key
        ):
            return member
    return None


def _invite_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").replace("-", "").encode()).hexdigest()


def issue_invitations(
    session: Session, survey: Survey, now: datetime, fiscal_year: int, only_missing: bool = True
) -> list[tuple[SurveyRosterMember, str, datetime]]:
    """A fresh personal one-time code for each rostered person without a console account (by default only
    those who have not answered this year), replacing earlier codes; with when each expires. Never commits."""
    expires = now + INVITE_TTL
    if survey.closes_at is not None and survey.closes_at > now:
        expires = min(expires, survey.closes_at)
    issued = []
    for member in members(session, survey):
        if member.staff_id is not None:
            continue
        if only_missing and has_answered_as(session, survey, respondent_of(member), fiscal_year):
            continue
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        member.invite_hash, member.invite_expires_at = _invite_hash(code), expires
        issued.append((member, code, expires))
    session.flush()
    return issued


def invited(session: Session, code: str, now: datetime) -> tuple[Survey, SurveyRosterMember] | None:
    """The survey and rostered person a live personal code belongs to; None when unknown or expired."""
    if not code.strip():
        return None
    query = select(SurveyRosterMember).where(col(SurveyRosterMember.invite_hash) == _invite_hash(code))
    member = session.scalars(query).first()
    if member is None or member.invite_expires_at is None or member.invite_expires_at <= now:
        return None
    survey = session.get(Survey, member.survey_id)
    return (survey, member) if survey is not None else None


def use_invitation(member: SurveyRosterMember, resident_id: int | None = None) -> None:
    """The code is spent (one time); a LINE account that redeemed it is linked to the person."""
    member.invite_hash, member.invite_expires_at = None, None
    if resident_id is not None:
        member.resident_id = resident_id


def linked_to(session: Session, resident_id: int) -> list[SurveyRosterMember]:
    """Roster places a LINE account was linked to by a personal code (people without a console account)."""
    query = select(SurveyRosterMember).where(
        col(SurveyRosterMember.resident_id) == resident_id, col(SurveyRosterMember.staff_id).is_(None)
    )
    return list(session.scalars(query.order_by(col(SurveyRosterMember.id))).all())


@dataclass(frozen=True)
class Census:
    size: int
    answered: int
    passed: int
    missing: list[str]
    value: float | None  # the roster's figure so far: pass share or mean score, in percent of those answered
    status: str


def census(session: Session, survey: Survey, definition: Definition, fiscal_year: int) -> Census | None:
    """The roster's standing for a fiscal year; None when the survey has no roster."""
    roster = members(session, survey)
    if not roster:
        return None
    keys = {m.id: respondent_key(survey, respondent_of(m)) for m in roster}
    scores = _scores(session, survey, fiscal_year, list(keys.values()))
    pass_mark = definition.pass_mark if definition.pass_mark is not None else 100.0
    answered = [scores[keys[m.id]] for m in roster if keys[m.id] in scores]
    missing = [m.name for m in roster if keys[m.id] not in scores]
    size = len(roster)
    passed = sum(1 for s in answered if s >= pass_mark - 1e-9)
    if survey.official_method == "mean_percent":
        low, high = sum(answered) / size, (sum(answered) + 100 * len(missing)) / size
        value = sum(answered) / len(answered) if answered else None
    else:
        low, high = 100 * passed / size, 100 * (passed + len(missing)) / size
        value = 100 * passed / len(answered) if answered else None
    target = survey.target
    status = "met" if low >= target - 1e-9 else "not_met" if high < target - 1e-9 else "not_yet_provable"
    return Census(size=size, answered=len(answered), passed=passed, missing=missing, value=value, status=status)


def _scores(session: Session, survey: Survey, fiscal_year: int, keys: list[str]) -> dict[str, float]:
    """Each respondent's percent score (share of scored answers right) in their response of the year."""
    if not keys:
        return {}
    answer, response = SurveyAnswer.__table__, SurveyResponse.__table__  # type: ignore[attr-defined]
    percent = literal(100.0) * func.sum(answer.c.score) / func.count(answer.c.score)
    query = (
        select(response.c.respondent_key, percent)
        .select_from(response.join(answer, answer.c.response_id == response.c.id))
        .where(
            and_(
                response.c.survey_id == survey.id,
                response.c.fiscal_year == fiscal_year,
                response.c.status == ResponseStatus.COMPLETE,
                response.c.respondent_key.in_(keys),
                answer.c.score.is_not(None),
            )
        )
        .group_by(response.c.id, response.c.respondent_key)
    )
    return {str(key): float(score) for key, score in session.execute(query).all()}


def has_answered(session: Session, survey: Survey, staff_id: int, fiscal_year: int) -> bool:
    return has_answered_as(session, survey, Respondent(staff_id=staff_id), fiscal_year)


def has_answered_as(session: Session, survey: Survey, respondent: Respondent, fiscal_year: int) -> bool:
    query = (
        select(func.count())
        .select_from(SurveyResponse)
        .where(
            col(SurveyResponse.survey_id) == survey.id,
            col(SurveyResponse.respondent_key) == respondent_key(survey, respondent),
            col(SurveyResponse.fiscal_year) == fiscal_year,
            col(SurveyResponse.status) == ResponseStatus.COMPLETE,
        )
    )
    return bool(session.execute(query).scalar_one())


def allow_retake(
    session: Session, survey: Survey, staff_id: int, fiscal_year: int, now: datetime, allowed_by: int | None
) -> SurveyRetake:
    retake = SurveyRetake(
        survey_id=survey.id or 0,
        staff_id=staff_id,
        fiscal_year=fiscal_year,
        allowed_at=now,
        allowed_by_staff_id=allowed_by,
    )
    session.add(retake)
    session.flush()
    return retake


def use_retake(session: Session, survey: Survey, staff_id: int, fiscal_year: int, now: datetime) -> bool:
    """Consume one unused retake permission; False when there is none."""
    query = (
        select(SurveyRetake)
        .where(
            col(SurveyRetake.survey_id) == survey.id,
            col(SurveyRetake.staff_id) == staff_id,
            col(SurveyRetake.fiscal_year) == fiscal_year,
            col(SurveyRetake.used_at).is_(None),
        )
        .limit(1)
    )
    retake = session.scalars(query).first()
    if retake is None:
        return False
    retake.used_at = now
    return True

"""Staff forums: law training sessions (plan measure 13, at least twice a year) and the internal
conflict-of-interest forum (measure 14). Their audience is a staff roster — executives, council members and
staff, with or without a console account — and attendance is counted against it: staff tick the people
present, or the people check in in LINE with the venue code (a staff account linked to LINE, or a roster
place linked by a personal code). Functions never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot import thai
from bot.errors import Conflict, Invalid
from bot.forums.models import Forum, ForumStaffAttendance, ForumStatus
from bot.staff.models import StaffContact
from surveys import catalogue, roster
from surveys.roster import SurveyRosterMember


@dataclass(frozen=True)
class Purpose:
    key: str
    title: str
    plan_measure: int
    roster_survey: str  # whose roster the attendance counts against, by default
    sessions_per_year: int
    indicator: str  # its row in the targets table


INDICATORS = ("law_training", "coi_forum")
PURPOSES = {
    "law_training": Purpose(
        "law_training", "การอบรมให้ความรู้ด้านกฎหมายและระเบียบแก่บุคลากร", 13, "law_knowledge", 2, "law_training"
    ),
    "conflict_of_interest": Purpose(
        "conflict_of_interest", "เวทีภายในเรื่องผลประโยชน์ทับซ้อน", 14, "conflict_of_interest", 1, "coi_forum"
    ),
}


def check(session: Session, purpose: str | None, roster_survey: str | None) -> tuple[str, str]:
    """The purpose and roster of a new staff forum, refused when unknown or without a roster."""
    if purpose not in PURPOSES:
        raise Invalid(f"เวทีบุคลากรต้องระบุ purpose: {', '.join(PURPOSES)}")
    key = roster_survey or PURPOSES[purpose].roster_survey
    survey = catalogue.get(session, key)
    if survey is None or survey.audience != "staff":
        raise Invalid(f"ไม่พบแบบสำหรับบุคลากร {key} ที่ใช้รายชื่อนับผู้เข้าร่วม")
    return purpose, key


def members(session: Session, forum: Forum) -> list[SurveyRosterMember]:
    survey = catalogue.get(session, forum.roster_survey or "")
    return roster.members(session, survey) if survey is not None else []


def present_keys(session: Session, forum_id: int) -> set[str]:
    query = select(ForumStaffAttendance.member_key).where(ForumStaffAttendance.forum_id == forum_id)
    return set(session.exec(query).all())


def require_staff_audience(forum: Forum) -> None:
    """Only a staff forum has a roster to mark (a residents' forum has registrations instead)."""
    if forum.audience != "staff":
        raise Conflict("เวทีนี้เป็นเวทีประชาคม ใช้การลงชื่อของประชาชน")


def _require_staff_forum(forum: Forum) -> None:
    require_staff_audience(forum)
    if forum.status == ForumStatus.CANCELLED:
        raise Conflict("เวทีนี้ถูกยกเลิกแล้ว")


def set_present(session: Session, forum: Forum, keys: list[str], staff_id: int | None, now: datetime) -> None:
    """Who was present, replaced whole (people ticked by staff); every key must be on the forum's roster."""
    _require_staff_forum(forum)
    if forum.starts_at > now:  # as for residents' forums: attendance counts once the forum is held
        raise Conflict("ยังบันทึกผู้เข้าร่วมไม่ได้ บันทึกได้ตั้งแต่เวลาเริ่มเวที")
    rostered = {m.member_key: m for m in members(session, forum)}
    unknown = sorted(set(keys) - set(rostered))
    if unknown:
        raise Invalid(f"ไม่พบในรายชื่อของเวทีนี้: {', '.join(unknown)}")
    for row in session.exec(select(ForumStaffAttendance).where(ForumStaffAttendance.forum_id == forum.id)).all():
        if row.member_key not in keys:
            session.delete(row)
    already = present_keys(session, forum.id or 0)
    for key in dict.fromkeys(keys):
        if key not in already:
            session.add(
                ForumStaffAttendance(
                    forum_id=forum.id or 0,
                    member_key=key,
                    name=rostered[key].name,
                    recorded_by=staff_id,
                    recorded_at=now,
                )
            )
    session.flush()


def rostered_person(session: Session, forum: Forum, resident_id: int) -> SurveyRosterMember | None:
    """The roster place of the forum that this LINE account speaks for (staff link or personal code)."""
    contact = session.exec(select(StaffContact).where(col(StaffContact.resident_id) == resident_id)).first()
    staff_id = contact.staff_member_id if contact is not None and contact.linked_at is not None else None
    for member in members(session, forum):
        if (staff_id is not None and member.staff_id == staff_id) or (
            member.staff_id is None and member.resident_id == resident_id
        ):
            return member
    return None


def check_in(session: Session, forum: Forum, resident_id: int, now: datetime) -> bool | None:
    """A rostered person checks in by LINE; whether it was new, or None when this account is not on the roster."""
    member = rostered_person(session, forum, resident_id)
    if member is None:
        return None
    if member.member_key in present_keys(session, forum.id or 0):
        return False
    session.add(
        ForumStaffAttendance(forum_id=forum.id or 0, member_key=member.member_key, name=member.name, recorded_at=now)
    )
    session.flush()
    return True


@dataclass(frozen=True)
class Attendance:
    size: int
    attended: int
    missing: list[str]


def attendance(session: Session, forum: Forum) -> Attendance:
    """The forum's roster against who was present."""
    rostered = members(session, forum)
    present = present_keys(session, forum.id or 0)
    return Attendance(
        size=len(rostered),
        attended=sum(1 for m in rostered if m.member_key in present),
        missing=[m.name for m in rostered if m.member_key not in present],
    )


@dataclass(frozen=True)
class YearFigures:
    purpose: Purpose
    held: int  # sessions that took place in the fiscal year (not cancelled, started)
    planned: int  # sessions still to come in the fiscal year
    roster: Attendance  # people of the roster present at one session or more this year
    status: str


def year_figures(session: Session, purpose: Purpose, year: int, now: datetime) -> YearFigures:
    """Sessions of one purpose in a fiscal year against the plan's number, and the roster's coverage."""
    first, last = thai.fiscal_year_bounds(year)
    start = datetime.combine(first, time(), thai.BANGKOK).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), thai.BANGKOK).astimezone(UTC)
    forums = session.exec(
        select(Forum).where(
            Forum.audience == "staff",
            Forum.purpose == purpose.key,
            Forum.status != ForumStatus.CANCELLED,
            col(Forum.starts_at) >= start,
            col(Forum.starts_at) < end,
        )
    ).all()
    held = [f for f in forums if f.starts_at <= now]
    key = held[-1].roster_survey if held else purpose.roster_survey
    survey = catalogue.get(session, key or purpose.roster_survey)
    rostered = roster.members(session, survey) if survey is not None else []
    present: set[str] = set()
    for forum in held:
        present |= present_keys(session, forum.id or 0)
    coverage = Attendance(
        size=len(rostered),
        attended=sum(1 for m in rostered if m.member_key in present),
        missing=[m.name for m in rostered if m.member_key not in present],
    )
    if len(held) >= purpose.sessions_per_year:
        status = "met"
    elif now >= end:
        status = "not_met"
    else:
        status = "not_yet_provable"
    return YearFigures(purpose, len(held), len(forums) - len(held), coverage, status)

"""Two weeks before a census period ends, rostered people who have not answered are reminded: a LINE push
when they linked their account (staff link, or a personal code for people without an account), and a note
in the console for staff accounts. Once per person and fiscal year."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot import thai
from bot.organisation import Organisation
from bot.outbox import service as outbox
from bot.residents.models import Resident
from bot.staff import service as staff_service
from bot.staff.models import StaffContact
from bot.surveys import texts
from surveys import roster
from surveys.models import Survey, SurveyStatus
from surveys.periods import fiscal_year_end

BEFORE_END = timedelta(days=14)


def period_end(survey: Survey, now: datetime) -> datetime:
    """The survey's closing time if it has one, else the end of the current fiscal year."""
    end = fiscal_year_end(thai.fiscal_year(now))
    return min(survey.closes_at, end) if survey.closes_at is not None and survey.closes_at > now else end


def remind_rostered(session: Session, now: datetime, org: Organisation) -> int:
    """Remind everyone due a reminder now; returns how many people were reminded. Never commits."""
    year = thai.fiscal_year(now)
    reminded = 0
    surveys = session.exec(select(Survey).where(Survey.audience == "staff", Survey.status == SurveyStatus.OPEN)).all()
    for survey in surveys:
        end = period_end(survey, now)
        if not end - BEFORE_END <= now < end:
            continue
        for member in roster.members(session, survey):
            if member.reminded_fiscal_year == year:
                continue
            if member.staff_id is None and member.resident_id is None:
                continue  # no account and no LINE linked yet: their letter with the personal code reaches them
            if roster.has_answered_as(session, survey, roster.respondent_of(member), year):
                continue
            member.reminded_fiscal_year = year
            reminded += 1
            resident_id = member.resident_id
            if member.staff_id is not None:
                staff_service.notify(
                    session,
                    kind="survey_reminder",
                    record_type="survey",
                    record_code=survey.key,
                    now=now,
                    staff_id=member.staff_id,
                    message=f"ยังไม่ได้ตอบ {survey.title} (ภายใน {thai.format_date(end)})",
                )
                contact = session.get(StaffContact, member.staff_id)
                resident_id = contact.resident_id if contact and contact.linked_at else None
            resident = session.get(Resident, resident_id) if resident_id else None
            if resident is None or not resident.line_user_id:
                continue
            message = texts.roster_reminder(org, member.name, survey.title, year, end - timedelta(seconds=1))
            outbox.enqueue_push(
                session, resident_id=resident.id, user_id=resident.line_user_id, messages=[message], now=now
            )
    return reminded

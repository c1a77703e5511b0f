"""Figures about forums: one forum for staff, the fiscal-year coverage report for managers, and the
public participation page (ITA's four parts). Read-only queries; no personal data on public pages."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from bot import thai
from bot.forums import staff
from bot.forums.models import (
    AttendanceFigures,
    CheckInMethod,
    Forum,
    ForumAttendance,
    ForumOpinion,
    ForumOutcome,
    ForumPaperCount,
    ForumRead,
    ForumReport,
    ForumRsvp,
    ForumStatus,
    ForumVillage,
    OpinionRead,
    OutcomeRead,
    PlanLink,
    PublicForum,
    PublicOutcome,
    PublicParticipants,
    PublicTopic,
    PublicUse,
    Registration,
    RsvpCounts,
    StaffAttendanceFigures,
    StaffAttendee,
    VillageCoverage,
    VillageParticipants,
)
from bot.forums.service import forum_notices, villages_of
from bot.organisation import Organisation

COVERAGE_NOTE = (
    "ผู้เข้าร่วม = ลงชื่อผ่าน LINE (รหัสหน้างานหรือเจ้าหน้าที่ติ๊ก) + ลงชื่อในกระดาษ นับตามหมู่บ้านของผู้เข้าร่วม; "
    "สัดส่วนความครอบคลุม = ผู้เข้าร่วม ÷ ประชากรของหมู่บ้าน; หมู่บ้านที่ครอบคลุมแล้ว = มีเวทีที่จัดแล้วสำหรับหมู่บ้านนั้น "
    "และมีผู้เข้าร่วมอย่างน้อยหนึ่งคน"
)


def _counts(session: Session, model: type, forum_id: int, field: str) -> Counter[object]:
    column = getattr(model, field)
    rows = session.exec(select(column, func.count()).where(model.forum_id == forum_id).group_by(column)).all()
    return Counter({key: int(n) for key, n in rows})


def attendance(session: Session, forum_id: int) -> AttendanceFigures:
    methods = _counts(session, ForumAttendance, forum_id, "method")
    paper = {
        row.village_no: row.participants
        for row in session.exec(select(ForumPaperCount).where(ForumPaperCount.forum_id == forum_id)).all()
    }
    line = methods[CheckInMethod.CODE] + methods[CheckInMethod.STAFF]
    return AttendanceFigures(
        line_check_ins=methods[CheckInMethod.CODE],
        staff_ticked=methods[CheckInMethod.STAFF],
        paper=paper,
        total=line + sum(paper.values()),
    )


def rsvp_counts(session: Session, forum_id: int) -> RsvpCounts:
    return RsvpCounts(**{str(k): v for k, v in _counts(session, ForumRsvp, forum_id, "answer").items()})


def _outcome(session: Session, forum_id: int) -> OutcomeRead | None:
    row = session.get(ForumOutcome, forum_id)
    if row is None:
        return None
    return OutcomeRead(
        minutes=row.minutes,
        decisions=row.decisions,
        opinions_used=row.opinions_used,
        plan_links=[PlanLink(**link) for link in row.link_list()],
        published_at=row.published_at,
    )


def read(session: Session, forum: Forum) -> ForumRead:
    """The forum as staff see it: RSVP counts, opinions, attendance, its notices, the outcome."""
    forum_id = forum.id or 0
    opinions = session.exec(
        select(ForumOpinion).where(ForumOpinion.forum_id == forum_id).order_by(col(ForumOpinion.id))
    ).all()
    notices: dict[str, list[int]] = {}
    for notice in forum_notices(session, forum_id):
        notices.setdefault(notice.purpose.removeprefix("forum_"), []).append(notice.id or 0)
    return ForumRead(
        **forum.model_dump(
            include={
                "id",
                "topic",
                "agenda",
                "starts_at",
                "place",
                "map_url",
                "capacity",
                "collect_opinions",
                "reminder_hours_before",
                "check_in_code",
                "status",
                "cancel_reason",
                "created_at",
            }
        ),
        villages=villages_of(session, forum_id),
        rsvp=rsvp_counts(session, forum_id),
        opinions=[OpinionRead.model_validate(o, from_attributes=True) for o in opinions],
        attendance=attendance(session, forum_id),
        notices=notices,
        outcome=_outcome(session, forum_id),
        audience=forum.audience,
        purpose=forum.purpose,
        roster_survey=forum.roster_survey,
        staff_attendance=_staff_attendance(session, forum),
    )


def _staff_attendance(session: Session, forum: Forum) -> StaffAttendanceFigures | None:
    if forum.audience != "staff":
        return None
    figures = staff.attendance(session, forum)
    return StaffAttendanceFigures(size=figures.size, attended=figures.attended, missing=figures.missing)


def staff_attendees(session: Session, forum: Forum) -> list[StaffAttendee]:
    """The forum's roster, each marked present or not (the list staff tick)."""
    present = staff.present_keys(session, forum.id or 0)
    return [
        StaffAttendee(member_key=m.member_key, name=m.name, group=m.group, present=m.member_key in present)
        for m in staff.members(session, forum)
    ]


def registrations(session: Session, forum_id: int) -> list[Registration]:
    """The list staff tick at the venue: registration numbers with village and answer (no names kept)."""
    present = set(session.exec(select(ForumAttendance.resident_id).where(ForumAttendance.forum_id == forum_id)).all())
    rows = session.exec(select(ForumRsvp).where(ForumRsvp.forum_id == forum_id).order_by(col(ForumRsvp.id))).all()
    return [
        Registration(
            registration=r.id or 0, village_no=r.village_no, answer=r.answer, checked_in=r.resident_id in present
        )
        for r in rows
    ]


def fiscal_period(fiscal_year: int) -> tuple[datetime, datetime]:
    """The fiscal year as UTC instants: midnight 1 October to midnight 1 October, Thai time."""
    first, last = thai.fiscal_year_bounds(fiscal_year)
    start = datetime.combine(first, time(), thai.BANGKOK).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), thai.BANGKOK).astimezone(UTC)
    return start, end


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def report(session: Session, org: Organisation, fiscal_year: int, now: datetime) -> ForumReport:
    """Forums, RSVPs, attendance and opinions per village in a fiscal year, against each village's population."""
    start, end = fiscal_period(fiscal_year)
    in_year = (col(Forum.starts_at) >= start) & (col(Forum.starts_at) < end)
    forums = session.exec(select(Forum).where(in_year, Forum.audience == "residents")).all()
    live = [f for f in forums if f.status != ForumStatus.CANCELLED]
    live_ids = [f.id for f in live]
    held_ids = {f.id for f in live if f.starts_at <= now}
    targets = session.exec(select(ForumVillage).where(col(ForumVillage.forum_id).in_(live_ids))).all()
    held, planned = Counter[int](), Counter[int]()
    for target in targets:
        (held if target.forum_id in held_ids else planned)[target.village_no] += 1

    def by_village(model: type, *where: object) -> Counter[int | None]:
        query = select(model.village_no, func.count()).where(col(model.forum_id).in_(live_ids), *where)
        return Counter({v: int(n) for v, n in session.exec(query.group_by(model.village_no)).all()})

    rsvp = {answer: by_village(ForumRsvp, ForumRsvp.answer == answer) for answer in ("going", "maybe", "not_going")}
    opinions = by_village(ForumOpinion)
    line = by_village(ForumAttendance)
    paper_rows = session.exec(
        select(ForumPaperCount.village_no, func.sum(ForumPaperCount.participants))
        .where(col(ForumPaperCount.forum_id).in_(live_ids))
        .group_by(ForumPaperCount.village_no)
    ).all()
    paper = Counter({v: int(n or 0) for v, n in paper_rows})
    population = sum(v.population for v in org.villages)
    participants_total = sum(line[v.number] + paper[v.number] for v in org.villages)
    villages = []
    for village in org.villages:
        n = village.number
        participants = line[n] + paper[n]
        villages.append(
            VillageCoverage(
                village=n,
                name=village.name,
                population=village.population,
                forums_held=held[n],
                forums_planned=planned[n],
                going=rsvp["going"][n],
                maybe=rsvp["maybe"][n],
                not_going=rsvp["not_going"][n],
                opinions=opinions[n],
                attended_line=line[n],
                attended_paper=paper[n],
                participants=participants,
                coverage_ratio=_share(participants, village.population),
                population_share=_share(village.population, population),
                participant_share=_share(participants, participants_total),
                covered=held[n] > 0 and participants > 0,
            )
        )
    return ForumReport(
        fiscal_year=fiscal_year,
        period_start=start,
        period_end=end,
        forums_held=len(held_ids),
        forums_planned=len(live) - len(held_ids),
        forums_cancelled=len(forums) - len(live),
        participants=participants_total,
        opinions=sum(opinions.values()),
        villages=villages,
        not_covered=[v.village for v in villages if not v.covered],
        note=COVERAGE_NOTE,
    )


def public(session: Session, org: Organisation, forum: Forum) -> PublicForum:
    """The public participation page: counts only, never who said or attended what."""
    forum_id = forum.id or 0
    counts = attendance(session, forum_id)
    line = Counter(
        {
            v: int(n)
            for v, n in session.exec(
                select(ForumAttendance.village_no, func.count())
                .where(ForumAttendance.forum_id == forum_id)
                .group_by(ForumAttendance.village_no)
            ).all()
        }
    )
    targets = villages_of(session, forum_id)
    by_village = []
    for number in sorted({*targets, *counts.paper, *(k for k in line if k is not None)}):
        village = org.village(number)
        by_village.append(
            VillageParticipants(
                village=number,
                name=village.label if village else f"หมู่ {number}",
                participants=line[number] + counts.paper.get(number, 0),
            )
        )
    opinions = session.exec(
        select(func.count()).select_from(ForumOpinion).where(ForumOpinion.forum_id == forum_id)
    ).one()
    outcome = _outcome(session, forum_id)
    return PublicForum(
        id=forum_id,
        topic=PublicTopic(
            topic=forum.topic,
            agenda=forum.agenda,
            starts_at=forum.starts_at,
            date_th=thai.format_datetime(forum.starts_at),
            place=forum.place,
            villages=[v.label for n in targets if (v := org.village(n))],
            status=forum.status,
        ),
        participants=PublicParticipants(
            total=counts.total,
            line=counts.line_check_ins + counts.staff_ticked,
            paper=sum(counts.paper.values()),
            rsvp_going=rsvp_counts(session, forum_id).going,
            opinions=int(opinions),
            by_village=by_village,
        ),
        outcome=PublicOutcome(minutes=outcome.minutes, decisions=outcome.decisions, published_at=outcome.published_at)
        if outcome
        else None,
        use=PublicUse(opinions_used=outcome.opinions_used, plan_links=outcome.plan_links) if outcome else None,
    )

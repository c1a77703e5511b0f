"""Forums (เวทีประชาคม), the villages each is for, RSVPs, opinions, attendance, paper counts, outcomes."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel
from pydantic import Field as Input
from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.db import RowId, UTCDateTime, VillageNumber


class ForumStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class RsvpAnswer(StrEnum):
    GOING = "going"
    NOT_GOING = "not_going"
    MAYBE = "maybe"


class CheckInMethod(StrEnum):
    CODE = "code"  # the resident typed the code shown at the venue
    STAFF = "staff"  # staff ticked the resident's registration number


class Forum(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(sa_type=String(200))
    agenda: str = Field(sa_column=Column(Text, nullable=False))
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    place: str = Field(sa_type=String(300))
    map_url: str | None = Field(default=None, sa_type=String(1000))
    capacity: int | None = None
    collect_opinions: bool = True
    reminder_hours_before: int = 24
    check_in_code: str = Field(sa_type=String(8))
    status: str = Field(default=ForumStatus.PLANNED, sa_type=String(16))
    cancel_reason: str | None = Field(default=None, sa_type=String(500))
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_member.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    # "residents" (เวทีประชาคม), or "staff": a law training session or conflict-of-interest forum whose
    # attendance counts against the roster of `roster_survey` (plan measures 13 and 14).
    audience: str = Field(default="residents", sa_column=Column(String(16), nullable=False, server_default="residents"))
    purpose: str | None = Field(default=None, sa_type=String(32))
    roster_survey: str | None = Field(default=None, sa_type=String(48))


class ForumStaffAttendance(SQLModel, table=True):
    """A rostered person (executive, council member, staff) ticked present at a staff forum."""

    __tablename__ = "forum_staff_attendance"
    __table_args__ = (UniqueConstraint("forum_id", "member_key"),)

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="forum.id", index=True)
    member_key: str = Field(sa_type=String(48))  # staff:<id> or roster:<person key>, as the roster names them
    name: str = Field(sa_type=String(200))
    recorded_by: int | None = Field(default=None, foreign_key="staff_member.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class ForumVillage(SQLModel, table=True):
    __tablename__ = "forum_village"

    forum_id: int = Field(foreign_key="forum.id", primary_key=True)
    village_no: int = Field(primary_key=True)


class ForumRsvp(SQLModel, table=True):
    """One resident's answer for one forum; its id is the registration number shown to them."""

    __tablename__ = "forum_rsvp"
    __table_args__ = (UniqueConstraint("forum_id", "resident_id"),)

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="forum.id", index=True)
    resident_id: int = Field(foreign_key="resident.id")
    answer: str = Field(sa_type=String(16))
    village_no: int | None = None  # the resident's village when they answered (reports count by it)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ForumOpinion(SQLModel, table=True):
    __tablename__ = "forum_opinion"

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="forum.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    village_no: int | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    photo_message_id: str | None = Field(default=None, sa_type=String(64))
    created_at: datetime = Field(sa_type=UTCDateTime)


class ForumAttendance(SQLModel, table=True):
    __tablename__ = "forum_attendance"
    __table_args__ = (UniqueConstraint("forum_id", "resident_id"),)

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="forum.id", index=True)
    resident_id: int = Field(foreign_key="resident.id")
    village_no: int | None = None
    method: str = Field(sa_type=String(16))
    recorded_by: int | None = Field(default=None, foreign_key="staff_member.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class ForumPaperCount(SQLModel, table=True):
    """People who signed the paper sheet at the venue without checking in by LINE, per village."""

    __tablename__ = "forum_paper_count"

    forum_id: int = Field(foreign_key="forum.id", primary_key=True)
    village_no: int = Field(primary_key=True)
    participants: int
    recorded_by: int | None = Field(default=None, foreign_key="staff_member.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class ForumOutcome(SQLModel, table=True):
    __tablename__ = "forum_outcome"

    forum_id: int = Field(foreign_key="forum.id", primary_key=True)
    minutes: str = Field(sa_column=Column(Text, nullable=False))
    decisions: str = Field(sa_column=Column(Text, nullable=False))
    opinions_used: str = Field(sa_column=Column(Text, nullable=False))
    plan_links: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON [{title, url}]
    published_by: int | None = Field(default=None, foreign_key="staff_member.id")
    published_at: datetime = Field(sa_type=UTCDateTime)

    def link_list(self) -> list[dict[str, str]]:
        links: list[dict[str, str]] = json.loads(self.plan_links)
        return links


# --- shapes of the admin API ---------------------------------------------------------------------


class ForumCreate(BaseModel):
    topic: str = Input(min_length=1, max_length=200)
    agenda: str = Input(min_length=1, max_length=3000)
    villages: list[VillageNumber] = Input(default=[], max_length=200, description="residents' forums: at least one")
    starts_at: AwareDatetime
    place: str = Input(min_length=1, max_length=300)
    map_url: str | None = Input(default=None, max_length=1000)
    capacity: int | None = Input(default=None, strict=True, ge=1, le=100_000)
    collect_opinions: bool = True
    reminder_hours_before: int = Input(
        default=24, strict=True, ge=1, le=24 * 14, description="when the reminder is pushed"
    )
    audience: Literal["residents", "staff"] = "residents"
    purpose: Literal["law_training", "conflict_of_interest"] | None = Input(
        default=None, description="staff forums: law training (measure 13) or conflict of interest (measure 14)"
    )
    roster_survey: str | None = Input(
        default=None,
        max_length=48,
        pattern=r"^[a-z0-9_]{1,48}$",
        description="staff forums: whose roster attendance counts against "
        "(default law_knowledge / conflict_of_interest)",
    )


class AnnounceRequest(BaseModel):
    at: AwareDatetime | None = Input(default=None, description="announce later, at this time")


class CancelRequest(BaseModel):
    reason: str = Input(min_length=1, max_length=500)


class AttendanceTick(BaseModel):
    registrations: list[RowId] = Input(min_length=1, max_length=5000, description="registration numbers to tick")


class PaperCount(BaseModel):
    village: VillageNumber
    participants: int = Input(strict=True, ge=0, le=100_000)


class PaperCounts(BaseModel):
    villages: list[PaperCount] = Input(min_length=1, max_length=200)


class PlanLink(BaseModel):
    title: str = Input(min_length=1, max_length=200)
    url: str = Input(min_length=1, max_length=1000)


class OutcomeCreate(BaseModel):
    minutes: str = Input(min_length=1, max_length=20_000)
    decisions: str = Input(min_length=1, max_length=10_000)
    opinions_used: str = Input(min_length=1, max_length=10_000, description="how residents' opinions were used")
    plan_links: list[PlanLink] = Input(default_factory=list, max_length=20)


class RsvpCounts(BaseModel):
    going: int = 0
    not_going: int = 0
    maybe: int = 0


class OpinionRead(BaseModel):
    id: int
    village_no: int | None
    text: str
    photo_message_id: str | None
    created_at: datetime


class StaffPresent(BaseModel):
    members: list[str] = Input(
        max_length=500, description="member keys present (staff:<id> / roster:<key>), the whole list, replaced"
    )


class StaffAttendee(BaseModel):
    member_key: str
    name: str
    group: str
    present: bool


class StaffAttendanceFigures(BaseModel):
    size: int
    attended: int
    missing: list[str]


class AttendanceFigures(BaseModel):
    line_check_ins: int
    staff_ticked: int
    paper: dict[int, int]
    total: int


class Registration(BaseModel):
    registration: int
    village_no: int | None
    answer: str
    checked_in: bool


class OutcomeRead(BaseModel):
    minutes: str
    decisions: str
    opinions_used: str
    plan_links: list[PlanLink]
    published_at: datetime


class ForumRead(BaseModel):
    id: int
    topic: str
    agenda: str
    villages: list[int]
    starts_at: datetime
    place: str
    map_url: str | None
    capacity: int | None
    collect_opinions: bool
    reminder_hours_before: int
    check_in_code: str
    status: str
    cancel_reason: str | None
    created_at: datetime
    rsvp: RsvpCounts
    opinions: list[OpinionRead]
    attendance: AttendanceFigures
    notices: dict[str, list[int]]
    outcome: OutcomeRead | None
    audience: str = "residents"
    purpose: str | None = None
    roster_survey: str | None = None
    staff_attendance: StaffAttendanceFigures | None = None


class VillageCoverage(BaseModel):
    village: int
    name: str
    population: int
    forums_held: int
    forums_planned: int
    going: int
    maybe: int
    not_going: int
    opinions: int
    attended_line: int
    attended_paper: int
    participants: int
    coverage_ratio: float | None = Input(description="participants ÷ population")
    population_share: float | None
    participant_share: float | None
    covered: bool = Input(description="at least one forum held for the village, with participants recorded")


class ForumReport(BaseModel):
    fiscal_year: int
    period_start: datetime
    period_end: datetime
    forums_held: int
    forums_planned: int
    forums_cancelled: int
    participants: int
    opinions: int
    villages: list[VillageCoverage]
    not_covered: list[int]
    note: str


class PublicTopic(BaseModel):
    topic: str
    agenda: str
    starts_at: datetime
    date_th: str
    place: str
    villages: list[str]
    status: str


class VillageParticipants(BaseModel):
    village: int
    name: str
    participants: int


class PublicParticipants(BaseModel):
    total: int
    line: int
    paper: int
    rsvp_going: int
    opinions: int
    by_village: list[VillageParticipants]


class PublicOutcome(BaseModel):
    minutes: str
    decisions: str
    published_at: datetime


class PublicUse(BaseModel):
    opinions_used: str
    plan_links: list[PlanLink]


class PublicForum(BaseModel):
    """The four parts an ITA participation item asks for: topic, who took part, outcome, how it was used."""

    id: int
    topic: PublicTopic
    participants: PublicParticipants
    outcome: PublicOutcome | None
    use: PublicUse | None

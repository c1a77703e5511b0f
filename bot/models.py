"""Imports every table so that SQLModel.metadata (and so Alembic) knows the whole schema."""

from bot.chat.state import Conversation, SealedDialog
from bot.complaints.models import Complaint, ComplaintPhoto, ComplaintUpdate
from bot.forums.models import (
    Forum,
    ForumAttendance,
    ForumOpinion,
    ForumOutcome,
    ForumPaperCount,
    ForumRsvp,
    ForumStaffAttendance,
    ForumVillage,
)
from bot.inquiries.models import Inquiry
from bot.line.models import ChannelFact, InboxEvent, InboxQuarantine
from bot.media import MediaFile
from bot.notices.models import Notice, NoticeDelivery, NoticePreference
from bot.outbox.models import OutboxMessage
from bot.outcomes.models import OutcomeCount
from bot.pins.models import TrackingPin
from bot.residents.models import ConsentRecord, Resident
from bot.sequences import CaseSequence
from bot.staff.models import AuditEntry, StaffContact, StaffMember, StaffNotification, StaffSession
from bot.tips.models import Tip, TipEvidence, TipUpdate
from surveys.models import PlanIndicator, Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from surveys.roster import SurveyRetake, SurveyRosterMember

__all__ = [
    "AuditEntry",
    "CaseSequence",
    "ChannelFact",
    "Complaint",
    "ComplaintPhoto",
    "ComplaintUpdate",
    "ConsentRecord",
    "Conversation",
    "Forum",
    "ForumAttendance",
    "ForumOpinion",
    "ForumOutcome",
    "ForumPaperCount",
    "ForumRsvp",
    "ForumStaffAttendance",
    "ForumVillage",
    "InboxEvent",
    "InboxQuarantine",
    "Inquiry",
    "MediaFile",
    "Notice",
    "NoticeDelivery",
    "NoticePreference",
    "OutboxMessage",
    "OutcomeCount",
    "PlanIndicator",
    "Resident",
    "SealedDialog",
    "StaffContact",
    "StaffMember",
    "StaffNotification",
    "StaffSession",
    "Survey",
    "SurveyAnswer",
    "SurveyResponse",
    "SurveyRetake",
    "SurveyRosterMember",
    "SurveyVersion",
    "Tip",
    "TipEvidence",
    "TipUpdate",
    "TrackingPin",
]

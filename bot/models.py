"""Imports every table so that SQLModel.metadata (and so Alembic) knows the whole schema."""

from bot.chat.state import Conversation
from bot.line.models import ChannelFact, InboxEvent
from bot.outbox.models import OutboxMessage
from bot.residents.models import ConsentRecord, Resident
from bot.staff.models import AuditEntry, StaffMember

__all__ = [
    "AuditEntry",
    "ChannelFact",
    "ConsentRecord",
    "Conversation",
    "InboxEvent",
    "OutboxMessage",
    "Resident",
    "StaffMember",
]

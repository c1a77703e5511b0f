"""Staff's reads of inquiries: the filtered, searched, paged list and one inquiry by code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot import cases
from bot.inquiries import service
from bot.inquiries.models import Inquiry, InquiryKind, InquiryStatus
from bot.search import contains


@dataclass(frozen=True)
class Filters:
    kind: InquiryKind | None = None
    status: InquiryStatus | None = None
    overdue: bool | None = None
    fiscal_year: int | None = None
    q: str | None = None  # in the code, text, answer and contact name


def search(session: Session, filters: Filters, now: datetime, limit: int, offset: int) -> tuple[list[Inquiry], int]:
    """A page of inquiries, newest first, and how many match in all."""
    query = select(Inquiry)
    equal = {Inquiry.kind: filters.kind, Inquiry.status: filters.status, Inquiry.fiscal_year: filters.fiscal_year}
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if filters.overdue is not None:
        late = (col(Inquiry.status) == InquiryStatus.RECEIVED) & (col(Inquiry.due_at) <= now)
        query = query.where(late if filters.overdue else ~late)
    text = (filters.q or "").strip()
    if text:
        query = query.where(contains(text, Inquiry.code, Inquiry.text, Inquiry.answer_text, Inquiry.contact_name))
    return cases.newest_first(session, query, Inquiry.id, limit, offset)


def found(session: Session, code: str) -> Inquiry:
    return cases.found(service.get(session, code), f"ไม่พบเรื่อง {code}")

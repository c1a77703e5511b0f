"""Readable, gap-free case codes per fiscal year: `C2570-00042` (complaints), `T2570-00007` (tips)."""

from __future__ import annotations

from sqlalchemy import String, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select


class CaseSequence(SQLModel, table=True):
    __tablename__ = "case_sequence"

    prefix: str = Field(sa_type=String(4), primary_key=True)
    fiscal_year: int = Field(primary_key=True)
    last_value: int = 0


def next_code(session: Session, prefix: str, fiscal_year: int) -> tuple[str, int]:
    """The next code and its number. Increments first (taking the row's write lock), then reads,
    so two concurrent filings can never get the same number."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        module.insert(CaseSequence)
        .values(prefix=prefix, fiscal_year=fiscal_year, last_value=0)
        .on_conflict_do_nothing(index_elements=["prefix", "fiscal_year"])
    )
    session.execute(
        update(CaseSequence)
        .where(col(CaseSequence.prefix) == prefix, col(CaseSequence.fiscal_year) == fiscal_year)
        .values(last_value=CaseSequence.last_value + 1)
    )
    number = session.exec(
        select(CaseSequence.last_value).where(CaseSequence.prefix == prefix, CaseSequence.fiscal_year == fiscal_year)
    ).one()
    return f"{prefix}{fiscal_year}-{number:05d}", number

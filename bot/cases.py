"""What the case domains (complaints, tips, inquiries) handle alike, each with its own statuses and texts:
the status machine's rule and refusal, a line of the public timeline, a page of cases newest first, a
lookup or 404. Their
codes come from `bot.sequences`. No table here: each domain keeps its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.errors import DomainError, NotFound

S = TypeVar("S", bound=StrEnum)
T = TypeVar("T")


@dataclass(frozen=True)
class StatusMachine(Generic[S]):
    """Where each status may go next; a refused change names, in the domain's words, where it may go instead."""

    transitions: Mapping[S, frozenset[S]]
    name: Callable[[S], str]  # the status as staff read it
    refusal: type[DomainError]  # raised with `allowed`: the statuses' values, in the enum's order

    def allowed(self, current: S) -> list[S]:
        """The statuses `current` may move to, in the enum's order."""
        reachable = self.transitions[current]
        return [status for status in type(current) if status in reachable]

    def check(self, current: S, target: S) -> None:
        if target in self.transitions[current]:
            return
        allowed = self.allowed(current)
        names = ", ".join(f"“{self.name(s)}”" for s in allowed) or "ไม่มี (เรื่องนี้สิ้นสุดแล้ว)"
        raise self.refusal(
            f"เปลี่ยนสถานะจาก “{self.name(current)}” เป็น “{self.name(target)}” ไม่ได้ (เปลี่ยนได้เป็น: {names})",
            allowed=[s.value for s in allowed],
        )


def public_line(status: str | None, note: str | None, name: Callable[[str], str]) -> str:
    """One line of the timeline a reporter sees: the status's `name`, its public note, or both."""
    text = name(status) if status else ""
    if note:
        text = f"{text}: {note}" if text else note
    return text


def newest_first(
    session: Session, query: SelectOfScalar[T], id_column: Any, limit: int, offset: int
) -> tuple[list[T], int]:
    """One page of `query`'s rows, newest (highest id) first, and how many match in all."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(id_column).desc()).offset(offset).limit(limit)).all()
    return list(rows), int(total)


def found(record: T | None, missing: str) -> T:
    """`record`, or NotFound (404) saying what is `missing`: staff's lookups by code or id."""
    if record is None:
        raise NotFound(missing)
    return record

"""Text search every domain shares: `q` matches its characters literally, `%` and `_` included."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """`text` anywhere in a column, with `%`, `_` and the escape character taken literally."""
    for special in (ESCAPE, "%", "_"):
        text = text.replace(special, ESCAPE + special)
    return f"%{text}%"


def contains(text: str, *columns: Any) -> ColumnElement[bool]:
    """Any of `columns` contains `text` (case-insensitive)."""
    pattern = like_pattern(text)
    return or_(*(col(column).ilike(pattern, escape=ESCAPE) for column in columns))

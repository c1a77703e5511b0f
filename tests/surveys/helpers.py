"""Small survey definitions and fast ways to file responses, for the survey tests."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlmodel import Session

from surveys import catalogue, responses
from surveys.definition import Definition, parse_definition
from surveys.models import Channel, Survey

_keys = itertools.count(1)


def satisfaction_data(items: int = 2, **overrides: Any) -> dict[str, Any]:
    """A resident survey of `items` satisfaction questions in two dimensions (a: first, b: the rest)."""
    data: dict[str, Any] = {
        "key": f"test_{next(_keys)}",
        "title": "แบบทดสอบ",
        "short_title": "ทดสอบ",
        "audience": "residents",
        "dimensions": [{"key": "a", "title": "มิติ ก"}, {"key": "b", "title": "มิติ ข"}],
        "questions": [
            {"key": f"q{i}", "type": "satisfaction", "text": f"ข้อ {i}", "dimension": "a" if i == 1 else "b"}
            for i in range(1, items + 1)
        ],
    }
    data.update(overrides)
    return data


def open_survey(session: Session, data: dict[str, Any], now: datetime) -> tuple[Survey, Definition]:
    definition = parse_definition(data)
    survey = catalogue.install(session, definition, now)
    catalogue.open_survey(survey, now)
    session.flush()
    return survey, definition


def file_paper(
    session: Session,
    survey: Survey,
    definition: Definition,
    rows: list[dict[str, Any]],
    now: datetime,
    village: int | None = 1,
    channel: Channel = Channel.PAPER,
) -> None:
    """One complete response per row of answers."""
    for row in rows:
        responses.submit(session, survey, definition, responses.Respondent(village_no=village), row, channel, now)
    session.flush()


def open_shipped(engine: Any, key: str, now: datetime) -> None:
    """Install one of the shipped definitions and open it (committed, as a manager would)."""
    from surveys.definition import shipped_definitions

    with Session(engine) as session:
        definition = next(d for d in shipped_definitions("อบต.พนา") if d.key == key)
        survey = catalogue.get(session, key) or catalogue.install(session, definition, now)
        catalogue.open_survey(survey, now)
        session.commit()


def install_open(engine: Any, data: dict[str, Any], now: datetime) -> str:
    with Session(engine) as session:
        survey, _ = open_survey(session, data, now)
        session.commit()
        return survey.key


def install_resident(session: Session, now: datetime, village: int = 1) -> int:
    from bot.residents.models import Resident

    resident = Resident(line_user_id=f"U{next(_keys):032d}", created_at=now, village_no=village)
    session.add(resident)
    session.flush()
    return resident.id or 0

"""Where the running `tambon serve` emulates the LINE API in simulator mode, remembered in the database so
`tambon richmenu deploy` (another process) reaches the server that runs, whatever its host and port."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.line.models import ChannelFact
from bot.thai import utcnow

FACT = "simulator_api_base_url"


def remember(engine: Engine, url: str) -> None:
    with Session(engine) as session:
        fact = session.get(ChannelFact, FACT)
        if fact is None:
            session.add(ChannelFact(key=FACT, value=url, updated_at=utcnow()))
        else:
            fact.value, fact.updated_at = url, utcnow()
        session.commit()


def recalled(engine: Engine) -> str | None:
    """The emulated LINE API of the last `tambon serve` started in simulator mode on this database."""
    with Session(engine) as session:
        fact = session.get(ChannelFact, FACT)
        return fact.value if fact else None

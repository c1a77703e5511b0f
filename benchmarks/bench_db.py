"""A fresh, empty database for one benchmark run: a temporary SQLite file, or a PostgreSQL database of its
own on the given server, dropped afterwards (even when the run fails)."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db import make_engine, normalise_url

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def database(kind: str, postgres_url: str = POSTGRES_SERVER, prefix: str = "tambon_bench") -> Iterator[str]:
    """The URL of a new empty database of `kind` ("sqlite" or "postgres"), removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    server = make_url(normalise_url(postgres_url))
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

"""Test fixtures: a real database (SQLite, or PostgreSQL when TAMBON_TEST_DATABASE_URL is set) built
by the Alembic migrations once per run, a fake LINE server, and a harness that drives the bot through
signed webhooks, the worker and the sender."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import bot.models  # noqa: F401
from bot import migrate
from bot.db import make_engine, normalise_url
from tests.fake_line import FakeLine
from tests.harness import Harness

PG_URL = os.environ.get("TAMBON_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this run, migrated once; dropped at the end."""
    if not PG_URL:
        yield None
        return
    server = make_url(normalise_url(PG_URL))
    name = f"tambon_test_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(pg_database: str | None, sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if pg_database:
        yield pg_database
        engine = make_engine(pg_database)
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as connection:  # TRUNCATE skips the audit log's row triggers
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    path = tmp_path / "tambon.db"
    shutil.copy(sqlite_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def fake_line_server() -> Iterator[FakeLine]:
    server = FakeLine().start()
    yield server
    server.stop()


@pytest.fixture
def fake_line(fake_line_server: FakeLine) -> Iterator[FakeLine]:
    fake_line_server.reset()
    yield fake_line_server
    assert not fake_line_server.spec_errors, "requests that break LINE's OpenAPI spec:\n" + "\n".join(
        fake_line_server.spec_errors
    )


@pytest.fixture
def harness(database_url: str, engine: Engine, fake_line: FakeLine) -> Iterator[Harness]:
    with Harness(database_url, engine, fake_line) as h:
        yield h


# --- the fast layer: services called directly, each test's changes rolled back ----------------------


@pytest.fixture(scope="session")
def service_engine(
    pg_database: str | None, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database shared by the service tests (no webhook, worker or fake LINE)."""
    if pg_database:
        url = pg_database
    else:
        path = tmp_path_factory.mktemp("services") / "tambon.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(service_engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; a commit inside the test
    only releases a SAVEPOINT, so nothing reaches the next test."""
    with service_engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
            yield session
        transaction.rollback()

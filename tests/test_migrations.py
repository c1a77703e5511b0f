"""The migrations build exactly the schema the models describe, and go down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import bot.models  # noqa: F401
from bot import migrate
from bot.db import make_engine


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrade_to_base_and_upgrade_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    migrate.upgrade(engine)
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        command.upgrade(config, "head")
    migrate.upgrade(engine)  # idempotent
    engine.dispose()


def test_an_old_received_by_line_note_gets_its_space(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'notes.db'}")
    migrate.upgrade(engine)
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "20261129_quarantine_privacy")
        connection.execute(text("INSERT INTO complaint (id, code, fiscal_year, source_channel, category, description, "
                                "unit, status, created_at, first_due_at, due_at) VALUES (1, 'C2570-00001', 2570, "
                                "'line', 'roads', 'x', 'eng', 'received', '2026-11-29', '2026-12-14', '2026-12-14')"))
        for note in ("รับเรื่องทางLINE", "รับเรื่องทางโทรศัพท์", "รับเรื่องทางLINE แล้วส่งต่อ"):
            connection.execute(text("INSERT INTO complaint_update (complaint_id, kind, public_note, at, actor) "
                                    "VALUES (1, 'transition', :note, '2026-11-29', 'ผู้ร้องเรียน')"), {"note": note})
        command.upgrade(config, "head")
        notes = connection.execute(text("SELECT public_note FROM complaint_update ORDER BY id")).scalars().all()
    assert notes == ["รับเรื่องทาง LINE", "รับเรื่องทางโทรศัพท์", "รับเรื่องทางLINE แล้วส่งต่อ"]
    engine.dispose()

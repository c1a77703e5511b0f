"""The migrations build exactly the schema the models describe, and go down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, select

import bot.models  # noqa: F401
from bot import media, migrate
from bot.complaints import queue
from bot.complaints.models import Complaint
from bot.db import make_engine
from bot.media import MediaFile
from bot.tips import queries as tip_queries
from bot.tips.models import Tip


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
        connection.execute(
            text(
                "INSERT INTO complaint (id, code, fiscal_year, source_channel, category, description, "
                "unit, status, created_at, first_due_at, due_at) VALUES (1, 'C2570-00001', 2570, "
                "'line', 'roads', 'x', 'eng', 'received', '2026-11-29', '2026-12-14', '2026-12-14')"
            )
        )
        for note in ("รับเรื่องทางLINE", "รับเรื่องทางโทรศัพท์", "รับเรื่องทางLINE แล้วส่งต่อ"):
            connection.execute(
                text(
                    "INSERT INTO complaint_update (complaint_id, kind, public_note, at, actor) "
                    "VALUES (1, 'transition', :note, '2026-11-29', 'ผู้ร้องเรียน')"
                ),
                {"note": note},
            )
        command.upgrade(config, "head")
        notes = connection.execute(text("SELECT public_note FROM complaint_update ORDER BY id")).scalars().all()
    assert notes == ["รับเรื่องทาง LINE", "รับเรื่องทางโทรศัพท์", "รับเรื่องทางLINE แล้วส่งต่อ"]
    engine.dispose()


BEFORE_MEDIA = "20261129_received_by_line_spaced"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 photo bytes \x00\xff\x80"
EVIDENCE = b"\x89PNG\r\n\x1a\n\x00 evidence bytes \xff"
OLD_PHOTO_COLUMNS = "line_message_id, status, content_type, size, sha256, data, error, created_at"


def _old_rows(connection: Connection, table: str, owner: str) -> list[tuple[object, ...]]:
    rows = connection.execute(text(f"SELECT id, {owner}, {OLD_PHOTO_COLUMNS} FROM {table} ORDER BY id")).all()
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]


def test_photos_move_to_media_byte_for_byte_and_back(engine: Engine) -> None:
    """Rows written before `media` existed are found through it afterwards, and the downgrade restores them.
    On PostgreSQL the whole walk is one transaction, rolled back: the shared test database stays at head."""
    config = migrate.alembic_config(engine)
    with engine.connect() as connection, connection.begin() as transaction:
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE_MEDIA)
        connection.execute(
            text(
                "INSERT INTO complaint (id, code, fiscal_year, source_channel, category, description, "
                "unit, status, created_at, first_due_at, due_at) VALUES (1, 'C2570-00001', 2570, "
                "'line', 'roads', 'x', 'eng', 'received', '2026-11-29', '2026-12-14', '2026-12-14')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO tip (id, code, fiscal_year, status, anonymous, reporter_sealed, what, "
                "created_at, handle_by) VALUES (1, 'T2570-00001', 2570, 'received', true, 'sealed', "
                "'y', '2026-11-29 10:00:00', '2026-12-29 10:00:00')"
            )
        )
        photo = (
            "INSERT INTO complaint_photo (id, complaint_id, line_message_id, status, content_type, size, sha256, "
            "data, error, created_at) VALUES (:id, 1, :message, :status, :type, :size, :sha, :data, :error, "
            "'2026-11-29 10:11:12')"
        )
        connection.execute(
            text(photo),
            [
                {
                    "id": 7,
                    "message": "111",
                    "status": "stored",
                    "type": "image/jpeg",
                    "size": len(PHOTO),
                    "sha": "a" * 64,
                    "data": PHOTO,
                    "error": None,
                },
                {
                    "id": 8,
                    "message": "222",
                    "status": "pending",
                    "type": None,
                    "size": None,
                    "sha": None,
                    "data": None,
                    "error": None,
                },
                {
                    "id": 9,
                    "message": "333",
                    "status": "refused",
                    "type": None,
                    "size": 20,
                    "sha": None,
                    "data": None,
                    "error": "ไม่ใช่ไฟล์ภาพ",
                },
            ],
        )
        connection.execute(
            text(
                "INSERT INTO tip_evidence (id, tip_id, status, content_type, size, sha256, data, "
                "created_at) VALUES (3, 1, 'stored', 'image/jpeg', :size, :sha, :data, "
                "'2026-11-29 10:00:00')"
            ),
            {"size": len(EVIDENCE), "sha": "b" * 64, "data": EVIDENCE},
        )
        photos, evidence = (
            _old_rows(connection, "complaint_photo", "complaint_id"),
            _old_rows(connection, "tip_evidence", "tip_id"),
        )

        command.upgrade(config, "head")
        with Session(connection) as session:
            complaint, tip = session.get(Complaint, 1), session.get(Tip, 1)
            assert complaint is not None and tip is not None
            stored = queue.stored_photo(session, complaint, 7)
            assert stored is not None and (stored.data, stored.content_type, stored.size) == (
                PHOTO,
                "image/jpeg",
                len(PHOTO),
            )
            assert queue.photo_ids(session, complaint) == [7]  # pending and refused ones are not photos to show
            assert queue.stored_photo(session, complaint, 9) is None
            found = tip_queries.evidence_file(session, tip, 3)
            assert found is not None and found.data == EVIDENCE
            assert [message for _, message in media.pending(session)] == ["222"]
            files = session.exec(select(MediaFile)).all()
            assert len(files) == 4 and len({f.id for f in files}) == 4
            refused = next(f for f in files if f.status == "refused")
            assert (refused.size, refused.error, refused.line_message_id) == (20, "ไม่ใช่ไฟล์ภาพ", "333")
        assert not {"data", "status", "line_message_id"} & {
            c["name"] for c in inspect(connection).get_columns("complaint_photo")
        }

        command.downgrade(config, BEFORE_MEDIA)
        assert _old_rows(connection, "complaint_photo", "complaint_id") == photos
        assert _old_rows(connection, "tip_evidence", "tip_id") == evidence
        command.upgrade(config, "head")
        count = connection.execute(
            text("SELECT count(*) FROM media m JOIN complaint_photo p ON p.media_id = m.id WHERE m.data = :data"),
            {"data": PHOTO},
        ).scalar_one()
        assert count == 1
        transaction.rollback()

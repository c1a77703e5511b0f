"""deploy/backup.sh and deploy/restore.sh: a dump restored into an empty database holds every row again,
complaints, survey answers and the append-only audit log included (PostgreSQL: production's store)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from bot.db import make_engine, normalise_url
from bot.staff.service import audit
from tests.harness import Harness
from tests.surveys.helpers import file_paper, open_survey, satisfaction_data

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

pytestmark = pytest.mark.skipif(
    not os.environ.get("TAMBON_TEST_DATABASE_URL") or shutil.which("pg_dump") is None,
    reason="backups are of the PostgreSQL store (set TAMBON_TEST_DATABASE_URL; needs pg_dump)",
)


@pytest.fixture
def empty_database(database_url: str) -> Iterator[str]:
    """A second, empty database on the same server, dropped afterwards."""
    server = make_url(normalise_url(database_url))
    name = f"tambon_restore_{uuid.uuid4().hex[:8]}"
    admin = make_engine(
        server.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows, in primary-key order."""
    tables = {}
    inspector = inspect(engine)
    with engine.connect() as connection:
        for table in inspector.get_table_names():
            keys = inspector.get_pk_constraint(table)["constrained_columns"] or ["1"]
            order = ", ".join(f'"{k}"' if k != "1" else k for k in keys)
            rows = connection.execute(text(f'SELECT * FROM "{table}" ORDER BY {order}')).all()
            tables[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return tables


def run(script: str, url: str, *args: str, cwd: Path) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([str(DEPLOY / script), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_backup_then_restore_into_an_empty_database_gives_every_row_back(
    harness: Harness, database_url: str, empty_database: str, tmp_path: Path
) -> None:
    officer = harness.staff_token("officer")
    for village, text_ in ((2, "ขยะล้นถังหน้าตลาด"), (3, "ไฟทางดับ")):
        created = harness.client.post(
            "/api/v1/complaints",
            headers=officer,
            json={"source_channel": "phone", "category": "waste", "description": text_, "village_no": village},
        )
        assert created.status_code == 201, created.text
    with Session(harness.engine) as session:
        survey, definition = open_survey(session, satisfaction_data(), harness.clock())
        file_paper(session, survey, definition, [{"q1": 5, "q2": 4}, {"q1": 3, "q2": 2}], harness.clock())
        for action in ("complaint.read", "tip.reveal_reporter", "outbox.requeue"):
            audit(
                session,
                actor=None,
                actor_name="test",
                action=action,
                record_type="test",
                record_id=1,
                now=harness.clock(),
                detail={"n": 1},
            )
        session.commit()
    before = fingerprint(harness.engine)
    assert before["complaint"][0] == 2 and before["survey_answer"][0] == 4 and before["audit_entry"][0] >= 3

    dump = run("backup.sh", database_url, str(tmp_path / "tambon.dump"), cwd=tmp_path).strip()
    assert Path(dump).stat().st_size > 0 and not Path(dump + ".partial").exists()
    run("restore.sh", empty_database, dump, cwd=tmp_path)

    restored = make_engine(empty_database)
    try:
        assert fingerprint(restored) == before
        # the restored audit log is still append-only
        with restored.begin() as connection, pytest.raises(Exception, match="append-only"):
            connection.execute(text("DELETE FROM audit_entry"))
    finally:
        restored.dispose()


def test_restore_of_a_damaged_dump_fails_and_changes_nothing(
    harness: Harness, database_url: str, tmp_path: Path
) -> None:
    harness.staff_token("officer")
    before = fingerprint(harness.engine)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP not really a dump")
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [str(DEPLOY / "restore.sh"), str(broken)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert fingerprint(harness.engine) == before

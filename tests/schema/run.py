"""Schemathesis against the whole app: every operation of the OpenAPI document, every check, once signed in
as an admin and once signed in as nobody, on a fresh database of its own. Zero failures or it exits 1.

    .venv/bin/python -m tests.schema.run              # SQLite in a temporary folder
    TAMBON_TEST_DATABASE_URL=postgresql://… .venv/bin/python -m tests.schema.run   # a new PostgreSQL database

Configuration: tests/schema/schemathesis.toml (every check, example counts, a few settings per operation) and
the flags below (a fixed seed), so a run is repeatable and bounded. LINE is configured but unreachable, so
operations that must ask LINE (the quota) answer their documented 503.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot import migrate
from bot.config import Settings
from bot.db import make_engine, normalise_url
from bot.main import create_app
from bot.staff.models import Role
from bot.staff.service import create_staff
from bot.thai import utcnow

HERE = Path(__file__).parent
# The LINE webhook has its own contract (LINE's signature and body rules), tested in tests/line.
EXCLUDED_PATHS = "^/line/"


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    server = os.environ.get("TAMBON_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{folder / 'schema.db'}"
        return
    url = make_url(normalise_url(server))
    name = f"tambon_schema_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(database_url: str, port: int) -> tuple[uvicorn.Server, str]:
    """The app on a migrated database with one admin; returns the server and the admin's token."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        line_channel_secret="s" * 32,
        line_channel_access_token="schema-run",
        line_api_base_url="http://127.0.0.1:9",
        line_data_api_base_url="http://127.0.0.1:9",
        line_request_timeout_seconds=1,
        tambon_tips_key=Fernet.generate_key().decode(),
    )
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        _, token = create_staff(session, name="ผู้ดูแลทดสอบ", role=Role.ADMIN, now=utcnow())
        session.commit()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the app did not start")
        time.sleep(0.1)
    # Build the OpenAPI document once now (the app caches it), so a busy machine cannot time out its loading.
    urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=120).read()
    return server, token


def schemathesis(port: int, token: str | None, max_examples: int | None, seed: int, report: Path) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        # No `--checks all`: every built-in check is on by default, and naming them on the command line would
        # override the per-operation settings of schemathesis.toml.
        "run",
        f"http://127.0.0.1:{port}/openapi.json",
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--exclude-path-regex",
        EXCLUDED_PATHS,
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    if max_examples is not None:
        command += ["--max-examples", str(max_examples)]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    print("$", " ".join(c if "Bearer" not in c else "Authorization: Bearer …" for c in command), flush=True)
    return subprocess.run(command, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--max-examples",
        type=int,
        default=None,
        help="examples per operation, for every operation (default: schemathesis.toml's)",
    )
    parser.add_argument("--seed", type=int, default=2570)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as database_url:
        server, token = serve(database_url, port := free_port())
        try:
            failed = 0
            for who, credentials in (("admin", token), ("nobody", None)):
                print(f"== schemathesis, signed in as {who} ==", flush=True)
                failed |= (
                    schemathesis(port, credentials, args.max_examples, args.seed, Path(folder) / f"junit-{who}.xml")
                    != 0
                )
        finally:
            server.should_exit = True
            time.sleep(0.5)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Survey summary over 1,000,000 answers, against the plain SQL aggregate it needs, on SQLite and PostgreSQL.

For each database, in one run: migrate a fresh database (SQLite: a temporary file; PostgreSQL: its own
database `tambon_bench_surveys_<random>` on the server, dropped afterwards), bulk-load one survey of
10 satisfaction items answered by 100,000 respondents (8 villages, 3 channels, 12 months), then time,
alternating, with the median of several runs:

- `aggregate`: the plain SQL aggregates the summary needs (the two GROUP BYs of `surveys.scoring`: each
  item's moments, and each respondent's top-2 share, which the interval counts over people), compiled to
  SQL text and run on a raw DBAPI cursor, rows fetched;
- `summary()`: `surveys.summary.summarise` (the domain function: that query plus the statistics);
- `GET summary`: the admin endpoint `/api/v1/surveys/{key}/summary?fiscal_year=2570` through the app
  (authentication, the function, JSON).

Each is reported as a ratio of `aggregate` (target ≤ 1.5×), with and without a village breakdown.

    .venv/bin/python benchmarks/survey_summary.py [--answers 1000000] [--repeat 5] [--databases sqlite,postgres]
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_db import database

from bot import migrate
from bot.config import Settings
from bot.db import make_engine
from bot.main import create_app
from bot.staff import service as staff_service
from bot.staff.models import Role
from surveys import catalogue, scoring, summary
from surveys.definition import parse_definition

ITEMS = 10
NOW = datetime(2027, 3, 15, tzinfo=UTC)  # inside FY 2570
TARGET = 1.5


def definition_data() -> dict[str, Any]:
    return {
        "key": "bench",
        "title": "แบบสำรวจทดสอบความเร็ว",
        "short_title": "ทดสอบ",
        "audience": "residents",
        "dimensions": [{"key": "process", "title": "ขั้นตอน"}, {"key": "staff", "title": "เจ้าหน้าที่"}],
        "questions": [
            {
                "key": f"q{i}",
                "type": "satisfaction",
                "text": f"ข้อ {i}",
                "dimension": "process" if i <= ITEMS // 2 else "staff",
            }
            for i in range(1, ITEMS + 1)
        ],
    }


def load(engine: Engine, answers: int) -> int:
    """Install and open the survey, then bulk-insert the responses and answers; returns the survey id."""
    with Session(engine) as session:
        survey = catalogue.install(session, parse_definition(definition_data()), NOW)
        catalogue.open_survey(survey, NOW)
        session.commit()
        survey_id = survey.id or 0
    rng = random.Random(2570)
    respondents = answers // ITEMS
    months = [202610, 202611, 202612, 202701, 202702, 202703, 202704, 202705, 202706, 202707, 202708, 202709]
    stamp = NOW.replace(tzinfo=None) if engine.dialect.name == "sqlite" else NOW
    responses = []
    for rid in range(1, respondents + 1):
        month = rng.choice(months)
        quarter = ((month % 100 - 10) % 12) // 3 + 1
        responses.append(
            (
                rid,
                survey_id,
                1,
                f"paper:{rid}",
                rng.choice(("line", "paper", "web")),
                "complete",
                rng.randint(1, 8),
                2570,
                quarter,
                month,
                stamp,
                stamp,
            )
        )
    weights = (0.03, 0.07, 0.2, 0.4, 0.3)
    rows = [
        (rid, f"q{i}", rng.choices((1, 2, 3, 4, 5), weights)[0])
        for rid in range(1, respondents + 1)
        for i in range(1, ITEMS + 1)
    ]
    columns = (
        "id, survey_id, version, respondent_key, channel, status, village_no, fiscal_year, quarter, month, "
        "started_at, submitted_at"
    )
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
            cursor.executemany(f"INSERT INTO survey_response ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", responses)
            cursor.executemany("INSERT INTO survey_answer (response_id, question_key, score) VALUES (?,?,?)", rows)
            cursor.execute("COMMIT")
            cursor.execute("ANALYZE")
        else:
            with cursor.copy(f"COPY survey_response ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in responses:
                    copy.write_row(row)
            with cursor.copy("COPY survey_answer (response_id, question_key, score) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            raw.commit()
            cursor.execute("ANALYZE survey_response")
            cursor.execute("ANALYZE survey_answer")
            raw.commit()
    finally:
        raw.close()
    return survey_id


def plain_aggregate(engine: Engine, survey_id: int, key_sets: list[list[str]], by: str | None) -> Callable[[], Any]:
    """The aggregates as SQL text on a raw DBAPI cursor: what the summary cannot do without — each item's
    moments, and each respondent's top-2 share over the survey and each dimension (the satisfaction interval
    counts people, not answers), as `surveys.summary` asks for them."""
    queries = [
        scoring.item_moments_query(survey_id, 2570, by),
        scoring.respondent_top2_query(survey_id, key_sets, 2570, by),
    ]
    sqls = [str(q.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})) for q in queries]

    def run() -> Any:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            rows = []
            for sql in sqls:
                cursor.execute(sql)
                rows.append(cursor.fetchall())
            return rows
        finally:
            raw.close()

    return run


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(kind: str, url: str, answers: int, repeat: int) -> list[tuple[str, float, float]]:
    engine = make_engine(url)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    migrate.upgrade(engine)
    started = time.perf_counter()
    survey_id = load(engine, answers)
    print(f"  {kind}: loaded {answers:,} answers in {time.perf_counter() - started:.1f} s", flush=True)
    # A throw-away sealing key, so that the app does not look for (or write) a key file here.
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    app = create_app(Settings(_env_file=None, database_url=url, tambon_tips_key=key), engine)
    for noisy in ("httpx", "alembic", "tambon"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with Session(engine) as session:
        _, token = staff_service.create_staff(session, name="bench", role=Role.MANAGER, now=NOW)
        session.commit()
        survey = catalogue.get(session, "bench")
        assert survey is not None
        definition = catalogue.definition_of(session, survey)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's notice about its test client's HTTP library
        from fastapi.testclient import TestClient
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    for by in (None, "village"):

        def function(by: str | None = by) -> None:
            with Session(engine) as session:
                summary.summarise(session, survey, definition, now=NOW, fiscal_year=2570, by=by)

        def endpoint(by: str | None = by) -> None:
            params: dict[str, Any] = {"fiscal_year": 2570, **({"by": by} if by else {})}
            response = client.get("/api/v1/surveys/bench/summary", params=params, headers=headers)
            assert response.status_code == 200 and response.json()["n"] == answers // ITEMS

        scored = [q.key for q in definition.scored_questions]
        key_sets = [
            scored,
            *([q.key for q in definition.scored_questions if q.dimension == d.key] for d in definition.dimensions),
        ]
        contenders = {
            "aggregate": plain_aggregate(engine, survey_id, key_sets, by),
            "summary()": function,
            "GET summary": endpoint,
        }
        for fn in contenders.values():
            fn()  # warm-up: caches, plans, the app's first request
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(repeat):
            for name, fn in contenders.items():
                samples[name].append(timed(fn))
        base = statistics.median(samples["aggregate"])
        label = f"by {by}" if by else "whole"
        for name in contenders:
            median = statistics.median(samples[name])
            results.append((f"{name} ({label})", median, median / base))
    client.close()
    engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args(argv)
    worst = 0.0
    print(
        f"survey summary over {options.answers:,} answers ({ITEMS} items × {options.answers // ITEMS:,} "
        f"respondents), median of {options.repeat} runs"
    )
    for kind in options.databases.split(","):
        with database(kind, options.postgres_url, prefix="tambon_bench_surveys") as url:
            rows = measure(kind, url, options.answers, options.repeat)
        print(f"\n{kind}")
        print(f"  {'what':<28}{'median ms':>11}{'× aggregate':>13}")
        for name, seconds, ratio in rows:
            print(f"  {name:<28}{seconds * 1000:>11.1f}{ratio:>12.2f}×")
            if not name.startswith("aggregate"):
                worst = max(worst, ratio)
    verdict = "within" if worst <= TARGET else "OVER"
    print(f"\nworst ratio {worst:.2f}× — {verdict} the {TARGET}× target")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())

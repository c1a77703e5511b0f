"""Benchmark: `GET /api/v1/complaints/stats` over 100,000 complaints, against the raw SQL it needs.

Both run in the same process on the same freshly built database (SQLite file, then PostgreSQL), and
the figure that matters is the ratio: our statistics code ÷ the hand-written SQL aggregates (target
≤ 1.5×). Run: `.venv/bin/python benchmarks/complaint_stats.py [--rows 100000] [--databases sqlite,postgres]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench_db import database
from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import migrate
from bot.complaints.models import Complaint
from bot.complaints.stats import complaint_stats
from bot.db import make_engine
from bot.organisation import load_organisation

FY_START = datetime(2026, 10, 1, tzinfo=UTC)
NOW = datetime(2027, 9, 1, tzinfo=UTC)
STATUSES = ["received", "assigned", "in_progress", "resolved", "closed", "closed", "closed", "forwarded", "rejected"]
SOURCES = ["line", "line", "line", "phone", "walk_in", "letter", "center_1567"]


def generate(engine: Engine, rows: int) -> None:
    org = load_organisation()
    rng = random.Random(2570)
    categories = [c.key for c in org.categories]
    batch: list[dict[str, object]] = []
    with engine.begin() as connection:
        for i in range(rows):
            created = FY_START + timedelta(minutes=rng.randrange(0, 330 * 24 * 60))
            due = created + timedelta(days=15)
            status = rng.choice(STATUSES)
            resolved = created + timedelta(days=rng.expovariate(1 / 9)) if status in STATUSES[3:] else None
            late = (resolved or NOW) > due
            told = due - timedelta(days=1) if late and rng.random() < 0.9 else None
            batch.append(
                {
                    "code": f"C2570-{i:06d}",
                    "fiscal_year": 2570,
                    "source_channel": rng.choice(SOURCES),
                    "category": rng.choice(categories),
                    "village_no": rng.randint(1, 8),
                    "description": "ทดสอบ",
                    "status": status,
                    "unit": "palad",
                    "created_at": created,
                    "first_due_at": due,
                    "due_at": due,
                    "resolved_at": resolved,
                    "told_why_at": told,
                    "rating": rng.choice([None, None, 3, 4, 5, 5]) if status == "closed" else None,
                }
            )
            if len(batch) == 5000:
                connection.execute(insert(Complaint), batch)
                batch.clear()
        if batch:
            connection.execute(insert(Complaint), batch)


def raw_sql(engine: Engine) -> Callable[[], object]:
    """The aggregates the statistics need, written by hand for this dialect."""
    pg = engine.dialect.name == "postgresql"
    days = (
        "EXTRACT(EPOCH FROM resolved_at - created_at) / 86400.0"
        if pg
        else "julianday(resolved_at) - julianday(created_at)"
    )
    told_days = (
        "EXTRACT(EPOCH FROM told_why_at - first_due_at) / 86400.0"
        if pg
        else "julianday(told_why_at) - julianday(first_due_at)"
    )
    month = (
        "EXTRACT(MONTH FROM timezone('Asia/Bangkok', created_at))"
        if pg
        else "CAST(strftime('%m', created_at, '+7 hours') AS REAL)"
    )
    done = "('resolved','closed','forwarded','rejected','duplicate','withdrawn')"
    late = f"(resolved_at > first_due_at OR (status NOT IN {done} AND first_due_at <= :now))"
    queries = [
        f"""SELECT count(*), sum(CASE WHEN status IN {done} THEN 1 ELSE 0 END),
           sum(CASE WHEN status NOT IN {done} AND first_due_at <= :now THEN 1 ELSE 0 END),
           sum(CASE WHEN resolved_at IS NOT NULL OR first_due_at <= :now THEN 1 ELSE 0 END),
           sum(CASE WHEN resolved_at <= first_due_at THEN 1 ELSE 0 END), sum(CASE WHEN {late} THEN 1 ELSE 0 END),
           sum(CASE WHEN {late} AND told_why_at IS NOT NULL AND {told_days} <= 1 THEN 1 ELSE 0 END),
           count(rating), avg(rating), sum(CASE WHEN rating >= 4 THEN 1 ELSE 0 END)
           FROM complaint WHERE fiscal_year = 2570""",
        *(
            f"SELECT {c}, count(*) FROM complaint WHERE fiscal_year = 2570 GROUP BY {c}"
            for c in ("category", "village_no", "source_channel", "status", "rating")
        ),
        f"SELECT {month}, count(*), sum(CASE WHEN status IN {done} THEN 1 ELSE 0 END) FROM complaint "
        f"WHERE fiscal_year = 2570 GROUP BY {month}",
        "SELECT count(*) FROM complaint WHERE fiscal_year = 2570 AND resolved_at IS NOT NULL",
        f"SELECT {days} AS d FROM complaint WHERE fiscal_year = 2570 AND resolved_at IS NOT NULL ORDER BY d "
        "LIMIT 1 OFFSET :median",
        f"SELECT {days} AS d FROM complaint WHERE fiscal_year = 2570 AND resolved_at IS NOT NULL ORDER BY d "
        "LIMIT 1 OFFSET :p90",
    ]
    with engine.connect() as connection:
        n = connection.execute(text(queries[-3])).scalar_one()
    params = {
        "now": NOW if pg else NOW.replace(tzinfo=None),
        "median": max(0, -(-n // 2) - 1),
        "p90": max(0, -(-n * 9 // 10) - 1),
    }

    def run() -> object:
        with engine.connect() as connection:
            return [connection.execute(text(q), params).all() for q in queries]

    return run


def ours(engine: Engine) -> Callable[[], object]:
    def run() -> object:
        with Session(engine) as session:
            return complaint_stats(session, 2570, NOW)

    return run


def timed(run: Callable[[], object], repeats: int) -> float:
    run()  # warm caches and plans
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(name: str, url: str, rows: int, repeats: int) -> tuple[str, float, float]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    start = time.perf_counter()
    generate(engine, rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE complaint"))
    print(f"{name}: {rows:,} complaints generated in {time.perf_counter() - start:.1f} s")
    baseline, ours_time = timed(raw_sql(engine), repeats), timed(ours(engine), repeats)
    engine.dispose()
    return name, baseline, ours_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    results = []
    for kind in ("sqlite", "postgres"):
        if kind in args.databases:
            with database(kind, prefix="tambon_bench_stats") as url:
                results.append(measure(kind, url, args.rows, args.repeats))
    print(f"\n{'database':<10} {'raw SQL ms':>11} {'stats ms':>9} {'ratio':>7}   (median of {args.repeats})")
    for name, baseline, measured in results:
        print(f"{name:<10} {baseline * 1000:>11.1f} {measured * 1000:>9.1f} {measured / baseline:>6.2f}×")


if __name__ == "__main__":
    main()

"""Benchmark: the console's complaint queue page against the API's list call, over 10,000 complaints.

Both are served by the same app over HTTP (Starlette's TestClient, in process) on the same freshly built
database, first page of 50 newest: `GET /console/complaints` (session cookie, HTML from Jinja) and
`GET /api/v1/complaints?limit=50` (bearer token, JSON). The figure is the ratio page ÷ API (target ≤ 2×),
on a plain and on a filtered request. Run: `.venv/bin/python benchmarks/console_queue.py [--rows 10000]
[--databases sqlite,postgres]`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable

from bench_db import database
from complaint_stats import generate
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot import migrate
from bot.config import Settings
from bot.db import make_engine
from bot.main import create_app
from bot.staff import accounts
from bot.staff.models import Role
from bot.staff.service import create_staff
from bot.thai import utcnow

PASSWORD = "benchmark password"
REQUESTS = [
    ("first page", "", "?limit=50"),
    ("filtered", "?status=received&village=3&overdue=yes", "?status=received&village=3&overdue=true&limit=50"),
]


def timed(page: Callable[[], object], api: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median seconds of `repeat` calls of each, after two warm-ups. The two are interleaved (page, API, page,
    API…) so that both see the same load: timed one block after the other on a shared machine, a burst of
    someone else's work landed on one side only and moved the ratio by 2–4×."""
    page(), api(), page(), api()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for call, kept in ((page, samples[0]), (api, samples[1])):
            start = time.perf_counter()
            call()
            kept.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


def run(url: str, rows: int, repeat: int) -> list[tuple[str, float, float]]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    generate(engine, rows)
    with Session(engine) as session:
        member, token = create_staff(session, name="ผู้จัดการ", role=Role.MANAGER, now=utcnow())
        accounts.set_username(session, member, "bench")
        accounts.set_password(session, member, PASSWORD)
        session.commit()
    app = create_app(Settings(_env_file=None, database_url=url, tambon_tips_key=Fernet.generate_key().decode()), engine)
    results = []
    with TestClient(app) as client:
        form = client.get("/console/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        client.post("/console/login", data={"username": "bench", "password": PASSWORD, "csrf_token": csrf})
        api = {"Authorization": f"Bearer {token}"}
        for name, page_query, api_query in REQUESTS:
            page = client.get(f"/console/complaints{page_query}")
            assert page.status_code == 200 and "queue-row" in page.text, page.status_code
            assert client.get(f"/api/v1/complaints{api_query}", headers=api).status_code == 200
            page_s, api_s = timed(
                lambda q=page_query: client.get(f"/console/complaints{q}"),
                lambda q=api_query: client.get(f"/api/v1/complaints{q}", headers=api),
                repeat,
            )
            results.append((name, page_s, api_s))
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        with database(kind) as url:
            for name, page_s, api_s in run(url, args.rows, args.repeat):
                print(
                    f"{kind:8s} {name:10s} console page {page_s * 1000:7.1f} ms   API list {api_s * 1000:7.1f} ms"
                    f"   ratio {page_s / api_s:4.2f}× (target ≤ 2×)"
                )


if __name__ == "__main__":
    main()

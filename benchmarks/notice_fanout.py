"""One notice to 100,000 residents across villages, against a fake LINE that enforces a multicast rate limit.

The real path, end to end: `POST /api/v1/notices` and `/send` on the web app (which checks LINE's quota,
picks the recipients and writes one outbox row per chunk of 500, paced at `--pace` chunks a second),
and the in-process worker's sender (line-bot-sdk) calling `POST /v2/bot/message/multicast`. The fake
LINE runs in its own process and admits `--rate` multicast calls a second (a token bucket holding one
second's worth), answering 429 above it, and 409 to a retry key it has already accepted.

    .venv/bin/python benchmarks/notice_fanout.py [--residents 100000] [--rate 50] [--pace RATE]
                                                 [--databases sqlite,postgres]

Reported per database: the multicast calls LINE accepted (must be ⌈N/500⌉), 429s, every resident
reached exactly once, and the time from `/send` to the last accepted call as a ratio of the rate
limit's bound ⌈N/500⌉ / rate (target ≤ 1.2). Results also go to benchmarks/results/notice_fanout.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.fernet import Fernet
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session, func, select

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench_db import database  # noqa: E402

from bot import migrate  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.db import make_engine  # noqa: E402
from bot.main import create_app  # noqa: E402
from bot.outbox.models import OutboxMessage  # noqa: E402
from bot.residents.models import Resident  # noqa: E402
from bot.staff.models import Role  # noqa: E402
from bot.staff.service import create_staff  # noqa: E402
from bot.thai import utcnow  # noqa: E402

RESULTS = HERE / "results"
TARGET_RATIO = 1.2
ACCESS_TOKEN = "bench-token-" + secrets.token_hex(8)


# --- the fake LINE (its own process) --------------------------------------------------------------


def serve_fake_line(port: int, rate: float) -> None:
    """Multicast with a token-bucket rate limit; an unlimited quota; counters under /_bench."""
    app = FastAPI()
    bucket = {"tokens": rate, "at": time.monotonic()}
    seen: dict[str, int] = {}
    keys: set[str] = set()
    stats: dict[str, Any] = {"accepted": 0, "limited": 0, "conflicts": 0, "first": None, "last": None}

    @app.post("/v2/bot/message/multicast")
    async def multicast(request: Request) -> JSONResponse:
        now = time.monotonic()
        bucket["tokens"] = min(rate, bucket["tokens"] + (now - bucket["at"]) * rate)
        bucket["at"] = now
        key = request.headers.get("x-line-retry-key", "")
        if key in keys:
            stats["conflicts"] += 1
            return JSONResponse({"message": "The retry key is already accepted"}, status_code=409)
        if bucket["tokens"] < 1:
            stats["limited"] += 1
            return JSONResponse({"message": "Too many requests"}, status_code=429)
        bucket["tokens"] -= 1
        body = await request.json()
        keys.add(key)
        for user in body["to"]:
            seen[user] = seen.get(user, 0) + 1
        stats["accepted"] += 1
        stats["first"] = stats["first"] or now
        stats["last"] = now
        stats.setdefault("largest", 0)
        stats["largest"] = max(stats["largest"], len(body["to"]))
        return JSONResponse({})

    @app.get("/v2/bot/message/quota")
    async def quota() -> JSONResponse:
        return JSONResponse({"type": "none"})

    @app.get("/v2/bot/message/quota/consumption")
    async def consumption() -> JSONResponse:
        return JSONResponse({"totalUsage": 0})

    @app.get("/_bench/stats")
    async def read_stats() -> JSONResponse:
        duplicates = sum(1 for n in seen.values() if n > 1)
        return JSONResponse({**stats, "recipients": len(seen), "duplicates": duplicates})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


@contextmanager
def fake_line(rate: float) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve-fake-line", str(port), "--rate", str(rate)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/_bench/stats", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the fake LINE did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the databases --------------------------------------------------------------------------------


class BenchSettings(Settings):
    """The settings, plus the notice pacing the lead is asked to add to bot/config.py."""

    notice_multicast_per_second: float = 100.0


def seed(engine: Any, residents: int, villages: list[int]) -> None:
    now = utcnow()
    with engine.begin() as connection:
        for start in range(0, residents, 5000):
            rows = [
                {
                    "line_user_id": "U" + uuid.uuid4().hex,
                    "status": "following",
                    "created_at": now,
                    "followed_at": now,
                    "consent_version": "bench",
                    "consented_at": now,
                    "village_no": villages[i % len(villages)],
                }
                for i in range(start, min(residents, start + 5000))
            ]
            connection.execute(insert(Resident), rows)


# --- one run ----------------------------------------------------------------------------------------


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(kind, args.postgres_url) as url, fake_line(args.rate) as line_url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        settings = BenchSettings(
            _env_file=None,
            database_url=url,
            line_channel_secret="bench-secret-0123456789",
            line_channel_access_token=ACCESS_TOKEN,
            line_api_base_url=line_url,
            notice_multicast_per_second=args.pace or args.rate,
            worker_poll_seconds=args.poll,
            tambon_tips_key=Fernet.generate_key().decode(),
        )
        villages = [v.number for v in settings.organisation.villages]
        seed(engine, args.residents, villages)
        with Session(engine) as session:
            _, token = create_staff(session, name="bench", role=Role.OFFICER, now=utcnow())
            session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        app = create_app(settings, engine, run_worker=True)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # not every poll of the fake LINE, please
        with TestClient(app) as client:
            body = {
                "title": "ประกาศทดสอบ",
                "text": "ขอเชิญร่วมประชุมประจำเดือน",
                "audience": {"kind": "villages", "villages": villages},
            }
            notice = client.post("/api/v1/notices", json=body, headers=headers).json()
            recipients = notice["recipient_count"]
            expected_calls = math.ceil(recipients / 500)
            started = time.monotonic()
            sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=headers)
            api_seconds = time.monotonic() - started
            assert sent.status_code == 200, sent.text
            deadline = started + args.timeout
            while True:
                stats = httpx.get(f"{line_url}/_bench/stats").json()
                if stats["accepted"] >= expected_calls or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # anything arriving late (a duplicate would) is counted too
            stats = httpx.get(f"{line_url}/_bench/stats").json()
        with Session(engine) as session:
            outbox = dict(
                session.exec(
                    select(OutboxMessage.status, func.count())
                    .where(OutboxMessage.kind == "multicast")
                    .group_by(OutboxMessage.status)
                ).all()
            )
            errors = sorted(
                {
                    row.last_error[:160]
                    for row in session.exec(
                        select(OutboxMessage).where(OutboxMessage.kind == "multicast", OutboxMessage.last_error != None)  # noqa: E711
                    ).all()
                    if row.last_error
                }
            )
        engine.dispose()
    seconds = (stats["last"] or time.monotonic()) - started
    bound = expected_calls / args.rate
    return {
        "database": kind,
        "residents": args.residents,
        "recipients": recipients,
        "rate_limit_per_s": args.rate,
        "pace_per_s": args.pace or args.rate,
        "worker_poll_s": args.poll,
        "expected_calls": expected_calls,
        "accepted_calls": stats["accepted"],
        "answered_429": stats["limited"],
        "answered_409": stats["conflicts"],
        "largest_call": stats.get("largest", 0),
        "reached": stats["recipients"],
        "reached_twice": stats["duplicates"],
        "outbox": outbox,
        "errors": errors[:5],
        "send_api_s": round(api_seconds, 3),
        "seconds": round(seconds, 3),
        "bound_s": round(bound, 3),
        "ratio": round(seconds / bound, 3),
    }


def report(result: dict[str, Any]) -> bool:
    ok = (
        result["accepted_calls"] == result["expected_calls"]
        and result["reached"] == result["recipients"]
        and result["reached_twice"] == 0
        and result["largest_call"] <= 500
        and result["ratio"] <= TARGET_RATIO
    )
    print(f"\n== {result['database']}: one notice to {result['recipients']:,} residents ==")
    print(
        f"fake LINE limit {result['rate_limit_per_s']} multicast/s (token bucket, burst 1 s); "
        f"notices paced at {result['pace_per_s']}/s; worker poll {result['worker_poll_s']} s"
    )
    print(
        f"multicast calls accepted {result['accepted_calls']} (⌈N/500⌉ = {result['expected_calls']}), "
        f"largest {result['largest_call']} ids; 429 answers {result['answered_429']}, 409 answers "
        f"{result['answered_409']}"
    )
    print(
        f"residents reached {result['reached']:,}, reached twice {result['reached_twice']}; "
        f"outbox multicast rows {result['outbox']}"
    )
    for error in result["errors"]:
        print(f"  last error seen: {error}")
    print(
        f"/send answered in {result['send_api_s']} s; last chunk accepted {result['seconds']} s after /send; "
        f"bound {result['bound_s']} s ⇒ ratio {result['ratio']} (target ≤ {TARGET_RATIO}) "
        f"{'OK' if ok else 'FAIL'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=50.0, help="multicast calls a second the fake LINE admits")
    parser.add_argument("--pace", type=float, default=None, help="our notice_multicast_per_second (default: --rate)")
    parser.add_argument(
        "--poll",
        type=float,
        default=Settings().worker_poll_seconds,
        help="the worker's idle poll (worker_poll_seconds)",
    )
    parser.add_argument("--databases", default="sqlite", help="comma-separated: sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up waiting after this many seconds")
    parser.add_argument("--serve-fake-line", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake_line is not None:
        serve_fake_line(args.serve_fake_line, args.rate)
        return 0
    results = [run(kind, args) for kind in args.databases.split(",")]
    passed = [report(result) for result in results]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "notice_fanout.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())

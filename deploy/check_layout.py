"""Start the production layout on loopback and check it end to end.

    .venv/bin/python deploy/check_layout.py [--events 2000 --residents 50 --postgres-url URL]

PostgreSQL (a fresh database of its own, dropped afterwards), two `tambon serve --no-worker` behind nginx
(deploy/nginx.conf's locations, without TLS), two `tambon worker` processes and a fake LINE in its own
process. Each resident sends its events one after another, as LINE does; the residents send at the same
time. Then it checks: every acknowledged event stored and processed exactly once, each resident's events
processed in the order they were sent, one answer per event reaching LINE (none twice, none lost), and no
error in any process's log. Exit status 0 only when every check holds; `.ci/run` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_db import POSTGRES_SERVER, database  # noqa: E402
from webhook_ack import ACCESS_TOKEN, BOT_USER_ID, SECRET, free_port, running, server_env, tail, wait_ready  # noqa: E402

from bot.db import normalise_url  # noqa: E402
from bot.line import signature  # noqa: E402
from bot.line.simulator import events  # noqa: E402

NGINX_SITE = """
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    upstream tambon_web {{
        server 127.0.0.1:{web1} max_fails=3 fail_timeout=5s;
        server 127.0.0.1:{web2} max_fails=3 fail_timeout=5s;
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Request-ID $request_id;
        location = /line/webhook {{
            client_max_body_size 1m;
            proxy_next_upstream off;
            proxy_read_timeout 5s;
            proxy_pass http://tambon_web;
        }}
        location / {{ proxy_pass http://tambon_web; }}
    }}
}}
"""
PROBLEMS = ("Traceback", "ERROR", "[error", "database is locked")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--postgres-url", default=os.environ.get("TAMBON_TEST_DATABASE_URL", POSTGRES_SERVER))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for every answer")
    return parser.parse_args()


@contextlib.contextmanager
def nginx(run: Path, port: int, web1: int, web2: int) -> Iterator[None]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = run / "nginx.conf"
    conf.write_text(NGINX_SITE.format(run=run, port=port, web1=web1, web2=web2))
    with running(
        [binary, "-p", str(run), "-c", str(conf), "-g", "daemon off;"], os.environ.copy(), run, run / "nginx.log"
    ):
        yield


async def send_all(base: str, fake_line: str, residents: list[str], per_resident: int) -> Counter[int]:
    """Each resident's events in order, one at a time; all residents at once. Returns answers by status."""
    async with httpx.AsyncClient(timeout=30) as client:
        issued = await client.post(
            f"{fake_line}/_bench/issue", json={"user_ids": [u for u in residents for _ in range(per_resident)]}
        )
        issued.raise_for_status()
        tokens = iter(issued.json()["tokens"])
        plan = {user: [next(tokens) for _ in range(per_resident)] for user in residents}
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=len(residents), max_keepalive_connections=len(residents))
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def resident(user: str) -> None:
            for index, token in enumerate(plan[user]):
                event = events.event(
                    "text",
                    user,
                    reply_token=token,
                    timestamp_ms=int(time.time() * 1000),
                    text=f"เมนู {index}" if index % 2 else "เมนู",
                )
                raw = events.body([event], destination=BOT_USER_ID)
                headers = {"content-type": "application/json", "x-line-signature": signature.sign(SECRET, raw)}
                for _ in range(5):  # LINE redelivers what was not acknowledged
                    response = await client.post(f"{base}/line/webhook", content=raw, headers=headers)
                    statuses[response.status_code] += 1
                    if response.status_code == 200:
                        break
                    await asyncio.sleep(0.5)
                await asyncio.sleep(0.002)  # strictly increasing millisecond timestamps per resident

        await asyncio.gather(*(resident(u) for u in residents))
    return statuses


def wait_processed(url: str, expected: int, timeout: float) -> None:
    engine = create_engine(normalise_url(url))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                pending = connection.execute(
                    text(
                        "SELECT (SELECT count(*) FROM inbox_event WHERE status IN ('pending', 'processing')),"
                        " (SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'sending'))"
                    )
                ).one()
                stored = connection.execute(text("SELECT count(*) FROM inbox_event")).scalar_one()
            if stored >= expected and pending == (0, 0):
                return
            time.sleep(1)
    finally:
        engine.dispose()
    raise SystemExit(f"not every event was processed and answered within {timeout:.0f} s")


def check(url: str, fake_line: str, residents: list[str], per_resident: int) -> list[str]:
    failures: list[str] = []
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        inbox = connection.execute(
            text("SELECT id, source_key, event_ts, status, attempts, processed_at FROM inbox_event")
        ).all()
        per_event = connection.execute(
            text(
                "SELECT source_event_id, count(*) FROM outbox_message WHERE source_event_id IS NOT NULL"
                " GROUP BY source_event_id"
            )
        ).all()
    engine.dispose()
    expected = len(residents) * per_resident
    if len(inbox) != expected:
        failures.append(f"{len(inbox)} events stored, {expected} sent")
    statuses = Counter(row.status for row in inbox)
    if set(statuses) != {"done"}:
        failures.append(f"inbox statuses {dict(statuses)}")
    retried = sum(row.attempts > 0 for row in inbox)  # a failed attempt rolls back: retried, not repeated
    by_resident: dict[str, list[tuple[int, object]]] = defaultdict(list)
    for row in inbox:
        by_resident[row.source_key].append((row.event_ts, row.processed_at))
    out_of_order = 0
    for rows in by_resident.values():
        processed = [p for _, p in sorted(rows, key=lambda r: r[0])]
        out_of_order += sum(1 for a, b in pairwise(processed) if a > b)
    if out_of_order:
        failures.append(f"{out_of_order} events processed before an earlier one of the same resident")
    if len(per_event) != expected or any(n != 1 for _, n in per_event):
        failures.append(f"outbox rows per event: {Counter(n for _, n in per_event)} over {len(per_event)} events")
    arrivals = httpx.get(f"{fake_line}/_bench/arrivals", timeout=30).json()
    delivered = len(arrivals["replies"]) + len(arrivals["pushes"])
    if delivered != expected:
        failures.append(f"{delivered} answers reached LINE for {expected} events")
    refused = {k: v for k, v in arrivals["statuses"].items() if not k.rsplit(" ", 1)[-1].startswith("2")}
    if refused:
        failures.append(f"LINE answered {refused}")
    print(
        f"  events {len(inbox)} · done {statuses.get('done', 0)} (after a failed attempt: {retried}) · "
        f"answers at LINE {delivered} (replies {len(arrivals['replies'])}, pushes {len(arrivals['pushes'])}) · "
        f"residents {len(by_resident)} · out of order {out_of_order}"
    )
    return failures


def main() -> int:
    args = parse_args()
    per_resident = max(1, args.events // args.residents)
    residents = [events.new_user_id() for _ in range(args.residents)]
    with (
        tempfile.TemporaryDirectory(prefix="tambon-layout-") as folder,
        database("postgres", args.postgres_url, prefix="tambon_layout") as url,
    ):
        run = Path(folder)
        ports = {name: free_port() for name in ("line", "web1", "web2", "nginx")}
        fake_line = f"http://127.0.0.1:{ports['line']}"
        env = server_env(
            DATABASE_URL=url,
            LINE_CHANNEL_SECRET=SECRET,
            LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
            LINE_API_BASE_URL=fake_line,
            LINE_DATA_API_BASE_URL=fake_line,
            LINE_BOT_USER_ID=BOT_USER_ID,
            TAMBON_TIPS_KEY="pQ3k0Sx6F0sWb6YxC9m8L3tqkZ8Yb1r2n4c5d6e7f8g=",
        )
        tambon = [sys.executable, "-m", "bot.cli"]
        logs = {name: run / f"{name}.log" for name in ("line", "web1", "web2", "worker1", "worker2")}
        migrated = os.system(f"cd {ROOT} && DATABASE_URL='{url}' {sys.executable} -m bot.cli db upgrade >/dev/null")
        if migrated != 0:
            raise SystemExit("tambon db upgrade failed")
        with contextlib.ExitStack() as stack:
            line = stack.enter_context(
                running(
                    [
                        sys.executable,
                        str(ROOT / "benchmarks" / "fake_line.py"),
                        "--port",
                        str(ports["line"]),
                        "--access-token",
                        ACCESS_TOKEN,
                    ],
                    env,
                    ROOT,
                    logs["line"],
                )
            )
            webs = [
                stack.enter_context(
                    running([*tambon, "serve", "--no-worker", "--port", str(ports[n])], env, ROOT, logs[n])
                )
                for n in ("web1", "web2")
            ]
            for n in ("worker1", "worker2"):
                stack.enter_context(running([*tambon, "worker"], env, ROOT, logs[n]))
            asyncio.run(wait_ready(fake_line, line, logs["line"]))
            for name, web in zip(("web1", "web2"), webs, strict=True):
                asyncio.run(wait_ready(f"http://127.0.0.1:{ports[name]}", web, logs[name]))
            stack.enter_context(nginx(run, ports["nginx"], ports["web1"], ports["web2"]))
            base = f"http://127.0.0.1:{ports['nginx']}"
            asyncio.run(wait_ready(base, webs[0], logs["web1"]))
            print(
                f"layout: nginx → 2 × tambon serve --no-worker, 2 × tambon worker, PostgreSQL; "
                f"{per_resident * len(residents)} events from {len(residents)} residents"
            )
            began = time.monotonic()
            statuses = asyncio.run(send_all(base, fake_line, residents, per_resident))
            sent = time.monotonic() - began
            wait_processed(url, per_resident * len(residents), args.timeout)
            print(
                f"  webhook answers {dict(statuses)} in {sent:.1f} s; all answered after "
                f"{time.monotonic() - began:.1f} s"
            )
            failures = check(url, fake_line, residents, per_resident)
            for name, path in logs.items():
                bad = [
                    line for line in path.read_text(errors="replace").splitlines() if any(p in line for p in PROBLEMS)
                ]
                if bad:
                    failures.append(f"{name} log: {len(bad)} problem lines, e.g. {bad[0][:200]}\n{tail(path, 15)}")
    for failure in failures:
        print("FAIL:", failure)
    print("layout check:", "passed" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

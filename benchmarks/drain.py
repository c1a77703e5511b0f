"""One `tambon worker` draining a stored backlog: events answered per second, and its CPU per event.

    .venv/bin/python benchmarks/drain.py [--events 5000] [--databases postgres]

`tambon serve --no-worker` stores `--events` signed text events from 500 residents (one fake LINE in its
own process issued their reply tokens); then one `tambon worker` starts, and the run times it from its
`worker.started` line until the fake LINE has every reply. Its CPU is read from /proc over the same span
(imports excluded). Nothing else runs meanwhile, so this is the worker's own speed, not a share of the
machine: the full-rate burst in `throughput.py` is where it competes with the web, the database and wrk.

The worker is given a long reply-token life (`REPLY_TOKEN_TTL_SECONDS`): storing the backlog takes longer
than LINE's tokens live, and an answer gone by push would be a different path.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_db import POSTGRES_SERVER, database  # noqa: E402
from throughput import FakeLine, fake_line_running, served, wait_started, write_bodies  # noqa: E402
from webhook_ack import BOT_USER_ID, free_port, running  # noqa: E402

from bot.line.simulator import events  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


async def post_all(url: str, lines: list[str], concurrency: int = 16) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        gate = asyncio.Semaphore(concurrency)

        async def one(line: str) -> None:
            signature, body = line.split(" ", 1)
            headers = {"X-Line-Signature": signature, "Content-Type": "application/json"}
            async with gate:
                response = await client.post(url, content=body.encode(), headers=headers)
            response.raise_for_status()

        await asyncio.gather(*(one(line) for line in lines))


def drain(kind: str, opts: argparse.Namespace, line: FakeLine, env: dict[str, str], work: Path) -> None:
    with database(kind, opts.postgres_url, prefix="tambon_drain") as url:
        env = {**env, "DATABASE_URL": url}
        port = free_port()
        web = [sys.executable, "-m", "bot.cli", "serve", "--no-worker", "--port", str(port)]
        with served(web, env, f"http://127.0.0.1:{port}", work / f"{kind}-web.log"):
            users = [events.new_user_id() for _ in range(500)]
            tokens = line.issue([users[i % len(users)] for i in range(opts.events)])
            bodies = work / f"{kind}.bodies"
            write_bodies(bodies, users, tokens, opts.events, BOT_USER_ID)
            asyncio.run(post_all(f"http://127.0.0.1:{port}/line/webhook", bodies.read_text().splitlines()))
        log = work / f"{kind}-worker.log"
        worker_env = {**env, "REPLY_TOKEN_TTL_SECONDS": "3600"}
        with running([sys.executable, "-m", "bot.cli", "worker"], worker_env, HERE.parent, log) as worker:
            wait_started([log])
            began, cpu_before, wanted = time.monotonic(), cpu_seconds(worker.pid), set(tokens)
            answered = 0
            while answered < opts.events and time.monotonic() - began < opts.timeout:
                time.sleep(0.2)
                answered = sum(1 for token in line.arrivals()["replies"] if token in wanted)
            seconds, cpu = time.monotonic() - began, cpu_seconds(worker.pid) - cpu_before
    print(
        f"{kind:<9} {answered:>6} of {opts.events} replied in {seconds:5.1f} s: {answered / seconds:6.0f} events/s, "
        f"worker CPU {cpu * 1000 / max(answered, 1):.2f} ms an event"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--databases", default="postgres")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER)
    parser.add_argument("--timeout", type=float, default=300)
    opts = parser.parse_args()
    keep = os.environ.get("TAMBON_BENCH_KEEP")  # a folder to keep the servers' logs in
    with contextlib.nullcontext(keep) if keep else tempfile.TemporaryDirectory(prefix="tambon-drain-") as folder:
        run(opts, Path(folder))
    return 0


def run(opts: argparse.Namespace, work: Path) -> None:
    with fake_line_running(work) as (line, env):
        for kind in opts.databases.split(","):
            drain(kind, opts, line, env, work)


if __name__ == "__main__":
    raise SystemExit(main())

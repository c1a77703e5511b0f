"""Webhook acknowledgement, reply latency and memory of `tambon serve`, against a bare FastAPI baseline.

For each database (SQLite, PostgreSQL), in one run and under identical load:

1. a bare FastAPI `POST /line/webhook` (benchmarks/bare_app.py) and then our real service
   (`python -m bot.cli serve`) are loaded with the same signed "เมนู" webhooks, same concurrency;
   we report requests/s, p50/p99 acknowledgement latency and ours as a ratio of the bare one's;
2. the time from posting a webhook to the bot's reply reaching the fake LINE (benchmarks/fake_line.py),
   both after the burst above (the worker working off a backlog) and at a steady paced rate;
3. the peak RSS (VmHWM) of the `tambon serve` process.

    .venv/bin/python benchmarks/webhook_ack.py [--quick] [--databases sqlite,postgres]

Figures go to stdout and benchmarks/results/webhook_ack.json; the servers' logs to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.db import normalise_url
from bot.line import signature
from bot.line.simulator import events

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SECRET = "bench-secret-" + secrets.token_hex(8)
ACCESS_TOKEN = "bench-access-token-" + secrets.token_hex(8)
BOT_USER_ID = events.new_user_id()
MENU = "เมนู"
TARGET_RATIO = 0.5


@dataclass(frozen=True)
class Options:
    requests: int
    warmup: int
    concurrency: int
    users: int
    reply_requests: int
    reply_rate: float
    databases: tuple[str, ...]
    postgres_url: str
    phase_seconds: float
    drain_timeout: float
    time_limit: float


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="measured webhooks per target")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured webhooks sent first")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight at once")
    parser.add_argument("--users", type=int, default=500, help="distinct LINE users sending")
    parser.add_argument("--reply-requests", type=int, default=300, help="webhooks in the paced phase")
    parser.add_argument("--reply-rate", type=float, default=20.0, help="webhooks/s in the paced phase")
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="maintenance database used to create and drop the benchmark's database",
    )
    parser.add_argument(
        "--phase-seconds",
        type=float,
        default=45.0,
        help="stop sending a phase's webhooks after this (a slow service still ends)",
    )
    parser.add_argument("--drain-timeout", type=float, default=60.0, help="max seconds to await replies")
    parser.add_argument("--time-limit", type=float, default=540.0, help="abort the whole run after this")
    parser.add_argument("--quick", action="store_true", help="a tenth of the requests, for a smoke test")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    databases = tuple(name.strip() for name in args.databases.split(",") if name.strip())
    if unknown := set(databases) - {"sqlite", "postgres"}:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    return Options(
        requests=max(1, args.requests // scale),
        warmup=args.warmup // scale,
        concurrency=args.concurrency,
        users=args.users,
        reply_requests=max(1, args.reply_requests // scale),
        reply_rate=args.reply_rate,
        databases=databases,
        postgres_url=args.postgres_url,
        phase_seconds=args.phase_seconds,
        drain_timeout=args.drain_timeout,
        time_limit=args.time_limit,
    )


# --- statistics ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


@dataclass(frozen=True)
class Sample:
    """One webhook POST as the load generator saw it (times are `time.monotonic()`)."""

    token: str
    start: float
    end: float
    status: int  # 0: no HTTP answer (see `error`)
    error: str = ""


def status_counts(samples: Sequence[Sample]) -> dict[str, int]:
    return dict(Counter(str(s.status) if s.status else f"error {s.error}" for s in samples))


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used so far by a server process and by this load generator."""

    server: float
    client: float

    @classmethod
    def read(cls, pid: int) -> Cpu:
        return cls(cpu_seconds(pid), time.process_time())

    def since(self, earlier: Cpu) -> Cpu:
        return Cpu(self.server - earlier.server, self.client - earlier.client)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, all threads (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class AckResult:
    database: str
    target: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    # The load generator shares the cores: its CPU use says how far it, not the server, set the pace.
    server_cpu_ms_per_request: float
    client_cpu_percent: float
    statuses: dict[str, int]
    warmup_statuses: dict[str, int]
    peak_rss_mib: float | None = None
    ratio_vs_bare: float | None = None

    @classmethod
    def of(
        cls, database: str, target: str, samples: Sequence[Sample], seconds: float, cpu: Cpu, warmup: Sequence[Sample]
    ) -> AckResult:
        latencies = [(s.end - s.start) * 1000 for s in samples]
        return cls(
            database,
            target,
            len(samples),
            seconds,
            len(samples) / seconds,
            percentile(latencies, 50),
            percentile(latencies, 99),
            max(latencies),
            cpu.server * 1000 / len(samples),
            cpu.client * 100 / seconds,
            status_counts(samples),
            status_counts(warmup),
        )


@dataclass(frozen=True)
class Arrivals:
    """What the fake LINE received: reply token → arrival, and (user, arrival) per push."""

    replies: dict[str, float]
    pushes: list[tuple[str, float]]
    statuses: dict[str, int]

    def answered(self, samples: Sequence[Sample]) -> int:
        """Webhooks answered by a reply, or by a push (the bot's fallback once a token is too old)."""
        since = min((s.start for s in samples), default=math.inf)
        replied = sum(1 for s in samples if s.token in self.replies)
        return replied + sum(1 for _, t in self.pushes if t >= since)


@dataclass
class ReplyResult:
    phase: str
    sent: int
    replied: int
    # Pushes reaching LINE during the phase: the bot's fallback for a stale reply token, or a
    # re-sent message. Pushes carry no token, so they cannot be matched to webhooks one by one.
    pushes_during_phase: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    replies_per_s: float  # replies over the time from first send to last reply

    @classmethod
    def of(cls, phase: str, samples: Sequence[Sample], arrivals: Arrivals) -> ReplyResult:
        first = min(s.start for s in samples)
        matched = [(s, arrivals.replies[s.token]) for s in samples if s.token in arrivals.replies]
        latencies = [(arrived - s.start) * 1000 for s, arrived in matched]
        pushed = sum(1 for _, t in arrivals.pushes if t >= first)
        span = max((arrived for _, arrived in matched), default=first) - first
        return cls(
            phase,
            len(samples),
            len(matched),
            pushed,
            percentile(latencies, 50),
            percentile(latencies, 99),
            max(latencies, default=math.nan),
            len(matched) / span if span > 0 else math.nan,
        )


@dataclass
class TambonResult:
    ack: AckResult
    replies: list[ReplyResult]
    # Server CPU from the burst's start until its last reply: acknowledging plus the worker's share.
    cpu_ms_per_webhook_end_to_end: float
    fake_line_statuses: dict[str, int]
    store: dict[str, Any]
    log: dict[str, Any]


@dataclass
class Section:
    database: str
    bare: AckResult
    tambon: TambonResult
    # Other work on the machine skews everything: the 1-minute load average before and after.
    load_average: tuple[float, float]
    notes: list[str] = field(default_factory=list)


# --- processes -----------------------------------------------------------------------------------


Process = subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(**settings: str) -> dict[str, str]:
    """Our environment without any LINE or database settings of the caller's, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINE_") and k != "DATABASE_URL"}
    env.update(PYTHONUNBUFFERED="1", **settings)
    return env


@contextlib.contextmanager
def running(argv: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> Iterator[Process]:
    """A server subprocess, its output in `log_path`, stopped on the way out whatever happened."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            stop(process)


def stop(process: Process) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


async def wait_ready(base_url: str, process: Process, log_path: Path, timeout: float = 90) -> None:
    """Poll /healthz until it answers (`tambon serve` migrates the database first)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args} exited with {process.returncode}:\n{tail(log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{base_url}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{process.args} not ready after {timeout:.0f} s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM: the process's resident-set high-water mark, read while it still runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# --- databases -----------------------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, workdir: Path, admin_url: str) -> Iterator[str]:
    """A fresh, empty database URL: a new SQLite file, or a new PostgreSQL database dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'tambon-{secrets.token_hex(4)}.db'}"
        return
    name = f"tambon_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(drop)


def store_counts(url: str) -> dict[str, Any]:
    """Inbox and outbox rows by status once the run is over: failures and dead letters show here."""
    engine = create_engine(normalise_url(url))
    queries = {
        "inbox": "SELECT status, count(*) FROM inbox_event GROUP BY status",
        "outbox": "SELECT kind || ' ' || status, count(*) FROM outbox_message GROUP BY kind, status",
    }
    counts: dict[str, Any] = {}
    try:
        with engine.connect() as connection:
            for name, query in queries.items():
                counts[name] = {str(key): int(n) for key, n in connection.execute(text(query))}
    except SQLAlchemyError as error:  # the schema is someone else's to change: report, do not fail
        counts["error"] = f"{type(error).__name__}: {error}"[:300]
    finally:
        engine.dispose()
    return counts


# --- load ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Webhook:
    raw: bytes
    headers: dict[str, str]
    token: str


def build_webhooks(user_ids: Sequence[str], tokens: Sequence[str]) -> list[Webhook]:
    """One signed "เมนู" text event per body, each with its own webhookEventId and reply token."""
    webhooks = []
    for user_id, token in zip(user_ids, tokens, strict=True):
        event = events.event("text", user_id, reply_token=token, text=MENU)
        raw = events.body([event], destination=BOT_USER_ID)
        headers = {"content-type": "application/json", "x-line-signature": signature.sign(SECRET, raw)}
        webhooks.append(Webhook(raw, headers, token))
    return webhooks


def senders(users: Sequence[str], count: int) -> list[str]:
    return [users[i % len(users)] for i in range(count)]


def load_client(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(limits=limits, timeout=20)


async def post(client: httpx.AsyncClient, url: str, webhook: Webhook) -> Sample:
    start = time.monotonic()
    try:
        response = await client.post(url, content=webhook.raw, headers=webhook.headers)
        status, error = response.status_code, ""
    except httpx.HTTPError as exc:
        status, error = 0, type(exc).__name__
    return Sample(webhook.token, start, time.monotonic(), status, error)


async def closed_loop(
    client: httpx.AsyncClient, url: str, webhooks: Sequence[Webhook], concurrency: int, max_seconds: float
) -> tuple[list[Sample], float]:
    """`concurrency` senders, each posting the next webhook as soon as its last one is answered,
    until all are sent or `max_seconds` have passed."""
    pending = iter(webhooks)
    samples: list[Sample] = []
    began = time.monotonic()

    async def sender() -> None:
        for webhook in pending:  # the iterator is shared: each sender takes the next webhook
            samples.append(await post(client, url, webhook))
            if time.monotonic() - began > max_seconds:
                return

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return samples, time.monotonic() - began


async def paced(client: httpx.AsyncClient, url: str, webhooks: Sequence[Webhook], rate: float) -> list[Sample]:
    """Open loop: webhook i leaves at i/rate s whether or not earlier ones were answered, as LINE does."""
    began = time.monotonic()

    async def at(index: int, webhook: Webhook) -> Sample:
        await asyncio.sleep(max(0.0, began + index / rate - time.monotonic()))
        return await post(client, url, webhook)

    return list(await asyncio.gather(*(at(i, w) for i, w in enumerate(webhooks))))


# --- the fake LINE -------------------------------------------------------------------------------


class FakeLine:
    """Talks to benchmarks/fake_line.py's `/_bench` routes."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.client = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def webhooks(self, user_ids: Sequence[str]) -> list[Webhook]:
        """Webhooks whose reply tokens the fake LINE will accept (it issues them)."""
        response = await self.client.post("/_bench/issue", json={"user_ids": list(user_ids)})
        response.raise_for_status()
        return build_webhooks(user_ids, response.json()["tokens"])

    async def arrivals(self) -> Arrivals:
        response = await self.client.get("/_bench/arrivals")
        response.raise_for_status()
        data = response.json()
        return Arrivals(data["replies"], [(user, t) for user, t in data["pushes"]], data["statuses"])

    async def await_answers(self, samples: Sequence[Sample], timeout: float, stall: float = 20.0) -> Arrivals:
        """Poll until every webhook is answered, `timeout` passes, or nothing arrives for `stall` s."""
        deadline = time.monotonic() + timeout
        last_count, last_progress = -1, time.monotonic()
        while True:
            arrivals = await self.arrivals()
            count = arrivals.answered(samples)
            if count != last_count:
                last_count, last_progress = count, time.monotonic()
            now = time.monotonic()
            if count >= len(samples) or now > deadline or now - last_progress > stall:
                return arrivals
            await asyncio.sleep(0.5)


# --- the measurements ----------------------------------------------------------------------------


WARMUP_SECONDS = 20.0  # the warm-up, and the wait for its replies, take at most this each


async def warm_up(client: httpx.AsyncClient, url: str, webhooks: Sequence[Webhook], opts: Options) -> list[Sample]:
    samples, _ = await closed_loop(client, url, webhooks, opts.concurrency, WARMUP_SECONDS)
    return samples


async def measure_bare(database: str, opts: Options, users: Sequence[str], workdir: Path) -> AckResult:
    port, log_path = free_port(), workdir / f"{database}-bare.log"
    argv = [sys.executable, str(HERE / "bare_app.py"), "--port", str(port)]
    local_tokens = [secrets.token_hex(16) for _ in range(opts.warmup + opts.requests)]
    webhooks = build_webhooks(senders(users, len(local_tokens)), local_tokens)
    with running(argv, server_env(), workdir, log_path) as process:
        base = f"http://127.0.0.1:{port}"
        await wait_ready(base, process, log_path)
        url = f"{base}/line/webhook"
        async with load_client(opts.concurrency) as client:
            warm = await warm_up(client, url, webhooks[: opts.warmup], opts)
            before = Cpu.read(process.pid)
            samples, seconds = await closed_loop(
                client, url, webhooks[opts.warmup :], opts.concurrency, opts.phase_seconds
            )
            cpu = Cpu.read(process.pid).since(before)
        result = AckResult.of(database, "bare FastAPI", samples, seconds, cpu, warm)
        result.peak_rss_mib = peak_rss_mib(process.pid)
    return result


@dataclass
class Burst:
    samples: list[Sample]
    seconds: float
    ack_cpu: Cpu  # while the webhooks were being sent
    end_to_end_cpu: Cpu  # until their replies arrived
    replies: ReplyResult


async def burst(
    client: httpx.AsyncClient, url: str, pid: int, webhooks: Sequence[Webhook], opts: Options, fake: FakeLine
) -> Burst:
    before = Cpu.read(pid)
    samples, seconds = await closed_loop(client, url, webhooks, opts.concurrency, opts.phase_seconds)
    ack_cpu = Cpu.read(pid).since(before)
    arrivals = await fake.await_answers(samples, opts.drain_timeout)
    return Burst(
        samples, seconds, ack_cpu, Cpu.read(pid).since(before), ReplyResult.of("after the burst", samples, arrivals)
    )


async def steady(
    client: httpx.AsyncClient, url: str, webhooks: Sequence[Webhook], opts: Options, fake: FakeLine
) -> tuple[ReplyResult, Arrivals]:
    samples = await paced(client, url, webhooks, opts.reply_rate)
    arrivals = await fake.await_answers(samples, opts.drain_timeout / 2)
    return ReplyResult.of(f"paced {opts.reply_rate:g}/s", samples, arrivals), arrivals


def tambon_env(db_url: str, fake_url: str) -> dict[str, str]:
    return server_env(
        DATABASE_URL=db_url,
        LINE_CHANNEL_SECRET=SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=fake_url,
        LINE_DATA_API_BASE_URL=fake_url,
    )


async def measure_tambon(
    database: str, db_url: str, opts: Options, users: Sequence[str], fake: FakeLine, workdir: Path
) -> TambonResult:
    port, log_path = free_port(), workdir / f"{database}-tambon.log"
    argv = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
    statuses_before = (await fake.arrivals()).statuses  # the fake LINE outlives each section
    with running(argv, tambon_env(db_url, fake.base_url), workdir, log_path) as process:
        base = f"http://127.0.0.1:{port}"
        await wait_ready(base, process, log_path)
        url = f"{base}/line/webhook"
        async with load_client(opts.concurrency) as client:
            # Warm up, then let the worker finish so that the burst starts on an empty inbox. Reply
            # tokens are issued just before each phase: the bot refuses to reply with stale ones.
            warm = await warm_up(client, url, await fake.webhooks(senders(users, opts.warmup)), opts)
            await fake.await_answers(warm, WARMUP_SECONDS)
            loaded = await burst(
                client, url, process.pid, await fake.webhooks(senders(users, opts.requests)), opts, fake
            )
            paced_replies, arrivals = await steady(
                client, url, await fake.webhooks(senders(users, opts.reply_requests)), opts, fake
            )
        ack = AckResult.of(database, "tambon webhook", loaded.samples, loaded.seconds, loaded.ack_cpu, warm)
        ack.peak_rss_mib = peak_rss_mib(process.pid)
    return TambonResult(
        ack,
        [loaded.replies, paced_replies],
        loaded.end_to_end_cpu.server * 1000 / len(loaded.samples),
        counter_delta(arrivals.statuses, statuses_before),
        store_counts(db_url),
        scan_log(log_path),
    )


def counter_delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {key: n - before.get(key, 0) for key, n in after.items() if n != before.get(key, 0)}


# --- the service's log ---------------------------------------------------------------------------

EVENT = re.compile(r"^\d{4}-\d\d-\d\d[T ][\d:.]+Z?\s+\[(\w+)\s*\]\s+(\S+)")  # structlog's console lines
STDLIB = re.compile(r"^(WARNING|ERROR|CRITICAL):\s+(.*)")  # uvicorn's own
EXCEPTION = re.compile(r"^([\w.]*(?:Error|Exception|Timeout)):\s?(.*)")  # a traceback's last line
NUMBER = re.compile(r"\d+")
LOCKED = "(sqlite3.OperationalError) database is locked"  # SQLAlchemy's wrapping: once per error


def scan_log(path: Path) -> dict[str, Any]:
    """Warnings and errors of a server log by event, exceptions by type and message, numbers masked."""
    events_: Counter[str] = Counter()
    exceptions: Counter[str] = Counter()
    lines = path.read_text(errors="replace").splitlines()
    for line in lines:
        if (match := EVENT.match(line)) and match[1] in ("warning", "error", "critical", "exception"):
            events_[f"{match[1]} {match[2]}"] += 1
        elif match := STDLIB.match(line):
            events_[f"{match[1].lower()} {NUMBER.sub('N', match[2])[:120]}"] += 1
        elif match := EXCEPTION.match(line):
            exceptions[f"{match[1]}: {NUMBER.sub('N', match[2])[:120]}"] += 1
    return {
        "lines": len(lines),
        "tracebacks": sum(1 for line in lines if "Traceback (most recent call last)" in line),
        "database_is_locked": sum(line.count(LOCKED) for line in lines),
        "events": dict(events_.most_common()),
        "exceptions": dict(exceptions.most_common(10)),
    }


# --- the run -------------------------------------------------------------------------------------


async def run(opts: Options, workdir: Path, sections: list[Section]) -> None:
    """Measure each database in turn, appending to `sections` (kept if the time limit cuts us short)."""
    users = [events.new_user_id() for _ in range(opts.users)]
    fake_port, fake_log = free_port(), workdir / "fake-line.log"
    fake_argv = [sys.executable, str(HERE / "fake_line.py"), "--port", str(fake_port), "--access-token", ACCESS_TOKEN]
    with running(fake_argv, server_env(), workdir, fake_log) as fake_process:
        fake = FakeLine(f"http://127.0.0.1:{fake_port}")
        try:
            await wait_ready(fake.base_url, fake_process, fake_log)
            for kind in opts.databases:
                load_before = os.getloadavg()[0]
                with database(kind, workdir, opts.postgres_url) as db_url:
                    print(f"[{kind}] bare FastAPI ...", file=sys.stderr, flush=True)
                    bare = await measure_bare(kind, opts, users, workdir)
                    print(f"[{kind}] tambon serve ...", file=sys.stderr, flush=True)
                    tambon = await measure_tambon(kind, db_url, opts, users, fake, workdir)
                tambon.ack.ratio_vs_bare = tambon.ack.rps / bare.rps
                sections.append(
                    Section(kind, bare, tambon, (load_before, os.getloadavg()[0]), cut_short(opts, bare, tambon))
                )
        finally:
            await fake.client.aclose()


def cut_short(opts: Options, *results: AckResult | TambonResult) -> list[str]:
    notes = []
    for result in results:
        ack = result.ack if isinstance(result, TambonResult) else result
        if ack.requests < opts.requests:
            notes.append(
                f"{ack.target}: stopped after {opts.phase_seconds:g} s (--phase-seconds), "
                f"{ack.requests} of {opts.requests} webhooks sent"
            )
    return notes


def keep_logs(workdir: Path) -> None:
    """The servers' logs outlive the temporary directory, for reading after a surprising run."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("*.log"):
        shutil.copy(log, RESULTS / f"webhook_ack-{log.name}")


# --- the report ----------------------------------------------------------------------------------


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def non_2xx(statuses: dict[str, int]) -> int:
    return sum(n for status, n in statuses.items() if not status.startswith("2"))


def report(sections: Sequence[Section], opts: Options) -> str:
    out = [
        f"revision {source_revision()}: {opts.requests} webhooks per target after {opts.warmup} warm-up, "
        f"concurrency {opts.concurrency}, {opts.users} users; client, servers, fake LINE and PostgreSQL "
        f"share {os.cpu_count()} cores",
        "",
        f"{'database':<10} {'target':<16} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7} "
        f"{'srv CPU ms/req':>14} {'client CPU':>10}  ratio vs bare",
    ]
    for section in sections:
        out.extend(ack_row(ack) for ack in (section.bare, section.tambon.ack))
    out.append("")
    for section in sections:
        out.extend(section_details(section))
    return "\n".join(out)


def ack_row(ack: AckResult) -> str:
    ratio = ""
    if ack.ratio_vs_bare is not None:
        verdict = "meets" if ack.ratio_vs_bare >= TARGET_RATIO else "below"
        ratio = f"{ack.ratio_vs_bare:.2f}×  ({verdict} the {TARGET_RATIO}× target)"
    return (
        f"{ack.database:<10} {ack.target:<16} {ack.rps:>7.0f} {ms(ack.p50_ms):>7} {ms(ack.p99_ms):>7} "
        f"{non_2xx(ack.statuses):>7} {ack.server_cpu_ms_per_request:>14.2f} "
        f"{ack.client_cpu_percent:>9.0f}%  {ratio}"
    )


def section_details(section: Section) -> list[str]:
    tambon = section.tambon
    before, after = section.load_average
    lines = [
        f"[{section.database}]  (machine load average {before:.1f} before, {after:.1f} after)",
        *(f"  note: {note}" for note in section.notes),
    ]
    for reply in tambon.replies:
        lines.append(
            f"  reply latency (webhook → reply at fake LINE), {reply.phase}: "
            f"p50 {ms(reply.p50_ms)} ms, p99 {ms(reply.p99_ms)} ms, max {ms(reply.max_ms)} ms"
        )
        lines.append(
            f"      (replied {reply.replied}/{reply.sent}, {reply.replies_per_s:.0f} replies/s; "
            f"{reply.pushes_during_phase} pushes arrived meanwhile)"
        )
    lines.append(
        f"  peak RSS of tambon serve: {mib(tambon.ack.peak_rss_mib)} (bare FastAPI: {mib(section.bare.peak_rss_mib)})"
    )
    lines.append(
        f"  server CPU per webhook, acknowledgement + worker + reply: {tambon.cpu_ms_per_webhook_end_to_end:.2f} ms"
    )
    lines.append(f"  webhook statuses: measured {tambon.ack.statuses}, warm-up {tambon.ack.warmup_statuses}")
    lines.append(f"  fake LINE answered: {tambon.fake_line_statuses}")
    lines.append(f"  store afterwards: {tambon.store}")
    log = tambon.log
    lines.append(
        f"  serve log: {log['lines']} lines, {log['tracebacks']} tracebacks, "
        f"{log['database_is_locked']} 'database is locked'"
    )
    lines.extend(f"    {n:>5} × {event}" for event, n in log["events"].items())
    lines.extend(f"    {n:>5} × {exception}" for exception, n in log["exceptions"].items())
    return lines


def mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} MiB"


def source_revision() -> str:
    """The commit measured, marked dirty when the service's code differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(HERE.parent), *args], capture_output=True, text=True, timeout=10, check=False
        )
        return done.stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    return revision + (" (dirty)" if git("status", "--porcelain", "--", "bot", "migrations") else "")


def write_json(sections: Sequence[Section], opts: Options, seconds: float) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "webhook_ack.json"
    payload = {
        "revision": source_revision(),
        "options": asdict(opts),
        "cpu_count": os.cpu_count(),
        "wall_seconds": round(seconds, 1),
        "target_ratio": TARGET_RATIO,
        "sections": [asdict(section) for section in sections],
    }
    path.write_text(json.dumps(finite(payload), ensure_ascii=False, indent=2, allow_nan=False) + "\n")
    return path


def finite(value: Any) -> Any:
    """NaN (a percentile of no samples) is not JSON: null instead."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="tambon-bench-"))
    sections: list[Section] = []
    status = 0
    try:
        asyncio.run(asyncio.wait_for(run(opts, workdir, sections), opts.time_limit))
    except TimeoutError:
        print(f"time limit of {opts.time_limit:g} s reached: partial results", file=sys.stderr)
        status = 1
    finally:
        keep_logs(workdir)
        shutil.rmtree(workdir, ignore_errors=True)
    print(report(sections, opts))
    path = write_json(sections, opts, time.monotonic() - began)
    print(
        f"\nfigures written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path} "
        f"in {time.monotonic() - began:.0f} s"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())

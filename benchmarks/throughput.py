"""Acknowledgement and reply throughput under wrk, side by side in one run.

    .venv/bin/python benchmarks/throughput.py [--duration 10 --connections 32 --databases sqlite,postgres]

Targets, each loaded by `wrk` (Debian's; C, so the load generator is not what is measured) with unique
signed text events from `--residents` residents, against one fake LINE in its own process:

1. the bare endpoint (benchmarks/bare_app.py: reads the body, answers 200): the floor;
2. LINE's own SDK example, `fastapi-echo` (benchmarks/sdk_example/): replies inline, stores nothing;
3. `tambon serve` on SQLite, and on PostgreSQL (a fresh database of its own);
4. with `--workers 1,4,16`: `tambon serve --no-worker` and N `tambon worker` processes on PostgreSQL, for each
   N (how the cost grows with workers on this machine's cores).

For each: acknowledgements/s, p50/p99 (wrk's), replies reaching the fake LINE *during* the load (per second),
and after the load, once every event is answered, how many answers went out as pushes (a reply token that got
too old while the event waited). Ratios are against the bare endpoint (acks) and the SDK example (replies,
p99) measured in the same run. The bare endpoint must reach thousands of requests/s, else the machine or the
generator is the bottleneck and the run says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_db import POSTGRES_SERVER, database  # noqa: E402
from webhook_ack import ACCESS_TOKEN, BOT_USER_ID, SECRET, free_port, running, server_env, wait_ready  # noqa: E402

from bot.line import signature  # noqa: E402
from bot.line.simulator import events  # noqa: E402

WRK_SCRIPT = """
local lines = {}
local index = 0
function setup(thread)
  thread:set("id", __threads)
  __threads = (__threads or 0) + 1
end
function init(args)
  local mine, count, n = tonumber(id or 0), tonumber(args[2]), 0  -- `id`: set by setup() above
  for line in io.lines(args[1]) do
    if n % count == mine then table.insert(lines, line) end
    n = n + 1
  end
end
function request()
  index = index + 1
  local line = lines[((index - 1) % #lines) + 1]
  local cut = string.find(line, " ", 1, true)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
    ["X-Line-Signature"] = string.sub(line, 1, cut - 1)}, string.sub(line, cut + 1))
end
"""
# wrk waits delay() ms before each request of a connection (the pause is the script's third argument).
PACING = """
local pause = 0
local base_init = init
function init(args)
  base_init(args)
  pause = tonumber(args[3])
end
function delay()
  return pause
end
"""
PACED_LEAD = 10.0  # seconds to issue tokens and write a paced run's bodies before wrk starts
LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
REQS = re.compile(r"Requests/sec:\s+([\d.]+)")
COUNT = re.compile(r"(\d+) requests in ")
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Figures:
    target: str
    acks_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    requests: int = 0  # wrk's count of requests completed
    replies_per_s: float | None = None
    pushes_after: int | None = None
    unanswered: int | None = None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER)
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    parser.add_argument(
        "--paced",
        type=float,
        default=0,
        help="events/s: each connection waits between requests so that all together send about this "
        "many (a burst at a set rate, e.g. --paced 200 --duration 60), instead of as fast as "
        "the server answers",
    )
    parser.add_argument(
        "--worker-process",
        action="store_true",
        help="`tambon serve --worker-process`: the worker in a child process on SQLite too",
    )
    parser.add_argument(
        "--workers",
        default="",
        help="also, on PostgreSQL: `tambon serve --no-worker` with N `tambon worker` processes, "
        "for each N in this comma-separated list (the cost curve, e.g. 1,4,16)",
    )
    parser.add_argument(
        "--web-only",
        action="store_true",
        help="also measure `tambon serve --no-worker` (acknowledgements alone, nothing answered)",
    )
    return parser.parse_args()


def write_bodies(
    path: Path,
    users: list[str],
    tokens: list[str] | None,
    count: int,
    destination: str,
    sent_at: Callable[[int], float] | None = None,
) -> None:
    """`count` lines "signature body", each body one text event with its own id (and reply token), stamped
    now or, with `sent_at`, when the i-th is to be sent (a paced run: LINE stamps an event as it happens)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            token = tokens[i] if tokens else None
            stamp = int(sent_at(i) * 1000) if sent_at else None
            event = events.event("text", users[i % len(users)], reply_token=token, timestamp_ms=stamp, text="เมนู")
            raw = events.body([event], destination=destination)
            out.write(f"{signature.sign(SECRET, raw)} {raw.decode()}\n")


def wrk(url: str, bodies: Path, opts: argparse.Namespace, script: Path) -> tuple[str, float, float]:
    began = time.monotonic()
    pause = opts.connections / opts.paced * 1000 if opts.paced else 0  # ms each connection waits between requests
    out = os.popen(
        f"wrk -t{opts.threads} -c{opts.connections} -d{opts.duration}s --latency "
        f"-s {script} {url} -- {bodies} {opts.threads} {pause:.1f} 2>&1"
    ).read()
    return out, began, time.monotonic()


def figures(target: str, out: str) -> Figures:
    latency = {q: float(v) * UNIT[u] for q, v, u in LATENCY.findall(out)}
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0
    reqs = REQS.search(out)
    if not reqs:
        raise RuntimeError(f"wrk printed no figures for {target}:\n{out}")
    count = int(m.group(1)) if (m := COUNT.search(out)) else 0
    return Figures(target, float(reqs.group(1)), latency.get("50", 0.0), latency.get("99", 0.0), non_2xx, count)


class FakeLine:
    def __init__(self, url: str) -> None:
        self.url = url

    def issue(self, users: list[str], issued_in: list[float] | None = None) -> list[str]:
        body = {"user_ids": users, **({"issued_in": issued_in} if issued_in else {})}
        response = httpx.post(f"{self.url}/_bench/issue", json=body, timeout=120)
        response.raise_for_status()
        return response.json()["tokens"]

    def arrivals(self) -> dict:
        return httpx.get(f"{self.url}/_bench/arrivals", timeout=60).json()


def replies_during(line: FakeLine, tokens: set[str], began: float, ended: float) -> tuple[float, int]:
    replies = line.arrivals()["replies"]
    during = sum(1 for t, at in replies.items() if t in tokens and began <= at <= ended)
    return during / (ended - began), sum(1 for t in replies if t in tokens)


def drain(line: FakeLine, tokens: set[str], users: set[str], sent: int, timeout: float) -> tuple[int, int]:
    """Wait until every acknowledged event is answered (reply or push); returns (pushes, unanswered)."""
    deadline, last, stalled_since = time.monotonic() + timeout, -1, time.monotonic()
    while True:
        data = line.arrivals()
        replied = sum(1 for t in data["replies"] if t in tokens)
        pushed = sum(1 for user, _ in data["pushes"] if user in users)
        if replied + pushed != last:
            last, stalled_since = replied + pushed, time.monotonic()
        if replied + pushed >= sent or time.monotonic() > deadline or time.monotonic() - stalled_since > 30:
            return pushed, max(0, sent - replied - pushed)
        time.sleep(1)


def wait_listening(port: int, timeout: float = 180) -> None:
    """For a server without /healthz (the SDK example): until its port accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


@contextlib.contextmanager
def served(argv: list[str], env: dict[str, str], base: str, log: Path) -> Iterator[None]:
    with running(argv, env, HERE.parent, log) as process:
        asyncio.run(wait_ready(base, process, log))
        yield


def measure(
    name: str,
    url: str,
    line: FakeLine | None,
    opts: argparse.Namespace,
    work: Path,
    script: Path,
    counting_replies: bool,
    destination: str,
) -> Figures:
    expected = 12000 * opts.duration if not counting_replies else 1500 * opts.duration
    if opts.paced:  # bodies for the set rate and some over, not for the fastest server
        expected = int(opts.paced * opts.duration * 1.5)
    users = [events.new_user_id() for _ in range(opts.residents)]
    # Paced: the i-th event happens (and its reply token is issued) when wrk is to send it, from a start a
    # little ahead; else all now (a 10 s burst stays well inside the tokens' 60 s).
    start = time.time() + PACED_LEAD if opts.paced else 0.0

    def sent_at(i: int) -> float:
        return start + i / opts.paced

    tokens = None
    if line and counting_replies:
        due = [sent_at(i) - time.time() for i in range(expected)] if opts.paced else None
        tokens = line.issue([users[i % len(users)] for i in range(expected)], due)
    bodies = work / (re.sub(r"\W+", "_", name) + ".bodies")  # wrk splits its arguments on spaces
    write_bodies(bodies, users, tokens, expected, destination, sent_at if opts.paced else None)
    if opts.paced:
        if time.time() > start:
            print(f"  warning: {name}: the bodies took longer than {PACED_LEAD} s to write; events look late")
        time.sleep(max(0.0, start - time.time()))
    out, began, ended = wrk(url, bodies, opts, script)
    result = figures(name, out)
    sent = result.requests  # exactly (rate × our wall clock, which includes wrk's start, over-counted ~1 %)
    if sent > expected:
        print(f"  warning: {name} took more requests than unique bodies ({expected}); duplicates were sent")
    if line and tokens:
        token_set = set(tokens)
        result.replies_per_s, _ = replies_during(line, token_set, began, ended)
        result.pushes_after, result.unanswered = drain(
            line, token_set, set(users), min(sent, expected) - result.non_2xx, opts.drain_timeout
        )
    return result


def main() -> int:
    opts = parse_args()
    results: list[Figures] = []
    keep = os.environ.get("TAMBON_BENCH_KEEP")  # a folder to keep the servers' logs in, for a look afterwards
    with contextlib.nullcontext(keep) if keep else tempfile.TemporaryDirectory(prefix="tambon-throughput-") as folder:
        work = Path(folder)
        script = work / "events.lua"
        script.write_text(WRK_SCRIPT + (PACING if opts.paced else ""))
        with fake_line_running(work) as (line, env):
            port = free_port()
            with served(
                [sys.executable, str(HERE / "bare_app.py"), "--port", str(port)],
                env,
                f"http://127.0.0.1:{port}",
                work / "bare.log",
            ):
                results.append(
                    measure(
                        "bare endpoint",
                        f"http://127.0.0.1:{port}/line/webhook",
                        None,
                        opts,
                        work,
                        script,
                        False,
                        BOT_USER_ID,
                    )
                )
            port = free_port()
            with running(
                [sys.executable, str(HERE / "sdk_example" / "serve.py"), "--port", str(port), "--line-url", line.url],
                env,
                HERE.parent,
                work / "sdk.log",
            ):
                wait_listening(port)
                results.append(
                    measure(
                        "SDK example fastapi-echo",
                        f"http://127.0.0.1:{port}/callback",
                        line,
                        opts,
                        work,
                        script,
                        True,
                        BOT_USER_ID,
                    )
                )
            for kind in opts.databases.split(","):
                if opts.web_only:
                    with database(kind, opts.postgres_url, prefix="tambon_throughput") as url:
                        port = free_port()
                        with served(
                            [sys.executable, "-m", "bot.cli", "serve", "--no-worker", "--port", str(port)],
                            {**env, "DATABASE_URL": url},
                            f"http://127.0.0.1:{port}",
                            work / f"{kind}-web.log",
                        ):
                            results.append(
                                measure(
                                    f"tambon serve --no-worker, {kind}",
                                    f"http://127.0.0.1:{port}/line/webhook",
                                    None,
                                    opts,
                                    work,
                                    script,
                                    False,
                                    BOT_USER_ID,
                                )
                            )
                with database(kind, opts.postgres_url, prefix="tambon_throughput") as url:
                    port = free_port()
                    extra = ["--worker-process"] if opts.worker_process else []
                    with served(
                        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), *extra],
                        {**env, "DATABASE_URL": url},
                        f"http://127.0.0.1:{port}",
                        work / f"{kind}.log",
                    ):
                        if kind != "sqlite" or opts.worker_process:  # its worker child still importing
                            wait_started([work / f"{kind}.log"])
                        results.append(
                            measure(
                                f"tambon serve{' ' + extra[0] if extra else ''}, {kind}",
                                f"http://127.0.0.1:{port}/line/webhook",
                                line,
                                opts,
                                work,
                                script,
                                True,
                                BOT_USER_ID,
                            )
                        )
            for count in [int(n) for n in opts.workers.split(",") if n]:
                results.append(with_workers(count, line, opts, work, script, env))
    report(results, opts)
    return 0


@contextlib.contextmanager
def fake_line_running(work: Path) -> Iterator[tuple[FakeLine, dict[str, str]]]:
    """One fake LINE in its own process, and the environment that points our servers (and the example) at it."""
    port = free_port()
    line = FakeLine(f"http://127.0.0.1:{port}")
    env = server_env(
        LINE_CHANNEL_SECRET=SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=line.url,
        LINE_DATA_API_BASE_URL=line.url,
        LINE_BOT_USER_ID=BOT_USER_ID,
        TAMBON_TIPS_KEY="pQ3k0Sx6F0sWb6YxC9m8L3tqkZ8Yb1r2n4c5d6e7f8g=",
        LOG_FORMAT="json",
    )
    argv = [sys.executable, str(HERE / "fake_line.py"), "--port", str(port), "--access-token", ACCESS_TOKEN]
    with running(argv, env, HERE.parent, work / "line.log") as process:
        asyncio.run(wait_ready(line.url, process, work / "line.log"))
        yield line, env


def wait_started(logs: list[Path], timeout: float = 180) -> None:
    """Until every worker process has logged that it runs (16 of them take a while to import on 2 cores)."""
    deadline = time.monotonic() + timeout
    while not all("worker.started" in log.read_text(errors="replace") for log in logs):
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers not started after {timeout:.0f} s: see {logs[0].parent}")
        time.sleep(0.5)


def with_workers(
    count: int, line: FakeLine, opts: argparse.Namespace, work: Path, script: Path, env: dict[str, str]
) -> Figures:
    """The production layout's halves apart: one web process and `count` worker processes, on PostgreSQL."""
    with database("postgres", opts.postgres_url, prefix="tambon_throughput") as url:
        env = {**env, "DATABASE_URL": url}
        port = free_port()
        with (
            served(
                [sys.executable, "-m", "bot.cli", "serve", "--no-worker", "--port", str(port)],
                env,
                f"http://127.0.0.1:{port}",
                work / f"workers-{count}-web.log",
            ),
            contextlib.ExitStack() as stack,
        ):
            logs = [work / f"workers-{count}-{index}.log" for index in range(count)]
            for log in logs:
                stack.enter_context(running([sys.executable, "-m", "bot.cli", "worker"], env, HERE.parent, log))
            wait_started(logs)
            return measure(
                f"web + {count} worker{'s' if count > 1 else ''}, postgres",
                f"http://127.0.0.1:{port}/line/webhook",
                line,
                opts,
                work,
                script,
                True,
                BOT_USER_ID,
            )


def report(results: list[Figures], opts: argparse.Namespace) -> None:
    bare = results[0]
    example = next(r for r in results if r.target.startswith("SDK"))
    paced = f", paced at {opts.paced:.0f} events/s" if opts.paced else ""
    print(
        f"\nwrk -t{opts.threads} -c{opts.connections} -d{opts.duration}s{paced}, unique signed text events, "
        f"{opts.residents} residents\n"
    )
    print(
        f"{'target':28} {'acks/s':>9} {'× bare':>7} {'p50 ms':>8} {'p99 ms':>8} {'replies/s during':>17} "
        f"{'× example':>9} {'pushes after':>13} {'unanswered':>10}"
    )
    for r in results:
        replies = f"{r.replies_per_s:.0f}" if r.replies_per_s is not None else "—"
        vs_example = (
            f"{r.replies_per_s / example.replies_per_s:.2f}"
            if r.replies_per_s is not None and example.replies_per_s
            else "—"
        )
        pushes = "—" if r.pushes_after is None else str(r.pushes_after)
        unanswered = "—" if r.unanswered is None else str(r.unanswered)
        print(
            f"{r.target:28} {r.acks_per_s:9.0f} {r.acks_per_s / bare.acks_per_s:7.2f} {r.p50_ms:8.1f} "
            f"{r.p99_ms:8.1f} {replies:>17} {vs_example:>9} {pushes:>13} {unanswered:>10}"
        )
    if bare.acks_per_s < 2000 and not opts.paced:
        print(
            f"\nWARNING: the bare endpoint reached only {bare.acks_per_s:.0f} requests/s: the machine (or the load "
            "generator) is the bottleneck; the ratios above are not trustworthy."
        )
    print("\n" + json.dumps([r.__dict__ for r in results], ensure_ascii=False))


if __name__ == "__main__":
    raise SystemExit(main())

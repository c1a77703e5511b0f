"""Fault and kill: N events from 20 residents through the real webhook and `tambon worker` processes on
PostgreSQL, while workers are killed with SIGKILL at random and a fake LINE fails on a schedule.

    .venv/bin/python benchmarks/fault_kill.py --events 1000 --kills 40

Prints acknowledged / processed / delivered / duplicated / lost, and the replies left `sent_uncertain`.
Every delivery the fake LINE accepts is counted against the event it answers: a reply by its token
(single use), a push by its X-Line-Retry-Key (LINE dedupes keys, so a second copy needs a second row).

LINE faults (each LINE call fails with probability --fault-rate): timeouts, connection resets, 500, 502,
429 with and without Retry-After, accepted-then-500, accepted-then-409. A reply has no retry key, so for
replies the 5xx/timeout/reset faults happen after LINE accepted (the case where a retry would duplicate);
`--reply-faults all` also fails replies before acceptance, which the rule turns into uncertain, never-
delivered replies (the documented trade-off: counted as `lost`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_db import POSTGRES_SERVER, database
from bot import migrate
from bot.config import Settings
from bot.db import make_engine
from bot.line import signature
from bot.line.simulator import events
from bot.line.simulator.fake_api import build_fake_line_router
from bot.line.simulator.state import Fault, SimulatorState
from bot.main import create_app

SECRET = "fault-kill-channel-secret-0123456"
TOKEN = "fault-kill-access-token"
BOT_ID = "U" + "b" * 32
TIPS_KEY = "pQ3k0Sx6F0sWb6YxC9m8L3tqkZ8Yb1r2n4c5d6e7f8g="
SENDS = ("replyMessage", "pushMessage")


class CountingKeys(dict):  # type: ignore[type-arg]
    """LINE's accepted retry keys; each insertion is one push LINE delivered."""

    def __init__(self) -> None:
        super().__init__()
        self.deliveries: Counter[str] = Counter()

    def __setitem__(self, key: str, value: str) -> None:
        self.deliveries[key] += 1
        super().__setitem__(key, value)


@dataclass
class FaultyLine(SimulatorState):
    """The simulator's LINE, failing each send with some probability, counting what it delivered."""

    fault_rate: float = 0.15
    reply_faults_all: bool = False
    reply_deliveries: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def use_reply_token(self, token: str) -> str | None:
        user = super().use_reply_token(token)
        if user is not None:
            with self.lock:
                self.reply_deliveries[token] += 1
        return user

    def take_fault(self, operation: str) -> Fault | None:
        if operation not in SENDS or self.rng.random() >= self.fault_rate:
            return None
        after = [
            Fault(operation, 0, 1, delay_seconds=3, after_processing=True),  # timeout, LINE has it
            Fault(operation, 0, 1, after_processing=True, reset=True),
            Fault(operation, 500, 1, after_processing=True),
            Fault(operation, 502, 1, after_processing=True),
        ]
        before = [
            Fault(operation, 0, 1, reset=True),
            Fault(operation, 500, 1),
            Fault(operation, 502, 1),
            Fault(operation, 0, 1, delay_seconds=3),
        ]  # a hang: LINE takes it after we gave up
        refused = [Fault(operation, 429, 1), Fault(operation, 429, 1, headers={"Retry-After": "1"})]
        if operation == "pushMessage":
            choices = after + before + refused + [Fault(operation, 409, 1, after_processing=True)]
        else:
            choices = after + refused + (before if self.reply_faults_all else [])
        fault = self.rng.choice(choices)
        name = f"{operation}:{fault.status or ('reset' if fault.reset else 'timeout')}"
        with self.lock:
            self.injected[name + (":after" if fault.after_processing else "")] += 1
        return fault


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_in_thread(app: FastAPI, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="on"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    return server


class Workers:
    """`tambon worker` processes, killed with SIGKILL and restarted."""

    def __init__(self, count: int, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.started: dict[int, float] = {}
        self.processes = [self._start(i) for i in range(count)]
        self.kills = 0

    def _start(self, index: int) -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"worker{index}.log", "ab")  # noqa: SIM115 (kept open with the process)
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=self.env, stdout=log, stderr=log)
        self.started[index] = time.monotonic()
        return process

    def kill_one(self, rng: random.Random, min_uptime: float) -> bool:
        """SIGKILL a random worker that has been up `min_uptime` seconds (booted, working); False if none."""
        ready = [i for i, at in self.started.items() if time.monotonic() - at >= min_uptime]
        if not ready:
            return False
        index = rng.choice(ready)
        os.kill(self.processes[index].pid, signal.SIGKILL)
        self.processes[index].wait()
        self.kills += 1
        self.processes[index] = self._start(index)
        return True

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run(args: argparse.Namespace) -> dict[str, object]:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    rng = random.Random(args.seed)
    line = FaultyLine(fault_rate=args.fault_rate, reply_faults_all=args.reply_faults == "all")
    line.accepted_retry_keys = CountingKeys()
    line.expected_token = TOKEN
    line_app = FastAPI()
    line_app.include_router(build_fake_line_router(line))
    line_port = free_port()
    serve_in_thread(line_app, line_port)
    users = [line.add_user(f"ผู้ใช้ {i}") for i in range(args.users)]

    with database("postgres", args.postgres) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_BASE_URL": f"http://127.0.0.1:{line_port}",
            "LINE_BOT_USER_ID": BOT_ID,
            "LINE_DATA_API_BASE_URL": f"http://127.0.0.1:{line_port}",
            "TAMBON_TIPS_KEY": TIPS_KEY,
            "LINE_REQUEST_TIMEOUT_SECONDS": "2",
            "OUTBOX_BACKOFF_CAP_SECONDS": "4",
            "JSON_LOGS": "true",
        }
        settings = Settings(
            _env_file=None,
            database_url=url,
            line_channel_secret=SECRET,
            line_channel_access_token=TOKEN,
            line_bot_user_id=BOT_ID,
            tambon_tips_key=TIPS_KEY,
            line_api_base_url=f"http://127.0.0.1:{line_port}",
        )
        web_port = free_port()
        serve_in_thread(create_app(settings, engine), web_port)
        log_dir = Path(args.log_dir)
        log_dir.mkdir(parents=True, exist_ok=True)
        workers = Workers(args.workers, env, log_dir)

        tokens: dict[str, str] = {}  # webhookEventId → reply token
        acknowledged: set[str] = set()
        client = httpx.Client(base_url=f"http://127.0.0.1:{web_port}", timeout=10)

        def post(index: int) -> None:
            user = users[index % len(users)]
            token = line.issue_reply_token(user)
            item = events.event(
                "text", user, reply_token=token, timestamp_ms=int(time.time() * 1000) + index, text="ช่วยเหลือ"
            )
            tokens[item["webhookEventId"]] = token
            raw = events.body([item], destination=BOT_ID)
            headers = {"content-type": "application/json", "x-line-signature": signature.sign(SECRET, raw)}
            for attempt in range(8):  # LINE redelivers what we do not acknowledge
                try:
                    if client.post("/line/webhook", content=raw, headers=headers).status_code == 200:
                        acknowledged.add(item["webhookEventId"])
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.5 * (attempt + 1))

        started = time.monotonic()
        stop_killing = threading.Event()

        def killer() -> None:
            interval = args.duration / max(1, args.kills)
            while workers.kills < args.kills and not stop_killing.is_set():
                time.sleep(rng.uniform(0.5, 1.5) * interval)
                while not workers.kill_one(rng, args.min_uptime) and not stop_killing.is_set():
                    time.sleep(0.5)

        kill_thread = threading.Thread(target=killer, daemon=True)
        kill_thread.start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            for index in range(args.events):
                pool.submit(post, index)
                time.sleep(args.duration / args.events)
        kill_thread.join(timeout=args.duration * 3)
        stop_killing.set()
        load_seconds = time.monotonic() - started

        def unsettled() -> int:
            with engine.connect() as connection:
                inbox = connection.execute(text("SELECT count(*) FROM inbox_event WHERE status = 'pending'")).scalar()
                outbox = connection.execute(
                    text("SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'sending')")
                ).scalar()
            return int(inbox or 0) + int(outbox or 0)

        deadline = time.monotonic() + args.drain_seconds
        while unsettled() and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(4)  # a fake LINE call that hangs past our timeout still lands (3 s)
        workers.stop()

        with engine.connect() as connection:
            inbox_rows = connection.execute(text("SELECT id, webhook_event_id, status FROM inbox_event")).all()
            outbox_rows = connection.execute(
                text("SELECT source_event_id, retry_key, status, kind, last_error FROM outbox_message")
            ).all()
        if args.debug:
            with engine.connect() as connection:
                print(
                    connection.execute(
                        text("SELECT kind, created_at, reply_expires_at, sent_at, attempts FROM outbox_message LIMIT 3")
                    ).all()
                )
        engine.dispose()

    by_id = {row.id: row for row in inbox_rows}
    rows_of: dict[str, list] = {}
    for row in outbox_rows:
        if row.source_event_id in by_id:
            rows_of.setdefault(by_id[row.source_event_id].webhook_event_id, []).append(row)
    processed = sum(1 for row in inbox_rows if row.webhook_event_id in acknowledged and row.status == "done")
    delivered = duplicated = lost = 0
    for event_id in acknowledged:
        rows = rows_of.get(event_id, [])
        count = line.reply_deliveries[tokens[event_id]] + sum(
            line.accepted_retry_keys.deliveries[row.retry_key] for row in rows
        )
        delivered += count >= 1
        duplicated += count > max(1, len(rows))
        lost += count < max(1, len(rows))
    uncertain = [row for row in outbox_rows if row.status == "sent_uncertain"]
    uncertain_delivered = sum(
        1
        for row in uncertain
        if row.source_event_id in by_id
        and line.reply_deliveries[tokens.get(by_id[row.source_event_id].webhook_event_id, "")]
    )
    return {
        "events": args.events,
        "users": args.users,
        "kills": workers.kills,
        "load_seconds": round(load_seconds, 1),
        "acknowledged": len(acknowledged),
        "processed": processed,
        "delivered": delivered,
        "duplicated": duplicated,
        "lost": lost,
        "sent_uncertain": len(uncertain),
        "sent_uncertain_delivered_by_line": uncertain_delivered,
        "outbox_by_status": dict(Counter(f"{row.kind}:{row.status}" for row in outbox_rows)),
        "outbox_errors": dict(Counter((row.last_error or "")[:60] for row in outbox_rows).most_common(5)),
        "faults_injected": dict(sorted(line.injected.items())),
        "reply_faults": args.reply_faults,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds over which events are sent")
    parser.add_argument("--drain-seconds", type=float, default=240.0)
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--reply-faults", choices=["after-accept", "all"], default="after-accept")
    parser.add_argument(
        "--min-uptime",
        type=float,
        default=8.0,
        help="kill only workers up this long (booted; raise it on a slow machine)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--postgres", default=POSTGRES_SERVER)
    parser.add_argument("--log-dir", default="fault_kill_logs")
    result = run(parser.parse_args())
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(
        "acknowledged {acknowledged} / processed {processed} / delivered {delivered} / duplicated {duplicated}"
        " / lost {lost}  ({kills} kills)".format(**result)
    )


if __name__ == "__main__":
    main()

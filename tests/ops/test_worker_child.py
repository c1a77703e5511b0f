"""`tambon serve` with its worker in a child process: the child never outlives the web process, even one
killed with SIGKILL (an orphan worker would go on working with nobody serving)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.harness import TIPS_KEY

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_worker_child_stops_when_serve_is_killed(database_url: str, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINE_")}
    env.update(DATABASE_URL=database_url, TAMBON_TIPS_KEY=TIPS_KEY)  # no key file written into the repo
    serve = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--worker-process"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not children(serve.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        [worker] = children(serve.pid)
        assert alive(worker)
        serve.send_signal(signal.SIGKILL)
        serve.wait(timeout=10)
        deadline = time.monotonic() + 15
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(worker)
    finally:
        if serve.poll() is None:
            serve.kill()

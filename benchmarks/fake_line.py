"""The fake LINE platform for `webhook_ack.py`, in its own process so it does not share a GIL with
the load generator: the simulator's emulated API plus a few `/_bench` routes to drive and read it.

    python benchmarks/fake_line.py --port 8002 --access-token TOKEN

`POST /_bench/issue {"user_ids": [...], "issued_in": [...]}` registers the users and issues one reply token
each (counted as issued `issued_in` seconds from now, if given);
`GET /_bench/arrivals` returns when each reply token was used and each push arrived
(`time.monotonic()`, which on Linux is one clock for every process), and the statuses answered.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.line.simulator.fake_api import build_fake_line_router
from bot.line.simulator.state import SimulatorState


@dataclass
class TimedState(SimulatorState):
    """The simulator's state, noting when the bot's replies and pushes reach it."""

    reply_arrivals: dict[str, float] = field(default_factory=dict)  # reply token → first use
    push_arrivals: list[tuple[str, float]] = field(default_factory=list)  # (user id, arrival)

    def use_reply_token(self, token: str) -> str | None:
        arrived = time.monotonic()
        with self.lock:
            self.reply_arrivals.setdefault(token, arrived)
        return super().use_reply_token(token)

    def record(self, user_id: str, sender: str, via: str, messages: list[Any]) -> None:
        if via == "push":
            with self.lock:
                self.push_arrivals.append((user_id, time.monotonic()))
        super().record(user_id, sender, via, messages)


class StatusCounter:
    """ASGI middleware counting answers by path and status (`state.calls` notes 200 before a 400)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.counts: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_bench"):
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.counts[f"{scope['method']} {scope['path'].rsplit('/', 1)[-1]} {message['status']}"] += 1
            await send(message)

        await self.app(scope, receive, counting_send)


def build_app(access_token: str) -> StatusCounter:
    # Tokens are issued before the load starts; the bot's own 50 s limit is what we want to observe.
    state = TimedState(expected_token=access_token, reply_token_ttl=3600.0)
    app = FastAPI()
    app.include_router(build_fake_line_router(state))
    counter = StatusCounter(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # async: run on the event loop, like the routes that mutate what they read.
    @app.post("/_bench/issue")
    async def issue(request: dict[str, list[Any]]) -> dict[str, list[str]]:
        """`issued_in` (optional, seconds from now, one per user): when each token counts as issued, for a
        paced run whose events happen over a minute or more (a token lives 60 s from its issue)."""
        tokens = []
        later = request.get("issued_in") or [0.0] * len(request["user_ids"])
        for user_id, offset in zip(request["user_ids"], later, strict=True):
            if user_id not in state.users:
                state.add_user(f"resident {user_id[-6:]}", user_id)
            token = state.issue_reply_token(user_id)
            with state.lock:
                state.reply_tokens[token] = (user_id, state.reply_tokens[token][1] + float(offset))
            tokens.append(token)
        return {"tokens": tokens}

    @app.get("/_bench/arrivals")
    async def arrivals() -> dict[str, Any]:
        with state.lock:
            return {
                "replies": dict(state.reply_arrivals),
                "pushes": list(state.push_arrivals),
                "statuses": dict(counter.counts),
            }

    return counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--access-token", required=True)
    args = parser.parse_args()
    uvicorn.run(build_app(args.access_token), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

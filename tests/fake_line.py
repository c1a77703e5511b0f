"""A fake LINE platform for tests: the simulator's emulated API on a real port, checking every
request the SDK makes against LINE's own OpenAPI spec (messaging-api.yml)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from bot.line.simulator.fake_api import build_fake_line_router
from bot.line.simulator.state import SimulatorState

SPEC = Path(__file__).parent / "line" / "spec" / "messaging-api.yml"
DATA_HOST_PATHS = ("/content",)


class FakeLine:
    def __init__(self) -> None:
        self.state = SimulatorState()
        self.spec_errors: list[str] = []
        self.spec = OpenAPI.from_file_path(str(SPEC))
        app = FastAPI()

        @app.middleware("http")
        async def validate_against_spec(request: Request, call_next):  # type: ignore[no-untyped-def]
            body = await request.body()
            host = "https://api-data.line.me" if request.url.path.endswith(DATA_HOST_PATHS) else "https://api.line.me"
            mock = MockRequest(
                host,
                request.method.lower(),
                request.url.path,
                data=body or None,
                headers=dict(request.headers),
                content_type=request.headers.get("content-type"),
            )
            try:
                self.spec.validate_request(mock)
            except Exception as error:  # record, let the test fail on it at teardown
                self.spec_errors.append(f"{request.method} {request.url.path}: {error}")
            return await call_next(request)

        app.include_router(build_fake_line_router(self.state))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> FakeLine:
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("fake LINE did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    def reset(self) -> None:
        self.state.reset()
        self.spec_errors.clear()

    def calls(self, operation: str) -> list:
        return [c for c in self.state.calls if c.operation == operation]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

"""Serve LINE's unmodified fastapi-echo example against a fake LINE.

LINE_CHANNEL_SECRET=… LINE_CHANNEL_ACCESS_TOKEN=… python benchmarks/sdk_example/serve.py --port P --line-url URL
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
from pathlib import Path
from typing import Any

import uvicorn
from linebot.v3.messaging import Configuration

HERE = Path(__file__).resolve().parent


class LazyExample:
    """An ASGI app importing the example on its first call, inside the server's running loop."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            spec = importlib.util.spec_from_file_location("fastapi_echo", HERE / "main.py")
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self.app = module.app
        await self.app(scope, receive, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--line-url", required=True)
    args = parser.parse_args()
    Configuration.__init__ = functools.partialmethod(Configuration.__init__, host=args.line_url)  # type: ignore[method-assign]
    uvicorn.run(LazyExample(), host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="off")


if __name__ == "__main__":
    main()

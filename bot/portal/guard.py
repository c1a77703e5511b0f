"""A CAPTCHA-free abuse guard for the public forms: a per-address rate limit and a honeypot field.

The limit is kept in the process (a sliding window per client address): enough for one `tambon serve`;
behind a proxy, run uvicorn with --proxy-headers so the address is the resident's, not the proxy's."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Any

from fastapi import Request

HONEYPOT = "homepage"  # a field people never see (CSS moves it off-screen); bots that fill every field do

# The OpenAPI declaration of a limited route's refusal (a Thai page, and when to try again).
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "too many requests from this address; try again after `Retry-After` seconds",
        "headers": {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "string", "pattern": "^[0-9]+$"}}
        },
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
}


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit, self.window = limit, window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count one attempt for `key`; False once it had `limit` attempts in the window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle addresses so memory stays bounded
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                    del self._hits[stale]
            return True


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limiter(request: Request, name: str, limit: int, window_seconds: float) -> RateLimiter:
    """The app's limiter called `name` (one per app, so each test app starts afresh)."""
    limiters: dict[str, RateLimiter] = request.app.state.__dict__.setdefault("portal_limiters", {})
    if name not in limiters:
        limiters[name] = RateLimiter(limit, window_seconds)
    return limiters[name]

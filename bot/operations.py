"""Operations endpoints and middleware: `/metrics`, a request id on every log line, webhook timing."""

from __future__ import annotations

import ipaddress
import secrets
import time
import uuid

import structlog
from fastapi import APIRouter, HTTPException, Request, Response, status
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.http import RuntimeDep
from bot.metrics import WEBHOOK_SECONDS, exposition

router = APIRouter(tags=["operations"])


def _from_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "testclient"  # Starlette's TestClient


@router.get(
    "/metrics",
    summary="Prometheus metrics (METRICS_TOKEN bearer, or loopback when unset)",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}, 404: {}},
)
def metrics(request: Request, runtime: RuntimeDep) -> Response:
    token = runtime.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        allowed = secrets.compare_digest(given.encode(), token.get_secret_value().encode())
    else:
        allowed = _from_loopback(request) and "x-forwarded-for" not in request.headers
    if not allowed:  # behaves as if it did not exist
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    return Response(exposition(runtime.engine, runtime.clock), media_type=CONTENT_TYPE_LATEST)


class RequestContext:
    """ASGI middleware: a request id (the proxy's X-Request-ID, or a new one) on every log line of the request
    and in the answer's headers; the webhook's acknowledgement time into its histogram. Plain ASGI, not
    BaseHTTPMiddleware, so the webhook's hot path pays no extra task per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"")[:64].decode("latin-1")
        request_id = given if given.isprintable() and given else uuid.uuid4().hex
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if scope["path"] == "/line/webhook":
                    WEBHOOK_SECONDS.observe(time.perf_counter() - began)

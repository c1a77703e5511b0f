"""`POST /line/webhook`: verify the signature on the raw bytes, store each event once, then 200.

LINE signs no timestamp, so the unique `webhookEventId` is our replay protection; we answer 200 only
after the commit of every storable event (events we must never process are quarantined, each on its
own), and 503 only when the store cannot be reached in time, so that LINE redelivers: a data error is
permanent, and redelivering it would never help.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from bot.db import quick
from bot.line import inbox, signature
from bot.line.group_commit import UNREACHABLE, GroupCommit
from bot.runtime import Runtime

log = structlog.get_logger(__name__)
router = APIRouter(tags=["LINE"])


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


async def _read_bounded(request: Request, limit: int) -> bytes | None:
    """The raw body, or None once it passes `limit` bytes (whatever Content-Length claimed)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)


Body = tuple[str | None, list[object]]  # a request's destination and events


def write_events(runtime: Runtime) -> Callable[[Session, list[Body], bool], list[inbox.Stored]]:
    """A group commit's batch of requests: check each destination, add their events (never commits).
    Our own bot's id (the `destination`) is configured, or learned from the first webhook and remembered here,
    by the only code that reads it."""
    learned: str | None = None

    def write(session: Session, bodies: list[Body], careful: bool) -> list[inbox.Stored]:
        nonlocal learned
        now = runtime.clock()  # arrival on the one clock: reply expiry and retention are judged by it
        # The batch's transaction begins here: within `quick` it waits for no lock past LINE's budget.
        with quick(runtime.settings.webhook_store_timeout_seconds):
            for destination, _ in bodies:  # a wrong one fails the batch; retried alone, it fails alone
                known = runtime.settings.line_bot_user_id or learned
                learned = inbox.check_destination(session, destination, known, now)
            return inbox.store_many(session, [events for _, events in bodies], now, runtime.sealer, careful)

    return write


def inbox_writer(request: Request) -> GroupCommit[inbox.Stored]:
    """The app's group committer, made on first use (inside the server's event loop)."""
    writer = getattr(request.app.state, "inbox_writer", None)
    if writer is None:
        runtime: Runtime = request.app.state.runtime
        writer = request.app.state.inbox_writer = GroupCommit(runtime.engine, write_events(runtime))
    return writer


@router.post(
    "/line/webhook",
    summary="LINE webhook",
    responses={401: {"description": "bad signature"}, 413: {"description": "body too large"}},
)
async def receive_webhook(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    body = await _read_bounded(request, runtime.settings.webhook_max_body_bytes)
    if body is None:
        return _error(413, "request body too large")
    given = request.headers.get("x-line-signature", "")
    if not given or not signature.is_valid(runtime.channel_secret, body, given):
        log.warning("webhook.bad_signature", has_signature=bool(given))
        return _error(401, "invalid or missing X-Line-Signature")
    try:
        destination, events = inbox.parse_body(body)
        if not events:  # LINE's URL verification sends an empty list
            return JSONResponse({"received": 0})
        # A hung server answers no statement timeout: the wait is bounded here too. Should the batch
        # still commit later, LINE's redelivery is a no-op (unique webhookEventId).
        budget = runtime.settings.webhook_store_timeout_seconds + 0.3
        stored = await asyncio.wait_for(inbox_writer(request).submit((destination, events)), budget)
    except inbox.WebhookBodyError as error:
        return _error(400, f"not a LINE webhook body: {error}")
    except inbox.WrongDestinationError:
        log.warning("webhook.wrong_destination")
        return _error(403, "webhook addressed to another bot")
    except UNREACHABLE as error:  # unreachable, locked, too slow
        log.error("webhook.store_unavailable", error=type(error).__name__)
        return _error(503, "store unavailable, please redeliver")
    if stored.quarantined:
        log.warning("webhook.events_quarantined", count=stored.quarantined)
    runtime.inbox_signal.set()
    return JSONResponse({"received": stored.events, "quarantined": stored.quarantined})

"""Delivers outbox rows to LINE's Messaging API (the stored JSON over one aiohttp pool; line-bot-sdk v3 for the
loading animation), and decides what each failure means.

Reply while the token is fresh, else push; push/multicast/broadcast carry the row's X-Line-Retry-Key
(a 409 on retry means LINE already has it: success), so they are retried after timeouts, resets,
5xx and 429 with capped, jittered back-off (at least LINE's Retry-After). A reply has no retry key:
the claim that precedes the call is committed first, and a reply whose outcome is unknown (timeout,
5xx, a reset after sending, a sender killed mid-call) becomes `sent_uncertain` and is never sent
again. Only a reply LINE plainly did not deliver (429, connection refused, 401) is tried again, and
only one refused for its token (400) or too old before it was tried is pushed instead.
400/403/404 go to the dead letters; 401 pauses all sending and logs loudly.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
import structlog
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from bot.db import claiming
from bot.line.models import ChannelFact
from bot.metrics import LINE_CALLS, PUSH_FALLBACKS
from bot.outbox import service as outbox
from bot.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from bot.runtime import Runtime

log = structlog.get_logger(__name__)

PAUSED_UNTIL = "sending_paused_until"
MESSAGE_PATHS: dict[str, str] = {  # LINE Messaging API (../line-platform/messaging-api.yml)
    OutboxKind.REPLY: "/v2/bot/message/reply",
    OutboxKind.PUSH: "/v2/bot/message/push",
    OutboxKind.MULTICAST: "/v2/bot/message/multicast",
    OutboxKind.BROADCAST: "/v2/bot/message/broadcast",
}


@dataclass(frozen=True)
class Outcome:
    action: str  # sent | retry | dead | to_push | pause | uncertain
    error: str = ""
    retry_after: float = 0.0  # LINE's Retry-After, seconds


# Close a pooled connection after this long idle, before the server does (uvicorn's default is 5 s): a
# request written on a connection the server is closing fails with ServerDisconnectedError, and a reply that
# may have left is never sent again (sent_uncertain). With 16 workers, 8 replies of one burst went that way.
IDLE_CONNECTION_SECONDS = 4.0


class Sender:
    """One per process; use as an async context manager around the delivery loop."""

    def __init__(
        self,
        runtime: Runtime,
        unreachable: outbox.Unreachable,
        api_base_url: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        settings = runtime.settings
        token = settings.line_channel_access_token
        self.runtime = runtime
        self.unreachable = unreachable
        self.clock = clock or runtime.clock
        self.configuration = Configuration(
            host=api_base_url or settings.line_api_base_url,
            access_token=token.get_secret_value() if token else "simulator",
        )
        self.timeout = aiohttp.ClientTimeout(total=settings.line_request_timeout_seconds)
        self.base_url = self.configuration.host.rstrip("/")
        self._client: AsyncApiClient | None = None
        self.api: AsyncMessagingApi | None = None
        self._http: aiohttp.ClientSession | None = None
        # A token bucket for multicasts and broadcasts: the notice rate, and half a second's worth at once.
        self._fan_out_rate = settings.notice_multicast_per_second
        self._fan_out_burst = max(1.0, self._fan_out_rate / 2)
        self._fan_out_tokens, self._fan_out_at = self._fan_out_burst, time.monotonic()

    async def __aenter__(self) -> Sender:
        self._client = AsyncApiClient(self.configuration)
        self.api = AsyncMessagingApi(self._client)
        # Messages go out over one keep-alive pool as the JSON stored at enqueue time: the SDK's model
        # round trip (from_dict, then to_dict) cost about 6 ms a reply, most of a reply's cost, and its
        # session reads the environment and ~/.netrc on every request (trust_env). See benchmarks/.
        self._http = aiohttp.ClientSession(
            timeout=self.timeout,
            trust_env=False,
            # No cap on connections: a call waiting for a free one would spend its timeout unsent, and a reply
            # that timed out counts as maybe delivered (sent_uncertain). The lanes' batches bound them instead.
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=IDLE_CONNECTION_SECONDS),
            headers={"Authorization": f"Bearer {self.configuration.access_token}"},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.close()
        if self._client is not None:
            await self._client.close()

    async def deliver_due(self, limit: int = 20) -> int:
        """Send what is due now; returns how many rows were attempted. Up to `limit` at once: 50 drained a
        stored backlog a little faster (249/s against 207/s, one run each), but a worker killed between its
        claim and its calls leaves every claimed reply `sent_uncertain`, never sent: the fault-and-kill run
        lost 4 replies of 1,000 with batches of 50, and none with 20 (one run each, 40 kills)."""
        rows = await asyncio.to_thread(self._claim, self.clock(), limit)
        if not rows:
            return 0
        outcomes = await asyncio.gather(*(self._attempt(row) for row in rows))
        await asyncio.to_thread(self._record, list(zip(rows, outcomes, strict=True)))
        return len(rows)

    def _claim(self, now: datetime, limit: int) -> list[OutboxMessage]:
        with Session(claiming(self.runtime.engine), expire_on_commit=False) as session:
            paused = session.get(ChannelFact, PAUSED_UNTIL)
            if paused is not None and datetime.fromisoformat(paused.value) > now:
                return []
            rows = outbox.claim_due(session, now, limit)
            sendable = outbox.skip_unreachable(session, rows, self.unreachable)
            session.commit()
            return sendable

    async def _attempt(self, row: OutboxMessage) -> Outcome:
        outcome, status = await self._call(row)
        if status is not None:
            LINE_CALLS.labels(kind=row.kind, status=str(status)).inc()
        return outcome

    async def _call(self, row: OutboxMessage) -> tuple[Outcome, int | str | None]:
        """The outcome, and what LINE answered (an HTTP status, "network", or None when not called)."""
        assert self._http is not None, "use Sender as an async context manager"
        messages = row.messages  # LINE's JSON, built and bounded by bot.chat.messages when enqueued
        headers = {"Content-Type": "application/json"}
        if row.kind == OutboxKind.REPLY:
            if row.reply_expires_at is None or row.reply_expires_at <= self.clock():
                return Outcome("to_push", "reply token expired before sending"), None
            body = f'{{"replyToken": {json.dumps(row.reply_token)}, "messages": {messages}}}'
        else:
            headers["X-Line-Retry-Key"] = row.retry_key
            if row.kind == OutboxKind.PUSH:
                to = json.dumps(self.runtime.sealer.open_recipient(row.recipient or ""))
                body = f'{{"to": {to}, "messages": {messages}}}'
            elif row.kind == OutboxKind.MULTICAST:
                body = f'{{"to": {row.recipient or "[]"}, "messages": {messages}}}'
            else:
                body = f'{{"messages": {messages}}}'
            if row.kind != OutboxKind.PUSH:
                await self._fan_out_slot()
        try:
            async with self._http.post(
                self.base_url + MESSAGE_PATHS[row.kind], data=body.encode(), headers=headers
            ) as response:
                text = await response.text(errors="replace")  # a reset half-way is an unknown outcome
                if 200 <= response.status < 300:
                    return Outcome("sent"), response.status
                return classify(row, response.status, text, _retry_after(response.headers)), response.status
        except aiohttp.ClientConnectorError as error:  # never connected: nothing was sent
            return Outcome("retry", f"network: {type(error).__name__}"), "network"
        except (aiohttp.ClientError, TimeoutError, OSError) as error:  # maybe sent, maybe not
            return _unknown(row, f"network: {type(error).__name__}"), "network"

    async def _fan_out_slot(self) -> None:
        """Multicasts and broadcasts go out at `notice_multicast_per_second`, with half a second's worth of
        catching up at once: a notice's chunks are scheduled that far apart, but a sender that lagged (a slow
        claim, a busy machine) would otherwise send every overdue one in a burst, which LINE answers with
        429s and back-off (127 of 200 calls on PostgreSQL in benchmarks/notice_fanout.py)."""
        now = time.monotonic()
        self._fan_out_tokens = min(
            self._fan_out_burst, self._fan_out_tokens + (now - self._fan_out_at) * self._fan_out_rate
        )
        self._fan_out_at = now
        self._fan_out_tokens -= 1  # taken now, or reserved: later callers wait behind it
        if self._fan_out_tokens < 0:
            await asyncio.sleep(-self._fan_out_tokens / self._fan_out_rate)

    def _record(self, results: list[tuple[OutboxMessage, Outcome]]) -> None:
        """Write the outcomes; retried, because losing them would make LINE see these sends again."""
        for attempt in range(1, 6):
            try:
                self._record_once(results)
                return
            except OperationalError:
                if attempt == 5:
                    raise
                log.warning("outbox.record_retry", attempt=attempt)
                time.sleep(0.2 * attempt)

    def _record_once(self, results: list[tuple[OutboxMessage, Outcome]]) -> None:
        settings = self.runtime.settings
        now = self.clock()
        plain: list[tuple[int, int]] = []
        others: list[tuple[OutboxMessage, Outcome]] = []
        for claimed, outcome in results:
            if outcome.action == "sent" and outbox.is_plain(claimed):
                plain.append((claimed.id or 0, claimed.attempts))
            else:
                others.append((claimed, outcome))
        with Session(self.runtime.engine) as session:
            if plain:  # most of a batch: one UPDATE
                outbox.mark_many_sent(session, plain, now)
            ids = [claimed.id for claimed, _ in others]
            query = select(OutboxMessage).where(col(OutboxMessage.id).in_(ids)).with_for_update()
            current = {row.id: row for row in session.exec(query).all()} if ids else {}  # one query for the rest
            for claimed, outcome in others:
                row = current.get(claimed.id)
                if row is None or row.status != OutboxStatus.SENDING or row.attempts != claimed.attempts:
                    continue  # our lease expired and another sender took the row over
                if outcome.action == "sent":
                    outbox.mark_sent(row, now)
                elif outcome.action == "uncertain":
                    outbox.mark_uncertain(row, now, outcome.error)
                    log.warning("outbox.sent_uncertain", outbox_id=row.id, error=outcome.error[:200])
                elif outcome.action == "to_push":
                    outbox.reply_to_push(row, now, outcome.error)
                    PUSH_FALLBACKS.inc()
                elif outcome.action == "pause":
                    pause = settings.outbox_pause_on_401_seconds
                    log.error("line.unauthorized_sending_paused", seconds=pause, outbox_id=row.id)
                    _set_fact(session, PAUSED_UNTIL, (now + timedelta(seconds=pause)).isoformat(), now)
                    outbox.schedule_retry(row, now, pause, outcome.error)
                    row.attempts -= 1  # our credentials' fault, not the message's
                elif outcome.action == "dead" or self._gave_up(row, now):
                    outbox.mark_dead(row, outcome.error)
                    log.warning("outbox.dead_letter", outbox_id=row.id, error=outcome.error[:200])
                else:
                    delay = outbox.backoff(
                        row.attempts, settings.outbox_backoff_base_seconds, settings.outbox_backoff_cap_seconds
                    )
                    delay = max(delay, min(outcome.retry_after, settings.outbox_backoff_cap_seconds))
                    outbox.schedule_retry(row, now, delay, outcome.error)
            session.commit()

    def _gave_up(self, row: OutboxMessage, now: datetime) -> bool:
        settings = self.runtime.settings
        too_old = now - row.created_at > timedelta(hours=settings.outbox_give_up_hours)
        return too_old or row.attempts >= settings.outbox_max_attempts

    async def show_loading(self, user_id: str, seconds: int = 20) -> None:
        """LINE's typing indicator for a resident who waits; best effort, never retried."""
        assert self.api is not None
        try:
            request = ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=seconds)
            await self.api.show_loading_animation(request, _request_timeout=self.timeout)
        except (ApiException, aiohttp.ClientError, TimeoutError) as error:
            log.info("line.loading_animation_failed", error=type(error).__name__)


def classify(row: OutboxMessage, status: int, body: str, retry_after: float = 0.0) -> Outcome:
    """What an HTTP status from LINE means for this row."""
    error = f"HTTP {status}: {body[:300]}"
    if status == 409 and row.kind != OutboxKind.REPLY:
        return Outcome("sent", "409: LINE already accepted this retry key")
    if status == 400 and row.kind == OutboxKind.REPLY and "reply token" in body.lower():
        return Outcome("to_push", error)
    if status == 401:
        return Outcome("pause", error)
    if status == 429:  # rate limited: LINE did not take it, the reply token is still unused
        return Outcome("retry", error, retry_after)
    if status >= 500 or status == 0:  # LINE may have delivered before failing
        return _unknown(row, error)
    return Outcome("dead", error)


def _unknown(row: OutboxMessage, error: str) -> Outcome:
    """An answer that does not say whether LINE delivered: retry-keyed calls retry, a reply stops."""
    return Outcome("uncertain" if row.kind == OutboxKind.REPLY else "retry", error)


def _retry_after(headers: Mapping[str, str] | None) -> float:
    value = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:  # an HTTP date: rare from LINE; the back-off stands
        return 0.0


def _set_fact(session: Session, key: str, value: str, now: datetime) -> None:
    fact = session.get(ChannelFact, key)
    if fact is None:
        session.add(ChannelFact(key=key, value=value, updated_at=now))
    else:
        fact.value = value
        fact.updated_at = now

"""The inbox: webhook events stored once by `webhookEventId`, claimed in order per user, and read
into the engine's SDK-free `Incoming`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.chat.events import EventKind, Incoming
from bot.crypto import SEALED_PREFIX, Sealer, coarse_time
from bot.line import screening, sealed
from bot.line.models import ChannelFact, InboxEvent, InboxQuarantine, InboxStatus

BOT_USER_ID = "bot_user_id"


class WebhookBodyError(ValueError):
    """The body as a whole is not a LINE webhook request (not JSON, no events list): 400, store nothing."""


class WrongDestinationError(ValueError):
    """Signed correctly, but addressed to another bot than ours."""


def _row(event: screening.Screened, now: datetime) -> dict[str, Any]:
    return {
        "webhook_event_id": event.event_id,
        "event_type": event.event_type,
        "source_key": event.source_key,
        "user_id": event.user_id,
        "mode": event.mode,
        "is_redelivery": event.is_redelivery,
        "event_ts": event.timestamp,
        "payload": json.dumps(event.event, ensure_ascii=False),
        "received_at": now,
        "status": InboxStatus.PENDING,
        "attempts": 0,
    }


def _quarantined(event: Any, reason: str, now: datetime) -> dict[str, Any]:
    event_id = event.get("webhookEventId") if isinstance(event, dict) else None
    well_formed = isinstance(event_id, str) and screening.ID.fullmatch(event_id)
    return {
        "received_at": now,
        "digest": screening.digest(event),
        "webhook_event_id": event_id if well_formed else None,
        "user_id": screening.sender(event),
        "reason": reason[:200],
        "excerpt": screening.excerpt(event),
    }


def _quarantined_sealed(event: Any, reason: str, now: datetime) -> dict[str, Any]:
    """A bad event from a user mid-tip: kept as a count with its reason, nothing of it readable."""
    return {
        "received_at": coarse_time(now),
        "digest": screening.digest(event),
        "webhook_event_id": None,
        "user_id": None,
        "reason": reason[:200],
        "excerpt": sealed.REDACTED_PAYLOAD,
    }


def _user_of(event: Any) -> str | None:
    source = event.get("source") if isinstance(event, dict) else None
    user_id = source.get("userId") if isinstance(source, dict) else None
    return user_id if isinstance(user_id, str) else None


def parse_body(body: bytes) -> tuple[str | None, list[Any]]:
    """`destination` and `events` of a webhook body, or WebhookBodyError (the body as a whole is wrong;
    a wrong event inside a right body is quarantined by `store` instead)."""
    try:
        payload = screening.parse(body)
    except screening.NotJsonError as error:
        raise WebhookBodyError(str(error)) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise WebhookBodyError("body has no events list")
    destination = payload.get("destination")
    if destination is not None and not (isinstance(destination, str) and screening.ID.fullmatch(destination)):
        raise WebhookBodyError("destination is not a LINE id")
    return destination, payload["events"]


def check_destination(session: Session, destination: str | None, configured: str | None, now: datetime) -> str | None:
    """Reject events for another bot once we know our own id (configured, or learned the first time);
    returns our id, for the caller to remember."""
    if destination is None:
        return configured
    known = configured
    if known is None:
        # Trust on first use: the first correctly signed webhook tells us our own id. Concurrent first
        # webhooks race here, so insert-if-absent and read back whichever won.
        values = {"key": BOT_USER_ID, "value": destination, "updated_at": now}
        session.execute(_insert_ignore(session, ChannelFact, "key"), [values])
        known = session.exec(select(ChannelFact.value).where(ChannelFact.key == BOT_USER_ID)).one()
    if destination != known:
        raise WrongDestinationError(destination)
    return known


def store(session: Session, events: list[Any], now: datetime, sealer: Sealer | None = None) -> Stored:
    """One request's events, carefully (see `store_many`)."""
    return store_many(session, [events], now, sealer, careful=True)[0]


def store_many(
    session: Session, requests: list[list[Any]], now: datetime, sealer: Sealer | None = None, careful: bool = True
) -> list[Stored]:
    """Insert the events of several requests not seen before (a redelivery or a concurrent duplicate is a
    no-op); events we must never process go to the quarantine instead, each on its own, so neighbours are
    unaffected. One sealed-dialog lookup and one INSERT serve every request. Not `careful`, a row the
    database refuses fails the whole call (the caller retries each request carefully); `careful`, each
    event stands behind its own savepoint. Connection-level errors propagate (the caller answers 503 and
    LINE redelivers). With a `sealer`, events of users part-way through a sealed dialog (a tip) are sealed
    before they are first written."""
    screened: list[tuple[list[dict[str, Any]], list[tuple[Any, str]]]] = []
    for events in requests:
        rows, rejected = [], []
        for event in events:
            try:
                rows.append(_row(screening.screen(event), now))
            except screening.Rejected as reason:
                rejected.append((event, str(reason)))
        screened.append((rows, rejected))
    all_rows = [row for rows, _ in screened for row in rows]
    others = [_user_of(event) for _, rejected in screened for event, _ in rejected]
    mid_tip = sealed.seal_arriving(session, sealer, all_rows, others) if sealer else set()
    results, all_bad = [], []
    for rows, rejected in screened:
        bad = [
            _quarantined_sealed(event, reason, now) if _user_of(event) in mid_tip else _quarantined(event, reason, now)
            for event, reason in rejected
        ]
        if rows and careful:
            try:
                with session.begin_nested():
                    session.execute(_insert_ignore(session, InboxEvent, "webhook_event_id"), rows)
            except (DataError, IntegrityError):  # something screening missed: find the row, keep the rest
                rows = _insert_one_by_one(session, rows, bad, now)
        all_bad.extend(bad)
        results.append(Stored(len(rows), len(bad)))
    if all_rows and not careful:  # executemany of one fixed statement: compiled once, cached by SQLAlchemy
        session.execute(_insert_ignore(session, InboxEvent, "webhook_event_id"), all_rows)
    if all_bad:
        session.execute(_insert_ignore(session, InboxQuarantine, "digest"), all_bad)
    return results


class Stored(NamedTuple):
    events: int
    quarantined: int


def _insert_one_by_one(
    session: Session, rows: list[dict[str, Any]], bad: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    kept = []
    for row in rows:
        try:
            with session.begin_nested():
                session.execute(_insert_ignore(session, InboxEvent, "webhook_event_id"), [row])
            kept.append(row)
        except (DataError, IntegrityError) as error:
            reason = f"store refused it: {type(error).__name__}"
            if row["payload"].startswith(SEALED_PREFIX):
                bad.append(_quarantined_sealed(row["payload"], reason, now))
            else:
                bad.append(_quarantined(json.loads(row["payload"]), reason, now))
    return kept


def _insert_ignore(session: Session, table: type, unique_column: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the session's database."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=[unique_column])


def claim_batch(session: Session, limit: int) -> list[InboxEvent]:
    """Lock up to `limit` events that are next in line, of as many different users (the earliest pending
    event of each): handled in one transaction, they keep every user's order and share one commit.

    The row locks are held until the caller's transaction ends, so other workers skip these events (and,
    because they are still pending, every later event of the same users too)."""
    with _walking_in_order(session):
        return list(session.exec(_NEXT_EVENT.limit(limit)).all())


@contextlib.contextmanager
def _walking_in_order(session: Session) -> Iterator[None]:
    """PostgreSQL: walk the pending events in order through their index and stop at `limit`. Its planner
    cannot guess how many candidates are first of their user, guesses few, and so gathered and sorted every
    pending event (each checked by the subquery): 38 ms a claim at 3,400 pending. Ordered, it reads about
    `limit` of them. For this statement only (SET LOCAL, then back; should it fail, the rollback undoes it,
    and a statement sent into the failed transaction would hide the error)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(
            text("SELECT set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)")
        )
    yield
    if postgres:
        session.execute(
            text("SELECT set_config('enable_sort', 'on', true), set_config('enable_bitmapscan', 'on', true)")
        )


def _next_event_query() -> Any:
    # "The first of its user's pending events", as a subquery asked of each candidate in turn: one index probe
    # (ix_inbox_source_pending) each. Written as NOT EXISTS (an earlier pending event), PostgreSQL turned it
    # into a join and, its statistics taking "pending" for rare during a burst, rescanned every pending row
    # for each candidate: 18 ms a claim at 3,000 pending, most of the database's time.
    earlier = aliased(InboxEvent)
    first_of_user = (
        select(earlier.id)
        .where(col(earlier.source_key) == InboxEvent.source_key, col(earlier.status) == InboxStatus.PENDING)
        .order_by(col(earlier.event_ts), col(earlier.id))
        .limit(1)
        .correlate(InboxEvent)
        .scalar_subquery()
    )
    return (
        select(InboxEvent)
        .where(InboxEvent.status == InboxStatus.PENDING, InboxEvent.id == first_of_user)
        .order_by(col(InboxEvent.event_ts), col(InboxEvent.id))
        .limit(1)
        .with_for_update(skip_locked=True)
    )


_NEXT_EVENT = _next_event_query()  # built once: the worker asks it for every event


def waiting_users(session: Session, older_than_ms: int, limit: int = 50) -> list[str]:
    """1:1 users with a message event pending since before `older_than_ms` (for the loading animation)."""
    query = (
        select(InboxEvent.user_id)
        .where(
            InboxEvent.status == InboxStatus.PENDING,
            col(InboxEvent.event_type).in_(["message", "postback"]),
            InboxEvent.event_ts < older_than_ms,
            col(InboxEvent.user_id).is_not(None),
            InboxEvent.source_key == InboxEvent.user_id,
        )
        .distinct()
        .limit(limit)
    )
    return [user_id for user_id in session.exec(query).all() if user_id]


def _plain_text_or_postback(payload: Any) -> Incoming | None:
    """Most events, read straight from the stored JSON: a user's text message or tapped button, every field
    of the shape the SDK would accept. Anything else (or any doubt) returns None, for the SDK's full parse,
    which costs a fifth of the worker's time an event."""
    source, kind = payload.get("source"), payload.get("type")
    if not (
        isinstance(source, dict)
        and source.get("type") == "user"
        and isinstance(source.get("userId"), str)
        and source["userId"]
        and isinstance(payload.get("timestamp"), int)
    ):
        return None
    token = payload.get("replyToken")
    if token is not None and not isinstance(token, str):
        return None
    base: dict[str, Any] = {
        "user_id": source["userId"],
        "at": datetime.fromtimestamp(payload["timestamp"] / 1000, UTC),
        "reply_token": token or None,
    }
    if kind == "message":
        message = payload.get("message")
        if (
            isinstance(message, dict)
            and message.get("type") == "text"
            and isinstance(message.get("text"), str)
            and isinstance(message.get("id"), str)
        ):
            return Incoming(EventKind.TEXT, text=message["text"], message_id=message["id"], **base)
    elif kind == "postback":
        postback = payload.get("postback")
        if isinstance(postback, dict) and isinstance(postback.get("data"), str) and postback.get("params") is None:
            return Incoming(EventKind.POSTBACK, postback_data=postback["data"], **base)
    return None


def to_incoming(row: InboxEvent) -> Incoming | None:
    """The engine's view of a stored event; None for what we record but do not act on."""
    try:
        payload = json.loads(row.payload)
        quick = _plain_text_or_postback(payload)
        if quick is not None:
            return quick
        event = Event.from_dict(payload)
    except Exception:  # the SDK rejects unknown or malformed types: recorded, ignored
        return None
    if event is None or not isinstance(event.source, UserSource) or not event.source.user_id:
        return None
    at = datetime.fromtimestamp(event.timestamp / 1000, UTC)
    base: dict[str, Any] = {"user_id": event.source.user_id, "at": at}
    token = getattr(event, "reply_token", None)
    if token:
        base["reply_token"] = token
    if isinstance(event, FollowEvent):
        return Incoming(EventKind.FOLLOW, unblocked=bool(event.follow and event.follow.is_unblocked), **base)
    if isinstance(event, UnfollowEvent):
        return Incoming(EventKind.UNFOLLOW, **base)
    if isinstance(event, PostbackEvent):
        params = event.postback.params if event.postback.params else None
        return Incoming(EventKind.POSTBACK, postback_data=event.postback.data, postback_params=params, **base)
    if not isinstance(event, MessageEvent):
        return None
    content = event.message
    if isinstance(content, TextMessageContent):
        return Incoming(EventKind.TEXT, text=content.text, message_id=content.id, **base)
    if isinstance(content, LocationMessageContent):
        return Incoming(
            EventKind.LOCATION,
            latitude=content.latitude,
            longitude=content.longitude,
            address=content.address,
            message_id=content.id,
            **base,
        )
    if isinstance(content, ImageMessageContent):
        return Incoming(EventKind.IMAGE, message_id=content.id, **base)
    if isinstance(content, StickerMessageContent):
        return Incoming(EventKind.STICKER, message_id=content.id, **base)
    return Incoming(EventKind.OTHER_MESSAGE, message_id=getattr(content, "id", None), **base)

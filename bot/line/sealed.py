"""Inbox rows of sealed dialogs (the tip channel): sealed as they arrive, redacted once handled.

An event from a user part-way through a sealed dialog is stored already sealed: its payload encrypted,
no user id, ordered under a keyed hash of the user id instead. Once a sealed turn is handled (or has
failed for good) its row keeps only that a sealed event happened, in which hour: no content, no user,
no exact time, and a keyed hash in place of LINE's event id (a ULID, whose first characters are the
millisecond it was sent).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.chat.state import sealed_user_ids
from bot.crypto import SEALED_PREFIX, Sealer, coarse_time
from bot.line.models import InboxEvent

REDACTED_PAYLOAD = '{"sealed": true}'
REDACTED_SOURCE = "sealed"
_EVENT_ID_PREFIX = "s."


def is_sealed(row: InboxEvent) -> bool:
    """Stored sealed (encrypted payload) and not yet redacted."""
    return row.payload.startswith(SEALED_PREFIX)


def seal_arriving(
    session: Session, sealer: Sealer, rows: list[dict[str, Any]], other_users: Sequence[str | None] = ()
) -> set[str]:
    """Seal, before they are first written, the new inbox rows of users in a sealed dialog; returns
    which of those users (and of `other_users`, e.g. of quarantined events) are in one."""
    direct = [r for r in rows if r.get("user_id") and r.get("source_key") == r.get("user_id")]
    asked = [r["user_id"] for r in direct] + [u for u in other_users if u]
    if not asked:
        return set()
    sealed_users = sealed_user_ids(session, sealer, asked)
    for row in direct:
        if row["user_id"] in sealed_users:
            seal_values(row, sealer)
    return sealed_users


def seal_values(values: dict[str, Any], sealer: Sealer) -> None:
    user_id = values["user_id"]
    values["payload"] = SEALED_PREFIX + sealer.seal(values["payload"])
    values["source_key"] = sealer.blind(user_id)  # the user's sealed events stay in order among themselves
    values["user_id"] = None


def seal_row(row: InboxEvent, sealer: Sealer) -> None:
    """An event still to be (re)tried, sealed in place (a sealed turn failed and will be retried)."""
    if is_sealed(row) or row.payload == REDACTED_PAYLOAD:
        return
    user_id = row.user_id or _user_of(row.payload)
    values: dict[str, Any] = {"payload": row.payload, "user_id": user_id, "source_key": row.source_key}
    if user_id:
        seal_values(values, sealer)
    else:
        values["payload"] = SEALED_PREFIX + sealer.seal(row.payload)
    row.payload, row.user_id, row.source_key = values["payload"], values["user_id"], values["source_key"]


def opened_payload(row: InboxEvent, sealer: Sealer) -> str:
    return str(sealer.open(row.payload.removeprefix(SEALED_PREFIX))) if is_sealed(row) else row.payload


def user_of(row: InboxEvent, sealer: Sealer) -> str | None:
    return row.user_id or _user_of(opened_payload(row, sealer))


def _user_of(payload: str) -> str | None:
    try:
        source = json.loads(payload).get("source") or {}
    except (ValueError, AttributeError):
        return None
    user_id = source.get("userId") if isinstance(source, dict) else None
    return user_id if isinstance(user_id, str) else None


def redact(row: InboxEvent, sealer: Sealer, now: datetime) -> None:
    """Keep of a handled sealed event only that there was one, in which hour."""
    row.payload, row.user_id, row.source_key = REDACTED_PAYLOAD, None, REDACTED_SOURCE
    row.webhook_event_id = _hashed_event_id(sealer, row.webhook_event_id)
    row.is_redelivery = False
    row.received_at = coarse_time(row.received_at)
    row.processed_at = coarse_time(now)
    hour = coarse_time(datetime.fromtimestamp(row.event_ts / 1000, UTC))
    row.event_ts = int(hour.timestamp() * 1000)


def _hashed_event_id(sealer: Sealer, event_id: str) -> str:
    if event_id.startswith(_EVENT_ID_PREFIX):
        return event_id
    return _EVENT_ID_PREFIX + sealer.blind("event:" + event_id)[:62]


def already_handled(session: Session, sealer: Sealer, row: InboxEvent) -> bool:
    """A redelivery of a sealed event handled before (its row no longer carries LINE's event id, so
    the unique index cannot refuse the copy). Only redeliveries need asking."""
    if not row.is_redelivery or row.webhook_event_id.startswith(_EVENT_ID_PREFIX):
        return False
    hashed = [_EVENT_ID_PREFIX + b[:62] for b in sealer.blinds("event:" + row.webhook_event_id)]
    query = select(InboxEvent.id).where(col(InboxEvent.webhook_event_id).in_(hashed))
    return session.exec(query).first() is not None

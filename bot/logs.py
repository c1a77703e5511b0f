"""Logging: one line per event, JSON in production (console key=value in the simulator), plain tracebacks
without local variables.

Local variables in tracebacks would put residents' messages and whistleblowers' details in the logs, so the
rich traceback renderer (which shows them) is never used, and fields that could carry a message body or a
secret are dropped from every line whoever logged them. Each line carries the contextvars bound for it: the
`request_id` of a web request, the `event_id` of the inbox event being processed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# Never logged, whoever passes them: bodies, texts and credentials.
REDACTED_KEYS = frozenset(
    {
        "text",
        "body",
        "payload",
        "message",
        "messages",
        "token",
        "reply_token",
        "signature",
        "authorization",
        "password",
        "secret",
        "access_token",
    }
)


def drop_sensitive(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in REDACTED_KEYS.intersection(event):
        event[key] = "[redacted]"
    return event


def configure_logging(level: int = logging.INFO, *, json_lines: bool = False) -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level)
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        drop_sensitive,
    ]
    if json_lines:
        # show_locals=False: structlog's default dict_tracebacks would print every frame's variables.
        processors.append(
            structlog.processors.ExceptionRenderer(structlog.tracebacks.ExceptionDictTransformer(show_locals=False))
        )
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=False,
    )

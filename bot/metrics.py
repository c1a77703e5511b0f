"""Prometheus metrics: `/metrics` on every web process, `--metrics-port` on `tambon worker`.

Counts that several processes share (events by status, the outbox, lag) are read from the database at
scrape time, so any process gives the whole system's figures and nothing is lost when a process restarts.
Latencies and LINE call outcomes are this process's own (histograms and counters of prometheus-client).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

REGISTRY = CollectorRegistry(auto_describe=True)

WEBHOOK_SECONDS = Histogram(
    "tambon_webhook_seconds",
    "Time to acknowledge a LINE webhook (signature, store, commit)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5),
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "tambon_handler_seconds",
    "Time to process one inbox event (dialog, domain change, commit)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5),
    registry=REGISTRY,
)
LINE_CALLS = Counter(
    "tambon_line_calls",
    "Calls to the LINE Messaging API by kind and HTTP status",
    ["kind", "status"],
    registry=REGISTRY,
)
PUSH_FALLBACKS = Counter(
    "tambon_reply_push_fallbacks", "Answers sent by push because the reply token was too old", registry=REGISTRY
)

_INBOX_BY_STATUS = "SELECT status, count(*) FROM inbox_event GROUP BY status"
_INBOX_LAG = "SELECT min(received_at) FROM inbox_event WHERE status = 'pending'"
_OUTBOX_BY_KIND = "SELECT kind, status, count(*) FROM outbox_message GROUP BY kind, status"


class StoreCollector(Collector):
    """Gauges read from the database on each scrape; a scrape never fails because the database does."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._has_quarantine: bool | None = None

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("tambon_store_up", "1 when the database answered this scrape")
        try:
            families = self._read()
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self) -> list[Metric]:
        events = GaugeMetricFamily("tambon_inbox_events", "Webhook events stored, by status", labels=["status"])
        lag = GaugeMetricFamily("tambon_inbox_lag_seconds", "Age of the oldest event waiting to be processed")
        outbox = GaugeMetricFamily(
            "tambon_outbox_messages", "Messages owed to LINE, by kind and status", labels=["kind", "status"]
        )
        with self.engine.connect() as connection:
            for status, count in connection.execute(text(_INBOX_BY_STATUS)):
                events.add_metric([str(status)], int(count))
            if self._has_quarantine is None:
                self._has_quarantine = inspect(connection).has_table("inbox_quarantine")
            if self._has_quarantine:
                quarantined = connection.execute(text("SELECT count(*) FROM inbox_quarantine")).scalar_one()
                events.add_metric(["quarantined"], int(quarantined))
            oldest = connection.execute(text(_INBOX_LAG)).scalar_one()
            for kind, status, count in connection.execute(text(_OUTBOX_BY_KIND)):
                outbox.add_metric([str(kind), str(status)], int(count))
        lag.add_metric([], max(0.0, (self.clock() - _aware(oldest)).total_seconds()) if oldest else 0.0)
        return [events, lag, outbox]


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands raw text to a plain SELECT
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def exposition(engine: Engine, clock: Callable[[], datetime]) -> bytes:
    """This process's metrics followed by the database gauges, in Prometheus' text format."""
    store = CollectorRegistry(auto_describe=False)
    store.register(StoreCollector(engine, clock))
    return generate_latest(REGISTRY) + generate_latest(store)


class _Shared(Collector):
    """This process's own metrics, offered to a second registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def serve(port: int, address: str, engine: Engine, clock: Callable[[], datetime]) -> None:
    """`tambon worker --metrics-port`: the same figures as `/metrics`, on a port of the worker's own."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Shared())
    registry.register(StoreCollector(engine, clock))
    start_http_server(port, addr=address, registry=registry)

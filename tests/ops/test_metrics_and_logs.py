"""`/metrics` (Prometheus), the request id on every answer, and JSON log lines that never carry a body."""

from __future__ import annotations

import json

import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from bot.logs import configure_logging
from tests.fake_line import FakeLine
from tests.harness import Harness


def scrape(harness: Harness, **headers: str) -> dict[str, float]:
    response = harness.client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    figures = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            figures[f"{s.name}{{{labels}}}"] = s.value
    return figures


def test_metrics_count_events_outbox_and_webhook_time(harness: Harness) -> None:
    before = scrape(harness)
    assert before["tambon_store_up{}"] == 1
    acks_before = before.get("tambon_webhook_seconds_count{}", 0)
    harness.post_events(harness.event("text", harness.new_user(), text="เมนู"))
    after = scrape(harness)
    assert after["tambon_inbox_events{status=pending}"] == 1
    assert after["tambon_inbox_lag_seconds{}"] >= 0
    assert after["tambon_webhook_seconds_count{}"] == acks_before + 1
    calls_before = before.get("tambon_line_calls_total{kind=reply,status=200}", 0)
    harness.run()
    processed = scrape(harness)
    assert processed["tambon_line_calls_total{kind=reply,status=200}"] == calls_before + 1
    assert processed["tambon_inbox_events{status=done}"] == 1
    assert sum(v for k, v in processed.items() if k.startswith("tambon_outbox_messages{")) >= 1


def test_metrics_are_not_published_through_the_proxy_or_without_the_token(
    database_url: str,
    engine,
    fake_line: FakeLine,  # type: ignore[no-untyped-def]
) -> None:
    with Harness(database_url, engine, fake_line) as harness:
        assert harness.client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    with Harness(database_url, engine, fake_line, metrics_token="scrape-me-0123456789") as harness:
        assert harness.client.get("/metrics").status_code == 404
        assert harness.client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        assert scrape(harness, Authorization="Bearer scrape-me-0123456789")["tambon_store_up{}"] == 1


def test_metrics_say_when_the_database_is_down(harness: Harness) -> None:
    # nothing listens on port 1
    harness.runtime.engine = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    assert scrape(harness)["tambon_store_up{}"] == 0


def test_every_answer_carries_a_request_id(harness: Harness) -> None:
    given = harness.client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    fresh = harness.client.get("/healthz").headers["x-request-id"]
    assert len(fresh) == 32 and fresh != harness.client.get("/healthz").headers["x-request-id"]


def test_json_log_lines_carry_the_context_and_never_a_body(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_lines=True)
    try:
        log = structlog.get_logger("test")
        with structlog.contextvars.bound_contextvars(request_id="r-1", event_id=42):
            log.info("chat.turn", text="ขอแจ้งทุจริต นายสมชาย", token="secret-token", outcome="ok")
        line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    finally:
        configure_logging()
    assert line["request_id"] == "r-1" and line["event_id"] == 42 and line["outcome"] == "ok"
    assert line["text"] == "[redacted]" and line["token"] == "[redacted]"
    assert "สมชาย" not in json.dumps(line, ensure_ascii=False)


def test_json_tracebacks_show_no_local_variables(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_lines=True)
    try:
        log = structlog.get_logger("test")
        try:
            whistleblower = "นายสมชาย 0812345678"  # noqa: F841 - a local that must not be logged
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
        out = capsys.readouterr().out
    finally:
        configure_logging()
    assert "boom" in out and "0812345678" not in out

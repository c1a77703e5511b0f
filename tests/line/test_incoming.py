"""Reading stored events: the quick path for plain texts and taps gives exactly what the SDK's parse gives,
on LINE's real samples and on shapes it must leave to the SDK."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.line import inbox
from bot.line.models import InboxEvent

SAMPLES = Path(__file__).parent / "samples"


def events_of_samples() -> list[dict[str, Any]]:
    return [event for path in sorted(SAMPLES.glob("*.json")) for event in json.loads(path.read_text())["events"]]


def read(payload: Any, quick: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if not quick:
            patch.setattr(inbox, "_plain_text_or_postback", lambda payload: None)
        return inbox.to_incoming(InboxEvent(payload=json.dumps(payload)))  # type: ignore[call-arg]


def name(event: dict[str, Any]) -> str:
    return f"{event['type']}-{event.get('message', {}).get('type', '')}"


@pytest.mark.parametrize("event", events_of_samples(), ids=name)
def test_the_quick_path_agrees_with_the_sdk_on_every_sample(
    event: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert read(event, True, monkeypatch) == read(event, False, monkeypatch)


def test_the_quick_path_takes_texts_and_taps_and_leaves_the_rest_to_the_sdk() -> None:
    by_kind = {e["type"] + e.get("message", {}).get("type", ""): e for e in events_of_samples()}
    assert inbox._plain_text_or_postback(by_kind["messagetext"]) is not None
    assert inbox._plain_text_or_postback(by_kind["postback"]) is not None
    for other in ("follow", "unfollow", "messageimage", "messagelocation", "messagesticker"):
        assert inbox._plain_text_or_postback(by_kind[other]) is None


@pytest.mark.parametrize(
    "change",
    [
        {"source": {"type": "group", "groupId": "C1", "userId": "U1"}},
        {"source": {"type": "user", "userId": 5}},
        {"timestamp": "1700000000000"},
        {"replyToken": 7},
        {"message": {"type": "text", "id": 1, "text": "hi"}},
        {"message": {"type": "text", "id": "1", "text": None}},
    ],
)
def test_odd_shapes_go_to_the_sdk(change: dict[str, Any]) -> None:
    text = next(e for e in events_of_samples() if e.get("message", {}).get("type") == "text")
    assert inbox._plain_text_or_postback(text | change) is None

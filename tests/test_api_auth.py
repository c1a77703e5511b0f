"""Every admin route (/api/v1) refuses a request without a token, unless it is on the allow-list below.

Data-driven from the app's OpenAPI document, so a route anyone adds later is checked without editing
this file; a route meant to be public must be added to PUBLIC on purpose."""

from __future__ import annotations

import re

import pytest

from tests.harness import Harness

PUBLIC = {  # path → why it answers without a token
    "/api/v1/public/forums": "the public participation list (ITA evidence)",
    "/api/v1/public/forums/{forum_id}": "one forum's public participation page",
}
# Corruption tips answer 404 to anyone but an integrity officer, so that nothing about them is confirmed.
HIDDEN_UNDER = "/api/v1/tips"


def hidden(path: str) -> bool:
    return path == HIDDEN_UNDER or path.startswith(HIDDEN_UNDER + "/")


def admin_operations(harness: Harness) -> list[tuple[str, str]]:
    paths = harness.app.openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1")
        for method in operations
    ]


def test_there_are_admin_routes_to_check(harness: Harness) -> None:
    operations = admin_operations(harness)
    assert len(operations) >= 40
    paths = {path for _, path in operations}
    assert paths >= set(PUBLIC) and any(hidden(path) for path in paths)  # the lists name real routes


@pytest.mark.parametrize("token", [None, "Bearer not-a-real-token"])
def test_every_admin_route_needs_a_valid_token(harness: Harness, token: str | None) -> None:
    headers = {"Authorization": token} if token else {}
    answered = {}
    for method, path in admin_operations(harness):
        if path in PUBLIC:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        answered[(method, path)] = harness.client.request(method, url, json={}, headers=headers).status_code
    expected = {key: 404 if hidden(key[1]) else 401 for key in answered}
    assert answered == expected

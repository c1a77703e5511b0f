"""LINE's monthly message quota and this month's consumption: the two GETs, with plain httpx."""

from __future__ import annotations

import httpx


class QuotaUnavailableError(RuntimeError):
    """LINE did not tell us the quota (network, credentials, an unexpected answer)."""


def fetch(base_url: str, token: str, timeout: float = 5.0) -> tuple[int | None, int]:
    """`GET /v2/bot/message/quota` and `/quota/consumption`: (the monthly limit or None if unlimited, used)."""
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout) as client:
            quota = client.get("/v2/bot/message/quota")
            quota.raise_for_status()
            usage = client.get("/v2/bot/message/quota/consumption")
            usage.raise_for_status()
            kind, value, used = quota.json()["type"], quota.json().get("value"), int(usage.json()["totalUsage"])
    except (httpx.HTTPError, KeyError, TypeError, ValueError) as error:
        raise QuotaUnavailableError(type(error).__name__) from error
    if kind != "limited" or value is None:
        return None, used
    return int(value), used

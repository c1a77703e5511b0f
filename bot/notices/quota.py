"""LINE's monthly message quota and this month's consumption, read with plain httpx (the two GETs
are all we need; the LINE SDK stays inside bot/line)."""

from __future__ import annotations

import httpx

from bot.notices.models import QuotaRead


class QuotaUnavailableError(RuntimeError):
    """LINE did not tell us the quota (network, credentials, an unexpected answer)."""


def fetch(base_url: str, token: str, timeout: float = 5.0) -> QuotaRead:
    """`GET /v2/bot/message/quota` and `/quota/consumption`, as one figure."""
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
        return QuotaRead(limited=False, limit=None, used=used, remaining=None)
    return QuotaRead(limited=True, limit=int(value), used=used, remaining=max(0, int(value) - used))

"""LINE's monthly message quota as notices see it. The call to LINE lives in the adapter
(`bot.line.quota.fetch`), handed to the app by `bot.main`: this domain imports no HTTP client."""

from __future__ import annotations

from collections.abc import Callable

from bot.errors import Unavailable
from bot.notices.models import QuotaRead


class QuotaUnavailableError(Unavailable):
    """LINE did not tell us the quota (network, credentials, an unexpected answer)."""

    def __init__(self, reason: str) -> None:
        super().__init__("ตรวจสอบโควตาข้อความกับ LINE ไม่ได้ในขณะนี้ จึงยังไม่ส่ง กรุณาลองใหม่อีกครั้ง")
        self.reason = reason


# (base URL, token, timeout) → (monthly limit or None when unlimited, used this month); raises
# QuotaUnavailableError when LINE does not answer.
QuotaFetcher = Callable[[str, str, float], tuple[int | None, int]]


def read(fetch: QuotaFetcher, base_url: str, token: str, timeout: float = 5.0) -> QuotaRead:
    limit, used = fetch(base_url, token, timeout)
    if limit is None:
        return QuotaRead(limited=False, limit=None, used=used, remaining=None)
    return QuotaRead(limited=True, limit=limit, used=used, remaining=max(0, limit - used))

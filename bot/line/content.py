"""Fetching the photos residents attached (LINE keeps message content only for a while)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import aiohttp
import structlog
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApiBlob, Configuration
from linebot.v3.messaging.exceptions import ApiException
from sqlmodel import Session

from bot.complaints import service as complaints
from bot.complaints.models import ComplaintPhoto, PhotoStatus
from bot.runtime import Runtime
from bot.thai import utcnow
from bot.tips import service as tips
from bot.tips.models import TipEvidence

log = structlog.get_logger(__name__)


class ContentFetcher:
    """Downloads pending photos from LINE's data host and hands the bytes to their domain."""

    def __init__(self, runtime: Runtime, data_api_base_url: str | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        token = runtime.settings.line_channel_access_token
        self.runtime = runtime
        self.clock = clock
        self.configuration = Configuration(host=data_api_base_url or runtime.settings.line_data_api_base_url,
                                           access_token=token.get_secret_value() if token else "simulator")
        self.timeout = aiohttp.ClientTimeout(total=30)

    async def fetch_pending(self) -> int:
        """Fetch what is pending; returns how many were settled (stored or refused)."""
        jobs = await asyncio.to_thread(self._pending)
        if not jobs:
            return 0
        settled = 0
        async with AsyncApiClient(self.configuration) as client:
            blob = AsyncMessagingApiBlob(client)
            for kind, row_id, message_id in jobs:
                try:
                    data = await blob.get_message_content(message_id, _request_timeout=self.timeout)
                except ApiException as error:
                    if error.status in (400, 404, 410):  # gone: LINE no longer has it
                        await asyncio.to_thread(self._settle, kind, row_id, None)
                        settled += 1
                    continue  # other failures: try again on the next round
                except (aiohttp.ClientError, TimeoutError):
                    continue
                await asyncio.to_thread(self._settle, kind, row_id, bytes(data))
                settled += 1
        return settled

    def _pending(self) -> list[tuple[str, int, str]]:
        with Session(self.runtime.engine) as session:
            photos = [("complaint", p.id or 0, p.line_message_id or "") for p in complaints.pending_photos(session)]
            evidence = [("tip", e.id or 0, e.line_message_id or "") for e in tips.pending_evidence(session)]
        return photos + evidence

    def _settle(self, kind: str, row_id: int, data: bytes | None) -> None:
        runtime, now = self.runtime, self.clock()
        with Session(runtime.engine) as session:
            if kind == "complaint":
                photo = session.get(ComplaintPhoto, row_id)
                if photo is None or photo.status != PhotoStatus.PENDING:
                    return
                if data is None:
                    photo.status, photo.error = PhotoStatus.REFUSED, "LINE ไม่มีไฟล์นี้แล้ว"
                else:
                    complaints.store_photo(session, photo, data, settings=runtime.settings, org=runtime.org, now=now)
            else:
                evidence = session.get(TipEvidence, row_id)
                if evidence is None or evidence.status != "pending":
                    return
                if data is None:
                    evidence.status, evidence.error = "refused", "LINE ไม่มีไฟล์นี้แล้ว"
                else:
                    tips.store_evidence(session, evidence, data, sealer=runtime.sealer, settings=runtime.settings,
                                        org=runtime.org, now=now)
            session.commit()

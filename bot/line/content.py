"""Fetching the photos residents attached (LINE keeps message content only for a while)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

import aiohttp
import structlog
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApiBlob, Configuration
from linebot.v3.messaging.exceptions import ApiException
from sqlmodel import Session

from bot import media
from bot.runtime import Runtime

log = structlog.get_logger(__name__)


class ContentFetcher:
    """Downloads pending photos from LINE's data host and keeps them cleaned in `media`; a refused photo's
    domain is told (`refused`: bot.main's PHOTO_REFUSED) so that it can tell whoever sent it."""

    def __init__(
        self,
        runtime: Runtime,
        refused: Sequence[media.RefusalHook],
        data_api_base_url: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        token = runtime.settings.line_channel_access_token
        self.runtime = runtime
        self.refused = list(refused)
        self.clock = clock or runtime.clock
        self.configuration = Configuration(
            host=data_api_base_url or runtime.settings.line_data_api_base_url,
            access_token=token.get_secret_value() if token else "simulator",
        )
        self.timeout = aiohttp.ClientTimeout(total=30)

    async def fetch_pending(self) -> int:
        """Fetch what is pending; returns how many were settled (stored or refused)."""
        jobs = await asyncio.to_thread(self._pending)
        if not jobs:
            return 0
        settled = 0
        async with AsyncApiClient(self.configuration) as client:
            blob = AsyncMessagingApiBlob(client)
            for media_id, message_id in jobs:
                try:
                    data = await blob.get_message_content(message_id, _request_timeout=self.timeout)
                except ApiException as error:
                    if error.status in (400, 404, 410):  # gone: LINE no longer has it
                        await asyncio.to_thread(self._settle, media_id, None)
                        settled += 1
                    continue  # other failures: try again on the next round
                except (aiohttp.ClientError, TimeoutError):
                    continue
                await asyncio.to_thread(self._settle, media_id, bytes(data))
                settled += 1
        return settled

    def _pending(self) -> list[tuple[int, str]]:
        with Session(self.runtime.engine) as session:
            return media.pending(session)

    def _settle(self, media_id: int, data: bytes | None) -> None:
        with Session(self.runtime.engine) as session:
            reason = media.settle(session, media_id, data, self.runtime.settings.photo_max_bytes)
            if reason is not None:
                for tell in self.refused:
                    tell(session, media_id, reason, self.runtime, self.clock())
            session.commit()

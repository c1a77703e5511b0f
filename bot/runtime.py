"""What a running process shares between its web app, worker and sender."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.crypto import Sealer, load_sealer
from bot.organisation import Organisation
from bot.thai import utcnow


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    org: Organisation
    channel_secret: str
    sealer: Sealer
    # Set by the webhook after each commit so an in-process worker starts at once instead of polling.
    inbox_signal: asyncio.Event = field(default_factory=asyncio.Event)
    outbox_signal: asyncio.Event = field(default_factory=asyncio.Event)
    clock: Callable[[], datetime] = utcnow  # tests substitute a controllable clock

    loop: asyncio.AbstractEventLoop | None = None  # the worker's loop, set by the worker alone when it runs here

    def wake_outbox(self) -> None:
        """Tell an in-process sender there is work; safe from request threads (asyncio.Event is not)."""
        if self.loop is not None and self.loop.is_running():
            self.loop.call_soon_threadsafe(self.outbox_signal.set)

    @classmethod
    def build(cls, settings: Settings, engine: Engine) -> Runtime:
        if settings.line_channel_secret is not None and not settings.simulator_mode:
            secret = settings.line_channel_secret.get_secret_value()
        else:
            secret = secrets.token_hex(16)  # the simulator signs its webhooks with this, in-process
        key = settings.tambon_tips_key.get_secret_value() if settings.tambon_tips_key else None
        sealer = load_sealer(key, settings.tips_key_file)
        return cls(settings=settings, engine=engine, org=settings.organisation, channel_secret=secret, sealer=sealer)

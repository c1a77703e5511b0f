"""Settings read from the environment (and an optional `.env`)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.organisation import Organisation, load_organisation


class Settings(BaseSettings):
    """Every knob an operator can turn; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///tambon.db"
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"
    # Our bot's user id (the webhook `destination`). Learned from the first signed webhook when unset.
    line_bot_user_id: str | None = None
    tambon_config: Path | None = None
    # Fernet key(s) sealing whistleblowers' identities, newest first (see bot/crypto.py and the README).
    tambon_tips_key: SecretStr | None = None

    webhook_max_body_bytes: int = 1_000_000
    # LINE waits about 2 s for our answer: storing a body gives up (503, LINE redelivers) after this.
    webhook_store_timeout_seconds: float = 1.5
    # LINE documents reply tokens as short-lived; past this age we push instead of replying.
    reply_token_ttl_seconds: float = 50.0
    conversation_ttl_minutes: int = 30
    inbox_max_attempts: int = 3
    # Bad webhook events set aside (inbox_quarantine) are deleted after this many days.
    quarantine_retention_days: int = 30
    outbox_max_attempts: int = 25
    outbox_give_up_hours: float = 12.0  # well inside LINE's 24-hour retry-key window
    outbox_backoff_base_seconds: float = 1.0
    outbox_backoff_cap_seconds: float = 300.0
    outbox_pause_on_401_seconds: float = 300.0
    line_request_timeout_seconds: float = 10.0
    loading_animation_after_seconds: float = 2.0
    worker_poll_seconds: float = 0.5
    # Events processed in parallel by one worker (different residents only); SQLite always uses 1.
    worker_concurrency: int = 2
    # Events of different residents handled in one transaction (one flush, one commit); savepoints only
    # when one of them fails (the batch is then run again, each event behind its own).
    worker_batch_size: int = 20
    scheduler_interval_seconds: float = 15.0
    # Multicast calls per second for notices: half of LINE's 200/s, headroom for replies and pushes.
    notice_multicast_per_second: float = 100.0

    complaint_due_days: int = 15
    complaint_reminder_days_before: int = 3
    complaint_auto_close_days: int = 7
    tip_handle_days: int = 7
    photo_max_bytes: int = 10 * 1024 * 1024
    photos_per_case: int = 5

    # Operations: `/metrics` answers loopback callers only, or anyone presenting this bearer token.
    metrics_token: SecretStr | None = None
    # "json" (one JSON object per line) or "console"; unset: JSON with a real LINE channel, console in the simulator.
    log_format: str | None = None

    @property
    def simulator_mode(self) -> bool:
        """True when no LINE channel is configured: the built-in simulator stands in for LINE."""
        return not (self.line_channel_secret and self.line_channel_access_token)

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" if self.log_format else not self.simulator_mode

    @cached_property
    def organisation(self) -> Organisation:
        return load_organisation(self.tambon_config)

    @property
    def tips_key_file(self) -> Path:
        """Where the embedded default keeps its generated key: beside the SQLite file (else here)."""
        if self.database_url.startswith("sqlite:///") and self.database_url != "sqlite:///:memory:":
            return Path(self.database_url.removeprefix("sqlite:///")).with_suffix(".tips.key")
        return Path("tambon.tips.key")

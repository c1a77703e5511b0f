"""Sealing whistleblowers' identities: Fernet encryption under a key list that supports rotation.

`TAMBON_TIPS_KEY` holds one or more comma-separated Fernet keys, newest first: new data is sealed with
the first, and any listed key opens old data. Rotate by putting a new key first, running
`tambon tips rotate-key` (re-seals every record with the new key), then dropping the old key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = structlog.get_logger(__name__)

SEALED_PREFIX = "sealed:"
_BLIND_LABEL = b"tambon/blind-index/v1"


def coarse_time(at: datetime) -> datetime:
    """`at` floored to the hour: the only precision a sealed row keeps, so that it cannot be matched to
    the exact timestamps of the reporter's ordinary rows."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def coarse_after(at: datetime) -> datetime:
    """`at` rounded up to the next whole hour (for purge deadlines that must not come early)."""
    floor = coarse_time(at)
    return floor if floor == at else floor + timedelta(hours=1)


class SealError(ValueError):
    """Sealed data that none of the configured keys opens."""


class Sealer:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        # One blind-index key per Fernet key, derived (never the key itself), newest first.
        self._blind_keys = [
            hmac.new(base64.urlsafe_b64decode(k.encode()), _BLIND_LABEL, hashlib.sha256).digest() for k in keys
        ]

    def seal(self, value: Any) -> str:
        """JSON-encode and encrypt `value`; the result is safe to store anywhere.

        A Fernet token carries its creation time in clear: it is set to the hour, not the second, so
        that a token cannot be matched to the exact moment of a turn."""
        hour = int(time.time()) // 3600 * 3600
        return self._fernet.encrypt_at_time(json.dumps(value, ensure_ascii=False).encode(), hour).decode()

    def open(self, token: str) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as error:
            raise SealError("sealed data cannot be opened with the configured keys") from error

    def reseal(self, token: str) -> str:
        """The same data sealed with the newest key (for key rotation)."""
        return self._fernet.rotate(token.encode()).decode()

    def blind(self, value: str) -> str:
        """A keyed hash (HMAC-SHA256, 64 hex digits) of `value` under the newest key: an index that
        finds the same value again but that nobody without the key can compute from a LINE user id."""
        return self.blinds(value)[0]

    def blinds(self, value: str) -> list[str]:
        """`value`'s keyed hash under every configured key, newest first (rows written before a
        rotation are still found)."""
        return [hmac.new(key, value.encode(), hashlib.sha256).hexdigest() for key in self._blind_keys]

    def seal_recipient(self, user_id: str) -> str:
        """An outbox recipient that only the sender, holding the key, can read."""
        return SEALED_PREFIX + self.seal(user_id)

    def open_recipient(self, recipient: str) -> str:
        return self.open(recipient.removeprefix(SEALED_PREFIX)) if recipient.startswith(SEALED_PREFIX) else recipient


def load_sealer(configured: str | None, key_file: Path) -> Sealer:
    """The sealer from TAMBON_TIPS_KEY, else from (or into) a local key file, with a loud warning."""
    if configured:
        return Sealer([k.strip() for k in configured.split(",") if k.strip()])
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
        log.warning(
            "tips.key_file_created", path=str(key_file), advice="set TAMBON_TIPS_KEY in production (see README)"
        )
    else:
        log.warning(
            "tips.key_from_local_file", path=str(key_file), advice="set TAMBON_TIPS_KEY in production (see README)"
        )
    keys = [line.strip() for line in key_file.read_text().splitlines() if line.strip()]
    return Sealer(keys)

"""Sealing whistleblowers' identities: Fernet encryption under a key list that supports rotation.

`TAMBON_TIPS_KEY` holds one or more comma-separated Fernet keys, newest first: new data is sealed with
the first, and any listed key opens old data. Rotate by putting a new key first, running
`tambon tips rotate-key` (re-seals every record with the new key), then dropping the old key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import structlog
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = structlog.get_logger(__name__)

SEALED_PREFIX = "sealed:"


class SealError(ValueError):
    """Sealed data that none of the configured keys opens."""


class Sealer:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def seal(self, value: Any) -> str:
        """JSON-encode and encrypt `value`; the result is safe to store anywhere."""
        return self._fernet.encrypt(json.dumps(value, ensure_ascii=False).encode()).decode()

    def open(self, token: str) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as error:
            raise SealError("sealed data cannot be opened with the configured keys") from error

    def reseal(self, token: str) -> str:
        """The same data sealed with the newest key (for key rotation)."""
        return self._fernet.rotate(token.encode()).decode()

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
        log.warning("tips.key_file_created", path=str(key_file),
                    advice="set TAMBON_TIPS_KEY in production (see README)")
    else:
        log.warning("tips.key_from_local_file", path=str(key_file),
                    advice="set TAMBON_TIPS_KEY in production (see README)")
    keys = [line.strip() for line in key_file.read_text().splitlines() if line.strip()]
    return Sealer(keys)

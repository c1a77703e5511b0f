"""`X-Line-Signature`: base64(HMAC-SHA256(channel secret, raw body bytes)).

Computed on the bytes exactly as received: the SDK's validator takes decoded text and re-encodes it,
which is not the same thing for a body that is not valid UTF-8.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def is_valid(secret: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison of the expected and given signatures."""
    return hmac.compare_digest(sign(secret, body).encode(), signature.encode("utf-8", "replace"))

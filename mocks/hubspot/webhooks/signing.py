"""HubSpot's request signatures, as its webhook deliveries carry them.

v3 (what a receiver should check): `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256, keyed
with the app's client secret, of method + URI + body + timestamp, the timestamp being
`X-HubSpot-Request-Timestamp` (epoch milliseconds); a receiver refuses a timestamp older than
five minutes, so every attempt is signed afresh. v1 (`X-HubSpot-Signature`, the hex SHA-256
of secret + body, with `X-HubSpot-Signature-Version: v1`) is still sent beside it, as HubSpot
does for webhooks.

`verify_v3` is the receiver's side, for tests and examples that do not use the SDK's
`hubspot.utils.signature.Signature`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

SIGNATURE_V3 = "X-HubSpot-Signature-v3"
TIMESTAMP = "X-HubSpot-Request-Timestamp"
SIGNATURE_V1 = "X-HubSpot-Signature"
VERSION = "X-HubSpot-Signature-Version"
MAX_AGE_MS = 5 * 60 * 1000  # receivers refuse a request signed longer ago


def sign_v3(secret: str, method: str, uri: str, body: bytes, timestamp_ms: int) -> str:
    """The v3 signature of one request (the body as sent, byte for byte)."""
    source = method.encode() + uri.encode() + body + str(timestamp_ms).encode()
    digest = hmac.new(secret.encode(), source, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign_v1(secret: str, body: bytes) -> str:
    return hashlib.sha256(secret.encode() + body).hexdigest()


def signed_headers(
    secret: str, method: str, uri: str, body: bytes, now_ms: int | None = None
) -> dict[str, str]:
    """Every header a delivery carries besides its content type."""
    stamp = int(time.time() * 1000) if now_ms is None else now_ms
    return {
        SIGNATURE_V3: sign_v3(secret, method, uri, body, stamp),
        TIMESTAMP: str(stamp),
        SIGNATURE_V1: sign_v1(secret, body),
        VERSION: "v1",
    }


def verify_v3(
    secret: str,
    method: str,
    uri: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    now_ms: int | None = None,
) -> bool:
    """True when the signature matches and the timestamp is under five minutes old."""
    if not signature or not timestamp or not timestamp.isdigit():
        return False
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if now - int(timestamp) > MAX_AGE_MS:
        return False
    expected = sign_v3(secret, method, uri, body, int(timestamp))
    return hmac.compare_digest(expected, signature)


__all__ = [
    "MAX_AGE_MS",
    "SIGNATURE_V1",
    "SIGNATURE_V3",
    "TIMESTAMP",
    "VERSION",
    "sign_v1",
    "sign_v3",
    "signed_headers",
    "verify_v3",
]

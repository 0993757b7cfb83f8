"""Who may call the mock: NetSuite token-based authentication (OAuth 1.0a), checked as
NetSuite checks it. Every refusal is the same 401 INVALID_LOGIN (NetSuite tells a client
nothing more; the reason goes to its Login Audit Trail, here to `TbaVerifier.last_refusal`).

A request passes only with an `Authorization: OAuth ...` header that carries:
- `realm` equal to the account id the mock was configured with, exactly (`1234567_SB1`; the
  host-style `1234567-sb1` or another case is another account);
- the configured consumer key and token id;
- `oauth_signature_method="HMAC-SHA256"`: the only method NetSuite supports for TBA (HMAC-SHA1
  was withdrawn in 2021.2 for sandboxes and 2023.1 for production); the pinned `netsuite`
  SDK (0.12.0) and our connector both sign with it;
- `oauth_version`, if present, `1.0`;
- a nonce of 6 to 64 characters that this token has not used with this timestamp before;
- a timestamp within `SKEW_SECONDS` (5 minutes) of the server's clock, either way;
- a signature equal to HMAC-SHA256 over the RFC 5849 base string (method, the URL the client
  addressed without its query, every `oauth_*` parameter but the signature plus the query
  parameters), keyed by the consumer secret and the token secret.

`oauth_body_hash` (which the SDK's Authlib adds to requests with a body) is signed like any
`oauth_*` parameter; NetSuite does not document checking it against the body, so neither
does the mock. OAuth parameters in the query string are refused: NetSuite's REST web
services read them from the header only.

The clock is the wall clock by default, not the store's: clients sign with the time of their
own machine, and tests freeze the store's clock at fixed dates that have nothing to do with
it. A test that needs to move the auth clock builds the verifier with its own `clock`.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from fastapi import Request
from starlette.types import Scope

from mocks.netsuite.config import NetSuiteMockConfig
from mocks.netsuite.errors import LOGIN_AUDIT_DETAIL, NetSuiteError
from mocks.netsuite.nonces import NonceCache
from mocks.netsuite.oauth1 import (
    OAuthHeaderError,
    base_string_uri,
    hmac_sha256_signature,
    parse_oauth_header,
    query_parameters,
    signature_base_string,
)

SIGNATURE_METHOD = "HMAC-SHA256"
SKEW_SECONDS = 300
NONCE_LENGTHS = range(6, 65)
_REQUIRED = ("realm", "oauth_consumer_key", "oauth_token", "oauth_signature_method",
             "oauth_nonce", "oauth_timestamp", "oauth_signature")  # fmt: skip


class AuthError(ValueError):
    """Why a credential was refused (kept for the audit trail; the client sees INVALID_LOGIN)."""


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class TbaVerifier:
    """Checks token-based-auth headers for one account; remembers nonces to refuse replays."""

    def __init__(
        self,
        config: NetSuiteMockConfig,
        *,
        clock: Callable[[], float] = time.time,
        skew_seconds: int = SKEW_SECONDS,
    ) -> None:
        self.config = config
        self.clock = clock
        self.skew_seconds = skew_seconds
        self.nonces = NonceCache(keep_seconds=2 * skew_seconds)
        self.last_refusal: str | None = None

    def verify(self, method: str, scope: Scope) -> None:
        """Raise AuthError unless the ASGI HTTP `scope` carries a valid signature."""
        authorization = _header(scope, b"authorization")
        if not authorization:
            raise AuthError("no Authorization header")
        try:
            params = parse_oauth_header(authorization)
        except OAuthHeaderError as exc:
            raise AuthError(str(exc)) from exc
        self._check_identity(params)
        now = self.clock()
        timestamp = self._check_timestamp(params["oauth_timestamp"], now)
        query = query_parameters(scope)
        if any(name.startswith("oauth_") for name, _ in query):
            raise AuthError("OAuth parameters in the query string")
        signed = [(k, v) for k, v in params.items() if k not in ("realm", "oauth_signature")]
        base = signature_base_string(method, base_string_uri(scope), [*signed, *query])
        expected = hmac_sha256_signature(
            base, self.config.consumer_secret, self.config.token_secret
        )
        if not _equal(params["oauth_signature"], expected):
            raise AuthError("signature does not match the request")
        key = (params["oauth_consumer_key"], params["oauth_token"], params["oauth_nonce"],
               str(timestamp))  # fmt: skip
        if not self.nonces.first_use(key, now):
            raise AuthError("nonce already used with this timestamp (a replay)")

    def _check_identity(self, params: dict[str, str]) -> None:
        missing = [name for name in _REQUIRED if not params.get(name)]
        if missing:
            raise AuthError(f"missing OAuth parameter(s) {missing}")
        if params["oauth_signature_method"] != SIGNATURE_METHOD:
            raise AuthError(f"signature method {params['oauth_signature_method']!r} refused")
        if params.get("oauth_version", "1.0") != "1.0":
            raise AuthError(f"oauth_version {params['oauth_version']!r} refused")
        if params["realm"] != self.config.account_id:  # exact: the realm names the account
            raise AuthError(f"realm {params['realm']!r} is not this account")
        if not _equal(params["oauth_consumer_key"], self.config.consumer_key):
            raise AuthError("unknown consumer key")
        if not _equal(params["oauth_token"], self.config.token_id):
            raise AuthError("unknown token id")
        if len(params["oauth_nonce"]) not in NONCE_LENGTHS:
            raise AuthError("nonce must be 6 to 64 characters")

    def _check_timestamp(self, text: str, now: float) -> int:
        if not text.isascii() or not text.isdigit():
            raise AuthError("timestamp is not a whole number of seconds")
        timestamp = int(text)
        if abs(timestamp - now) > self.skew_seconds:
            raise AuthError(f"timestamp {timestamp} is more than {self.skew_seconds}s from now")
        return timestamp


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def verifier_of(request: Request) -> TbaVerifier:
    verifier: TbaVerifier = request.app.state.netsuite_tba
    return verifier


async def require_login(request: Request) -> None:
    """FastAPI dependency guarding every `/services/rest` route.

    A coroutine: it hashes a few hundred bytes and takes a lock held for microseconds, so
    it runs on the event loop instead of costing each request a hop to the threadpool."""
    verifier = verifier_of(request)
    try:
        verifier.verify(request.method, request.scope)
    except AuthError as exc:
        verifier.last_refusal = str(exc)
        raise NetSuiteError(401, "INVALID_LOGIN", LOGIN_AUDIT_DETAIL) from exc


__all__ = ["SIGNATURE_METHOD", "SKEW_SECONDS", "AuthError", "TbaVerifier", "require_login"]

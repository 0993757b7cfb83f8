"""Who may call the mock: NetSuite token-based auth (OAuth 1.0a) or a bearer stand-in.

Token-based auth: the `Authorization: OAuth ...` header must carry the account id as realm,
the configured consumer key and token id, HMAC-SHA256 as signature method, a nonce, a
timestamp and a signature. The HMAC is *not* verified: the SDK signs the URL it calls (the
loopback one), and verifying adds nothing a mock needs.

`Authorization: Bearer <token>` with the configured `token_secret` stands in for OAuth 2.0
machine-to-machine access tokens, so plain HTTP clients can call the mock without signing.
"""

from __future__ import annotations

import hmac
import re
from urllib.parse import unquote

from fastapi import Request

from mocks.netsuite.config import NetSuiteMockConfig
from mocks.netsuite.errors import LOGIN_AUDIT_DETAIL, NetSuiteError

SIGNATURE_METHOD = "HMAC-SHA256"
_REQUIRED = ("oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_nonce",
             "oauth_timestamp", "oauth_signature")  # fmt: skip
_PARAM = re.compile(r'\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class AuthError(ValueError):
    """Why a credential was refused (kept for logs; the client only sees INVALID_LOGIN)."""


def parse_oauth_header(value: str) -> dict[str, str]:
    """The parameters of an `OAuth k="v", ...` header, percent-decoded."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "oauth":
        raise AuthError("not an OAuth header")
    params: dict[str, str] = {}
    pos = 0
    while pos < len(rest):
        match = _PARAM.match(rest, pos)
        if match is None:
            raise AuthError(f"malformed OAuth parameter near {rest[pos : pos + 20]!r}")
        params[match.group(1)] = unquote(match.group(2))
        pos = match.end()
    return params


def _same_account(realm: str, account_id: str) -> bool:
    def norm(text: str) -> str:
        return text.strip().lower().replace("-", "_")

    return norm(realm) == norm(account_id)


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def check_credentials(authorization: str | None, config: NetSuiteMockConfig) -> str:
    """Return the scheme used ("oauth1" or "bearer") or raise AuthError."""
    if not authorization:
        raise AuthError("no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        if token.strip() and _equal(token.strip(), config.token_secret):
            return "bearer"
        raise AuthError("unknown bearer token")
    params = parse_oauth_header(authorization)
    missing = [name for name in ("realm", *_REQUIRED) if not params.get(name)]
    if missing:
        raise AuthError(f"missing OAuth parameter(s) {missing}")
    if not _same_account(params["realm"], config.account_id):
        raise AuthError(f"realm {params['realm']!r} is not account {config.account_id!r}")
    if not _equal(params["oauth_consumer_key"], config.consumer_key):
        raise AuthError("unknown consumer key")
    if not _equal(params["oauth_token"], config.token_id):
        raise AuthError("unknown token id")
    if params["oauth_signature_method"] != SIGNATURE_METHOD:
        raise AuthError(f"signature method must be {SIGNATURE_METHOD}")
    return "oauth1"


async def require_login(request: Request) -> None:
    """FastAPI dependency guarding every `/services/rest` route.

    A coroutine: it only parses a header (no I/O, no locks), so it runs on the event loop
    instead of costing each request a hop to the threadpool and back."""
    config: NetSuiteMockConfig = request.app.state.netsuite.config
    try:
        check_credentials(request.headers.get("authorization"), config)
    except AuthError as exc:
        raise NetSuiteError(401, "INVALID_LOGIN", LOGIN_AUDIT_DETAIL) from exc

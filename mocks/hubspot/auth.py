"""HubSpot's authentication: a private app's Bearer token, and OAuth access tokens that
`POST /oauth/v1/token` issues for a refresh token (they expire after `oauth_expires_in`
seconds on the store clock, then answer 401 EXPIRED_AUTHENTICATION).

`AuthGate` is pure ASGI and sits outside the routes, so every path is guarded, odd spellings
and unrouted ones included; only the token endpoint and the admin API pass without a token.
The token a request carries is left in the scope for the rate limiter."""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.admin import ADMIN_PREFIX
from mocks.faults.asgi import send_json
from mocks.hubspot.config import HubSpotMockConfig
from mocks.hubspot.errors import HubSpotError, error_body
from mocks.hubspot.routes.common import add_route, answer
from mocks.store import RecordStore

TOKEN_PATH = "/oauth/v1/token"
TOKEN_SCOPE_KEY = "hubspot.token"  # (token, is_private_app) of an accepted request
PUBLIC_PATHS = frozenset({TOKEN_PATH, TOKEN_PATH + "/"})


@dataclass
class Issued:
    expires_at: datetime
    revoked: bool = False


class TokenBook:
    """The private-app token and the OAuth tokens issued so far."""

    def __init__(self, config: HubSpotMockConfig, store: RecordStore) -> None:
        self.config = config
        self.store = store
        self._lock = threading.Lock()
        self._issued: dict[str, Issued] = {}

    def issue(self, lifetime: int) -> str:
        token = f"CN{secrets.token_hex(24)}"
        with self._lock:
            self._issued[token] = Issued(self.store.now() + timedelta(seconds=lifetime))
        return token

    def verdict(self, token: str) -> tuple[str | None, bool]:
        """(None, private?) for a good token, else (the 401 category, False)."""
        if hmac.compare_digest(token.encode(), self.config.access_token.encode()):
            return None, True
        with self._lock:
            issued = self._issued.get(token)
        if issued is None:
            return "INVALID_AUTHENTICATION", False
        if issued.revoked or self.store.now() >= issued.expires_at:
            return "EXPIRED_AUTHENTICATION", False
        return None, False

    def revoke_all(self) -> int:
        """Expire every OAuth token issued so far (the `token_expiry` fault)."""
        with self._lock:
            live = [t for t in self._issued.values() if not t.revoked]
            for issued in live:
                issued.revoked = True
            return len(live)


def refusal(category: str) -> dict[str, object]:
    message = {
        "EXPIRED_AUTHENTICATION": "The OAuth token used to make this call expired.",
        "INVALID_AUTHENTICATION": "Authentication credentials not found. This API supports "
        "OAuth 2.0 authentication and you can find more details at "
        "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    }.get(category, "Authentication failed.")
    return error_body(401, message, category)


class AuthGate:
    """Refuses every vendor request without a good Bearer token, before routing."""

    def __init__(self, app: ASGIApp, tokens: TokenBook) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(ADMIN_PREFIX) or path in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        if path.startswith("/webhooks/"):  # the app's settings: its developer key, only
            if _developer_key(scope, self.tokens.config.developer_api_key):
                await self.app(scope, receive, send)
            else:
                await send_json(send, 401, refusal("INVALID_AUTHENTICATION"))
            return
        token = _bearer(scope)
        category, private = (
            self.tokens.verdict(token) if token else ("INVALID_AUTHENTICATION", False)
        )
        if category is not None:
            await send_json(send, 401, refusal(category))
            return
        scope[TOKEN_SCOPE_KEY] = (token, private)
        await self.app(scope, receive, send)


def _developer_key(scope: Scope, key: str) -> bool:
    """A webhooks API call with the developer account's key (`?hapikey=`), as the SDK's
    `webhooks` module sends it."""
    path = scope.get("path", "")
    if not path.startswith("/webhooks/"):
        return False
    given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("hapikey", [""])[0]
    return bool(given) and hmac.compare_digest(given, key)


def _bearer(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


def _oauth_error(message: str, status: str = "BAD_REFRESH_TOKEN") -> HubSpotError:
    err = HubSpotError(400, message, status)
    err.body = {"status": status, "message": message, "correlationId": err.body["correlationId"]}
    return err


def build_router(tokens: TokenBook, settings: dict[str, object]) -> APIRouter:
    """`POST /oauth/v1/token`, form-encoded `grant_type=refresh_token` with the client's
    id, secret and refresh token."""
    router = APIRouter()
    config = tokens.config

    async def token(request: Request) -> Response:
        form = {
            k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()
        }
        if form.get("grant_type") != "refresh_token":
            raise _oauth_error(
                f"unsupported grant_type {form.get('grant_type')!r}; this portal"
                " issues tokens for refresh_token only",
                "BAD_GRANT_TYPE",
            )
        if (form.get("client_id"), form.get("client_secret")) != (
            config.client_id,
            config.client_secret,
        ):
            raise _oauth_error("missing or unknown client id or secret", "BAD_CLIENT_ID")
        if form.get("refresh_token") != config.refresh_token:
            raise _oauth_error("missing or unknown refresh token")
        lifetime = int(str(settings.get("oauth_expires_in", 1800)))
        return answer(
            {
                "access_token": tokens.issue(lifetime),
                "refresh_token": config.refresh_token,
                "expires_in": lifetime,
                "token_type": "bearer",
            }
        )

    add_route(router, TOKEN_PATH, token, ["POST"])
    return router


__all__ = ["PUBLIC_PATHS", "TOKEN_PATH", "TOKEN_SCOPE_KEY", "AuthGate", "TokenBook", "build_router"]

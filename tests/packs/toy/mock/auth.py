"""`POST /oauth/token` (the client-credentials grant) and the bearer gate before every other
route. The gate is pure ASGI, so it also covers unknown paths: nothing but the token
endpoint and the admin API (which has its own token) answers without a valid bearer token."""

from __future__ import annotations

import base64
import hmac

from fastapi import APIRouter, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.admin import ADMIN_PREFIX
from mocks.context import MockContext
from tests.packs.toy.mock.errors import ToyError, error_response, json_response
from tests.packs.toy.mock.state import ToyState

TOKEN_PATH = "/oauth/token"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="toy"'}


def unauthorized(message: str = "a valid bearer token is required") -> ToyError:
    return ToyError(401, "unauthorized", message, headers=_CHALLENGE)


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return client_id, secret


async def token(request: Request) -> Response:
    """Client id and secret in the form or in Basic auth -> a bearer token."""
    state: ToyState = request.app.state.toy
    ctx: MockContext = request.app.state.mock
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    if params.get("grant_type") != "client_credentials":
        raise ToyError(400, "unsupported_grant_type", "only client_credentials is supported")
    client_id, secret = _basic(request) or (
        params.get("client_id", ""),
        params.get("client_secret", ""),
    )
    if not (
        hmac.compare_digest(client_id, state.client_id)
        and hmac.compare_digest(secret, state.client_secret)
    ):
        raise ToyError(401, "invalid_client", "unknown client id or wrong secret")
    body = {
        "access_token": state.tokens.issue(),
        "token_type": "bearer",
        "expires_in": int(ctx.settings["token_ttl_seconds"]),
    }
    return json_response(body, headers={"Cache-Control": "no-store"})


def build_auth_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route(TOKEN_PATH, token, methods=["POST"], include_in_schema=False)
    return router


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, credential = value.decode("latin-1").partition(" ")
            return credential.strip() if scheme.lower() == "bearer" else None
    return None


class BearerGate:
    """Refuses, with 401 in the toy's shape, every request without a live bearer token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path == TOKEN_PATH or path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        state: ToyState = scope["app"].state.toy
        ctx: MockContext = scope["app"].state.mock
        ttl = float(ctx.settings["token_ttl_seconds"])
        if not state.tokens.is_valid(_bearer(scope), ttl):
            await error_response(unauthorized())(scope, receive, send)
            return
        await self.app(scope, receive, send)


__all__ = ["TOKEN_PATH", "BearerGate", "build_auth_router", "unauthorized"]

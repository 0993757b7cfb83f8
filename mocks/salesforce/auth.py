"""`POST /services/oauth2/token`: the password, client-credentials, refresh-token and JWT
bearer grants (SOAP login is `routes.soap_login`).

simple-salesforce logs in at a salesforce.com host (`https://{domain}.salesforce.com`); the
harness calls this endpoint itself and hands the SDK `instance_url` and the token, and the
SDK's own logins reach the mock when its session sends that host here (see the fidelity
tests).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.errors import json_response
from mocks.salesforce.jwt_bearer import GRANT_TYPE as JWT_GRANT
from mocks.salesforce.jwt_bearer import LOGIN_AUDIENCES, JwtRefusal, verify_assertion
from mocks.salesforce.state import sf_state

TOKEN_PATH = "/services/oauth2/token"


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return client_id, secret


def _success(request: Request, extra: dict[str, Any] | None = None) -> Response:
    state = sf_state(request)
    config = state.config
    instance_url = str(request.base_url).rstrip("/")
    identity = f"{instance_url}/id/{config.org_id}/{config.user_id}"
    issued_at = str(int(time.time() * 1000))
    digest = hmac.new(
        config.client_secret.encode(), f"{identity}{issued_at}".encode(), hashlib.sha256
    ).digest()
    body = {
        "access_token": state.tokens.issue_access(),
        "instance_url": instance_url,
        "id": identity,
        "token_type": "Bearer",
        "issued_at": issued_at,
        "signature": base64.b64encode(digest).decode(),
        **(extra or {}),
    }
    return json_response(body)


def _jwt_bearer(request: Request, assertion: str) -> Response:
    """The JWT bearer grant: no client secret, no refresh token (the client signs anew)."""
    config = sf_state(request).config
    audiences = [*LOGIN_AUDIENCES, str(request.base_url).rstrip("/")]  # this org's own URL
    try:
        verify_assertion(assertion, config, audiences)
    except JwtRefusal as refusal:
        return _oauth_error(refusal.error, refusal.description)
    return _success(request)


async def token(request: Request) -> Response:
    state = sf_state(request)
    config = state.config
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    grant = params.get("grant_type", "")
    if grant == JWT_GRANT:
        return _jwt_bearer(request, params.get("assertion", ""))
    basic = _basic_credentials(request)
    client_id = basic[0] if basic else params.get("client_id", "")
    secret = basic[1] if basic else params.get("client_secret")
    if grant not in ("password", "client_credentials", "refresh_token"):
        return _oauth_error("unsupported_grant_type", "grant type not supported")
    if not hmac.compare_digest(client_id.encode(), config.client_id.encode()):
        return _oauth_error("invalid_client", "invalid client credentials")
    # A refresh may omit the secret (public clients); every other grant must present it.
    if (secret is not None or grant != "refresh_token") and not hmac.compare_digest(
        (secret or "").encode(), config.client_secret.encode()
    ):
        return _oauth_error("invalid_client", "invalid client credentials")
    if grant == "password":
        expected = config.password + config.security_token  # the token rides on the password
        if params.get("username") != config.username or not hmac.compare_digest(
            params.get("password", "").encode(), expected.encode()
        ):
            return _oauth_error("invalid_grant", "authentication failure")
        return _success(request, {"refresh_token": state.tokens.issue_refresh(client_id)})
    refresh = params.get("refresh_token")
    if grant == "refresh_token" and state.tokens.refresh_client(refresh) != client_id:
        return _oauth_error("invalid_grant", "expired access/refresh token")
    return _success(request)


def build_auth_router() -> APIRouter:
    router = APIRouter()
    for path in (TOKEN_PATH, TOKEN_PATH + "/"):
        router.add_api_route(path, token, methods=["POST"], include_in_schema=False)
    return router

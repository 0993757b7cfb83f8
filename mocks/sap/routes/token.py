"""`POST /sap/bc/sec/oauth2/token`: the OAuth 2.0 client-credentials grant, the client in
Basic auth (or in the form), answering a Bearer token that expires on the store clock."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from mocks.sap.auth import basic_pair
from mocks.sap.limits import TOKEN_PATH
from mocks.sap.state import SapState

router = APIRouter()


def _oauth_error(status: int, error: str, description: str) -> Response:
    headers = {"www-authenticate": 'Basic realm="OAuth2"'} if status == 401 else {}
    return JSONResponse({"error": error, "error_description": description}, status, headers)


@router.post(TOKEN_PATH)
@router.post(TOKEN_PATH + "/", include_in_schema=False)
async def token(request: Request) -> Response:
    state: SapState = request.app.state.sap
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    pair = basic_pair(request.headers.get("authorization", ""))
    client_id, secret = pair if pair else (form.get("client_id", ""), form.get("client_secret", ""))
    if not client_id or not state.auth.client_ok(client_id, secret):
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", "Only grant_type=client_credentials is supported"
        )
    ttl = int(state.settings.get("token_ttl_seconds") or 3600)
    access = state.auth.issue_token(ttl)
    return JSONResponse(
        {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": "API_BUSINESS_PARTNER_0001 API_SALES_ORDER_SRV_0001",
        },
        headers={"cache-control": "no-store"},
    )


__all__ = ["router"]

"""The door every versioned REST call passes: API version, bearer token, daily allowance.

Pure ASGI middleware, so it also covers unknown routes and error replies: each counted
response carries `Sforce-Limit-Info: api-usage=N/LIMIT`, where N includes the call itself.
The versions root (`/services/data/`) and the OAuth endpoint are outside it; every other path
under `/services/data/` passes it. A version segment that is not a supported `vNN.0` (`v59`,
`v59.0x`, `V59.0`, `v99.0`, an empty one) is 404 NOT_FOUND before the token is looked at,
as Salesforce answers; no path under the data API reaches a route without a valid token.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mocks.context import MockContext
from mocks.salesforce.errors import ApiError, error_response, not_found
from mocks.salesforce.state import VERSION_SEGMENT, SalesforceState, version_segment

LIMIT_HEADER = b"sforce-limit-info"


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() in ("bearer", "oauth"):
                return token.strip()
    return None


class ApiGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        segment = version_segment(scope["path"]) if scope["type"] == "http" else None
        if segment is None:
            await self.app(scope, receive, send)
            return
        state: SalesforceState = scope["app"].state.salesforce
        ctx: MockContext = scope["app"].state.mock
        version = VERSION_SEGMENT.fullmatch(segment)
        if version is None or version.group(1) not in state.versions:
            await error_response(not_found())(scope, receive, send)
            return
        if not state.tokens.is_valid(_bearer(scope), ctx.settings.get("token_ttl_seconds")):
            err = ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")
            await error_response(err)(scope, receive, send)
            return
        with state.usage_lock:
            limit = int(ctx.settings["daily_api_limit"])
            used = int(ctx.settings["api_requests_used"])
            exhausted = used >= limit
            if not exhausted:
                used += 1
                ctx.settings["api_requests_used"] = used
        usage = f"api-usage={used}/{limit}"
        if exhausted:
            err = ApiError(
                403,
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
                headers={"Sforce-Limit-Info": usage},
            )
            await error_response(err)(scope, receive, send)
            return

        async def send_with_usage(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), (LIMIT_HEADER, usage.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_usage)

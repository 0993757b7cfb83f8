"""The door every Salesforce REST call passes: session, API version, daily allowance.

Pure ASGI middleware, so it also covers unknown routes and error replies: each counted
response carries `Sforce-Limit-Info: api-usage=N/LIMIT`, where N includes the call itself.
Which paths it guards, and why the session comes before the version, is `auth_gate`'s job:
every path under `/services/` but the login doors and the versions root needs a valid
session (401 INVALID_SESSION_ID), whatever version string it spells; with one, a version
that is not a supported `vNN.0` is 404 NOT_FOUND and is not counted.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mocks.context import MockContext
from mocks.salesforce.auth_gate import door, known_version, presented_session
from mocks.salesforce.errors import ApiError, error_response, not_found
from mocks.salesforce.state import SalesforceState

LIMIT_HEADER = b"sforce-limit-info"


class ApiGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or door(scope["path"]) != "guarded":
            await self.app(scope, receive, send)
            return
        state: SalesforceState = scope["app"].state.salesforce
        ctx: MockContext = scope["app"].state.mock
        # The session first, whatever the path spells (see `auth_gate`), then the version.
        ttl = ctx.settings.get("token_ttl_seconds")
        if not state.tokens.is_valid(presented_session(scope), ttl):
            err = ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")
            await error_response(err)(scope, receive, send)
            return
        if known_version(scope["path"], state.versions) is False:
            await error_response(not_found())(scope, receive, send)
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

"""The account's concurrency limit, as ASGI middleware in front of `/services/`.

NetSuite rejects a request at once (no queueing) when the account already has its limit of
requests in flight: 429 with CONCURRENCY_LIMIT_EXCEEDED. The limit is read from the
`max_concurrent` setting on every request, so the admin API can tighten it mid-run.
The middleware also drops a trailing slash, so `/record/v1/customer/` routes like
`/record/v1/customer` without a redirect.
"""

from __future__ import annotations

import threading

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.netsuite.errors import NetSuiteError

API_PREFIX = "/services/"


class ConcurrencyGate:
    """Counts in-flight API requests and turns away those beyond the limit."""

    def __init__(self, app: ASGIApp, ctx: MockContext, default_limit: int = 15) -> None:
        self.app = app
        self.ctx = ctx
        self.default_limit = default_limit
        self._lock = threading.Lock()
        self.in_flight = 0

    def _limit(self) -> int:
        value = self.ctx.settings.get("max_concurrent", self.default_limit)
        return value if isinstance(value, int) else self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        if scope["path"].endswith("/"):
            scope = {**scope, "path": scope["path"].rstrip("/")}
        with self._lock:
            admitted = self.in_flight < self._limit()
            if admitted:
                self.in_flight += 1
        if not admitted:
            error = NetSuiteError(
                429,
                "CONCURRENCY_LIMIT_EXCEEDED",
                "Concurrent request limit exceeded. Request blocked.",
            )
            await error.response()(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.in_flight -= 1

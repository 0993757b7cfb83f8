"""The SAP dialect of the fault middleware: operation kinds from OData paths, SAP's error
JSON, 429 with Retry-After, and token expiry (every OAuth and CSRF token revoked, and the
next logons refused with SAP's 401). SAP's own traps (CSRF expiry, a failing change set, a
stale ETag, a drifting `__next`, a field length changed in `$metadata`) are staged through
`POST /__harness/sap/traps` (`mocks.sap.faults.traps`)."""

from __future__ import annotations

import random
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.dialect import Body, Headers, Stage
from mocks.faults.plan import Effect, PagingDrift, PartialBatch, RateLimit, SchemaDrift
from mocks.sap.errors import CODES, SAP_REALM, SapError
from mocks.sap.faults.stages import batch_stage, drift_stage
from mocks.sap.limits import TOKEN_PATH

ODATA = "/sap/opu/odata/sap/"
_DEFAULTS: dict[int, tuple[str, str]] = {
    400: (CODES["bad_request"], "The request could not be processed"),
    401: ("/IWFND/CM_CONSUMER/101", "Logon failed: user or password wrong"),
    403: ("/IWFND/CM_CONSUMER/004", "No authorization to access this service"),
    404: (CODES["not_found"], "Resource not found for segment ''"),
    429: ("/IWFND/CM_MGW/429", "Too many requests: the rate limit of the system was reached"),
    503: ("/IWFND/CM_MGW/503", "Service temporarily unavailable: try again later"),
}


class SapDialect:
    vendor = "sap"
    supported = frozenset(
        {
            "latency",
            "error",
            "rate_limit",
            "window_limit",
            "hang",
            "reset",
            "malformed_json",
            "truncated_json",
            "token_expiry",
            "partial_batch",
            "paging_drift",
        }
    )

    def kind(self, method: str, path: str) -> str:
        lowered = path.lower().replace("//", "/")
        if lowered.rstrip("/") == TOKEN_PATH:
            return "auth"
        if not lowered.startswith(ODATA):
            return "other"
        rest = lowered[len(ODATA) :].strip("/")
        if "/" not in rest or rest.endswith("$metadata"):
            return "describe"
        if rest.endswith("$batch"):
            return "write"
        if method.upper() in ("GET", "HEAD"):
            return (
                "read" if rest.rstrip(")").endswith(")") or "(" in rest.split("/")[1] else "query"
            )
        return "write"

    def error(self, status: int, code: str | None, message: str | None) -> tuple[Body, Headers]:
        default_code, default_message = _DEFAULTS.get(
            status, ("/IWBEP/CM_MGW_RT/500", "An exception was raised in the backend")
        )
        err = SapError(status, code or default_code, message or default_message)
        headers = [(b"sap-message", err.sap_message().encode())]
        if status == 401:
            headers.append((b"www-authenticate", SAP_REALM.encode()))
        return err.body(), headers

    def rate_limited(
        self, effect: RateLimit, retry_after: int, ctx: MockContext
    ) -> tuple[int, Body, Headers]:
        body, headers = self.error(429, None, None)
        return 429, body, [*headers, (b"retry-after", str(retry_after).encode())]

    def expire_tokens(self, scope: Scope, requests: int, refuse: Any) -> dict[str, Any]:
        app = scope.get("app")
        state = getattr(getattr(app, "state", None), "sap", None)
        revoked = state.auth.revoke_all() if state is not None else 0
        refuse(requests)
        return {"revoked_tokens": revoked, "refused_requests": requests}

    def stage(
        self, effect: Effect, ctx: MockContext, facts: dict[str, Any], rng: random.Random
    ) -> Stage | None:
        if isinstance(effect, PartialBatch):
            return batch_stage(effect, ctx, facts)
        if isinstance(effect, PagingDrift):
            return drift_stage(effect, ctx, facts)
        return None

    def drift_stage(self, drifts: list[SchemaDrift]) -> Stage:
        async def passthrough(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
            await inner(scope, receive, send)

        return passthrough


DIALECT = SapDialect()

__all__ = ["DIALECT", "SapDialect"]

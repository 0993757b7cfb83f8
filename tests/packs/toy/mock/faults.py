"""The Toy CRM dialect of the shared fault middleware (`mocks.faults.dialect.Dialect`).

It sorts requests into operation kinds, renders error bodies in the toy's shape, answers
throttling with 429 and Retry-After, and revokes every issued token on `token_expiry`. The
toy has no vendor-specific effects (no batches, no drift on the wire): the generic effects
of `mocks.faults.effects` and the middleware (latency, error, rate_limit, window_limit,
hang, reset, malformed_json, truncated_json) are the rest of what it supports.
"""

from __future__ import annotations

import random
import re
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.dialect import Body, Headers, Stage
from mocks.faults.effects import hubspot_limit_body
from mocks.faults.plan import Effect, RateLimit, SchemaDrift
from tests.packs.toy.mock.auth import TOKEN_PATH
from tests.packs.toy.mock.errors import error_body
from tests.packs.toy.mock.state import ToyState

_CLIENTS = re.compile(r"^/api/v1/clients(/.*)?$")
_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "the request could not be read"),
    401: ("unauthorized", "a valid bearer token is required"),
    403: ("forbidden", "this client may not do that"),
    404: ("not_found", "no such resource"),
    409: ("conflict", "the request conflicts with the current state"),
    429: ("rate_limited", "too many requests; retry later"),
    500: ("internal_error", "something went wrong on our side"),
    502: ("bad_gateway", "an upstream service failed"),
    503: ("unavailable", "the service is temporarily unavailable"),
    504: ("timeout", "the request timed out"),
}


class ToyDialect:
    vendor = "toy"
    supported = frozenset(
        {"latency", "error", "rate_limit", "window_limit", "hang", "reset", "malformed_json",
         "truncated_json", "token_expiry"}
    )  # fmt: skip

    def kind(self, method: str, path: str) -> str:
        if path.rstrip("/") == TOKEN_PATH:
            return "auth"
        if path.startswith("/api/v1/schema"):
            return "describe"
        found = _CLIENTS.match(path)
        if found is None:
            return "other"
        if method != "GET":
            return "write"
        return "query" if found.group(1) in (None, "/") else "read"

    def error(self, status: int, code: str | None, message: str | None) -> tuple[Body, Headers]:
        default_code, default_message = _DEFAULTS.get(status, ("error", f"HTTP {status}"))
        return error_body(code or default_code, message or default_message), []

    def rate_limited(
        self, effect: RateLimit, retry_after: int, ctx: MockContext
    ) -> tuple[int, Body, Headers]:
        headers = [(b"retry-after", str(retry_after).encode())]
        if effect.style == "hubspot":
            return 429, hubspot_limit_body(), headers
        body, _ = self.error(429, None, None)
        return 429, body, headers

    def expire_tokens(self, scope: Scope, requests: int, refuse: Any) -> dict[str, Any]:
        state: ToyState = scope["app"].state.toy
        return {"revoked_tokens": state.tokens.revoke_all()}

    def stage(
        self, effect: Effect, ctx: MockContext, facts: dict[str, Any], rng: random.Random
    ) -> Stage | None:
        return None  # no vendor-specific effects

    def drift_stage(self, drifts: list[SchemaDrift]) -> Stage:
        """Never in force (`schema_drift` is not supported): passes requests through."""

        async def through(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
            await inner(scope, receive, send)

        return through


DIALECT = ToyDialect()

__all__ = ["DIALECT", "ToyDialect"]

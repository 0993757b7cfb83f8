"""The NetSuite dialect of the fault middleware: operation kinds, `o:errorDetails` bodies,
429 CONCURRENCY_LIMIT_EXCEEDED, refused logins (token expiry), late visibility of list and
SuiteQL rows, and offset paging drift."""

from __future__ import annotations

import random
import re
from typing import Any

from starlette.types import Scope

from mocks.context import MockContext
from mocks.faults.dialect import Body, Headers, Stage
from mocks.faults.effects import hubspot_limit_body
from mocks.faults.plan import Effect, LateVisibility, PagingDrift, RateLimit, SchemaDrift
from mocks.netsuite.errors import LOGIN_AUDIT_DETAIL, NetSuiteError
from mocks.netsuite.faults.drift import NetSuiteDrift
from mocks.netsuite.faults.paging import paging_stage
from mocks.netsuite.faults.visibility import late_stage

RECORDS = "/services/rest/record/v1/"
SUITEQL = "/services/rest/query/v1/suiteql"
_CATALOG = RECORDS + "metadata-catalog"
_LIST = re.compile(r"^/services/rest/record/v1/(\w+)/?$")
_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("USER_ERROR", "The request could not be processed."),
    401: ("INVALID_LOGIN", LOGIN_AUDIT_DETAIL),
    403: ("INSUFFICIENT_PERMISSION", "Permission violation: you lack the role needed."),
    404: ("NONEXISTENT_ID", "The record instance does not exist."),
    429: ("CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked."),
}


class NetSuiteDialect:
    vendor = "netsuite"
    supported = frozenset(
        {"latency", "error", "rate_limit", "window_limit", "hang", "reset", "malformed_json",
         "truncated_json", "token_expiry", "schema_drift", "late_visibility", "paging_drift"}
    )  # fmt: skip

    def kind(self, method: str, path: str) -> str:
        if path.startswith(_CATALOG):
            return "describe"
        if path.rstrip("/") == SUITEQL:
            return "query"
        if path.startswith(RECORDS):
            if method == "GET":
                return "query" if _LIST.match(path) else "read"
            return "write"
        return "other"

    def error(self, status: int, code: str | None, message: str | None) -> tuple[Body, Headers]:
        default_code, default_message = _DEFAULTS.get(
            status,
            ("UNEXPECTED_ERROR", "An unexpected error occurred. Error ID: harness-fault."),
        )
        err = NetSuiteError(status, code or default_code, message or default_message)
        return err.body(), []

    def rate_limited(
        self, effect: RateLimit, retry_after: int, ctx: MockContext
    ) -> tuple[int, Body, Headers]:
        headers = [(b"retry-after", str(retry_after).encode())]
        if effect.style == "hubspot":
            return 429, hubspot_limit_body(), headers
        body, _ = self.error(429, None, None)
        return 429, body, headers

    def expire_tokens(self, scope: Scope, requests: int, refuse: Any) -> dict[str, Any]:
        refuse(requests)
        return {"refused_requests": requests}

    def stage(
        self, effect: Effect, ctx: MockContext, facts: dict[str, Any], rng: random.Random
    ) -> Stage | None:
        if isinstance(effect, LateVisibility):
            return late_stage(effect, ctx, facts)
        if isinstance(effect, PagingDrift):
            return paging_stage(effect, ctx, facts)
        return None

    def drift_stage(self, drifts: list[SchemaDrift]) -> Stage:
        return NetSuiteDrift(drifts)


DIALECT = NetSuiteDialect()

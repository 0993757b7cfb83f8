"""The Salesforce dialect of the fault middleware: operation kinds, error bodies (a JSON
array of `{"message", "errorCode", "fields"}`), throttling in both of Salesforce's styles,
session expiry, late visibility of query rows, and the collection and drift stages."""

from __future__ import annotations

import random
import re
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.asgi import capture, send_bytes, send_json
from mocks.faults.dialect import Body, Headers, Stage
from mocks.faults.effects import hubspot_limit_body
from mocks.faults.plan import (
    DuplicateRule,
    Effect,
    LateVisibility,
    PartialBatch,
    RateLimit,
    SchemaDrift,
)
from mocks.salesforce.faults.batch import duplicate_rule_stage, partial_batch_stage
from mocks.salesforce.faults.drift import SalesforceDrift

_DATA = r"/services/data/v\d+\.\d+"
_DESCRIBE = re.compile(
    rf"^/services/data/?$|^{_DATA}/?$|^{_DATA}/(limits|sobjects)/?$|^{_DATA}/sobjects/\w+(/describe)?/?$"
)
_QUERY = re.compile(rf"^{_DATA}/(query|queryAll)(/|$)")
_SOBJECTS = re.compile(rf"^{_DATA}/(sobjects|composite/sobjects)/")
_RETRIEVE = re.compile(rf"^{_DATA}/composite/sobjects/\w+/?$")
_FEED = re.compile(rf"^{_DATA}/sobjects/\w+/(updated|deleted)/?$")
_DEFAULTS: dict[int, tuple[str, str]] = {
    # The transient 400 Salesforce really sends; give `code` for any other.
    400: ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"),
    401: ("INVALID_SESSION_ID", "Session expired or invalid"),
    403: ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
    404: ("NOT_FOUND", "The requested resource does not exist"),
    409: ("CONFLICT", "The request could not be completed due to a conflict."),
    429: ("REQUEST_LIMIT_EXCEEDED", "Too many requests; retry later."),
    500: (
        "UNKNOWN_EXCEPTION",
        "An unexpected error occurred. Please include this ErrorId if you contact support:"
        " 1234567890-12345 (-123456789)",
    ),
    502: ("SERVER_UNAVAILABLE", "Bad gateway: the server is temporarily unavailable."),
    503: ("SERVER_UNAVAILABLE", "Server temporarily unavailable; retry later."),
    504: ("REQUEST_TIMEOUT", "The request timed out before the server answered."),
}


class SalesforceDialect:
    vendor = "salesforce"
    supported = frozenset(
        {"latency", "error", "rate_limit", "window_limit", "hang", "reset", "malformed_json",
         "truncated_json", "partial_batch", "token_expiry", "schema_drift", "late_visibility",
         "duplicate_rule"}
    )  # fmt: skip

    def kind(self, method: str, path: str) -> str:
        if path.startswith("/services/oauth2/"):
            return "auth"
        if method == "GET" and _DESCRIBE.match(path):
            return "describe"
        if _QUERY.match(path):
            return "query"
        if _RETRIEVE.match(path) and method in ("GET", "POST"):
            return "read"
        if _SOBJECTS.match(path):
            return "read" if method == "GET" else "write"
        return "other"

    def error(self, status: int, code: str | None, message: str | None) -> tuple[Body, Headers]:
        default_code, default_message = _DEFAULTS.get(
            status, ("UNKNOWN_EXCEPTION", f"HTTP {status} from the server")
        )
        error = {"message": message or default_message, "errorCode": code or default_code}
        return [{**error, "fields": []}], []

    def rate_limited(
        self, effect: RateLimit, retry_after: int, ctx: MockContext
    ) -> tuple[int, Body, Headers]:
        if effect.style == "daily":
            # The daily allowance: 403 with the usage header, and no hint when to retry.
            limit = int(ctx.settings.get("daily_api_limit", 0))
            usage = f"api-usage={limit}/{limit}".encode()
            body, _ = self.error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            return 403, body, [(b"sforce-limit-info", usage)]
        headers = [(b"retry-after", str(retry_after).encode())]
        if effect.style == "hubspot":
            return 429, hubspot_limit_body(), headers
        message = "ConcurrentPerOrgLongTxn Limit exceeded; retry later."
        body, _ = self.error(429, "REQUEST_LIMIT_EXCEEDED", message)
        return 429, body, headers

    def expire_tokens(self, scope: Scope, requests: int, refuse: Any) -> dict[str, Any]:
        revoked = scope["app"].state.salesforce.tokens.revoke_access()
        return {"revoked_tokens": revoked}

    def stage(
        self, effect: Effect, ctx: MockContext, facts: dict[str, Any], rng: random.Random
    ) -> Stage | None:
        if isinstance(effect, PartialBatch):
            return partial_batch_stage(effect, rng, facts)
        if isinstance(effect, DuplicateRule):
            return duplicate_rule_stage(effect, ctx, facts)
        if isinstance(effect, LateVisibility):
            return _late_stage(effect, ctx, facts)
        return None

    def drift_stage(self, drifts: list[SchemaDrift]) -> Stage:
        return SalesforceDrift(drifts)


def _late_stage(effect: LateVisibility, ctx: MockContext, facts: dict[str, Any]) -> Stage:
    """Rows changed in the last `seconds` are left out of query results and the updated feed
    (an index that lags the database); reading the record by id still works."""

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        path = scope["path"]
        if scope["method"] != "GET" or not (_QUERY.match(path) or _FEED.match(path)):
            await inner(scope, receive, send)
            return
        reply = await capture(inner, scope, receive)
        if reply.status != 200 or not reply.is_json():
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return
        data = reply.json()
        cutoff = ctx.store.now().timestamp() - effect.seconds
        hidden: list[str] = []

        def fresh(obj: str, record_id: str) -> bool:
            rec = ctx.store.get(obj, record_id, include_deleted=True)
            if rec is not None and rec.modified_at.timestamp() > cutoff:
                hidden.append(record_id)
                return True
            return False

        if isinstance(data, dict) and isinstance(data.get("records"), list):
            kept = []
            for row in data["records"]:
                attrs = row.get("attributes", {}) if isinstance(row, dict) else {}
                url = str(attrs.get("url", ""))
                if not (url and fresh(str(attrs.get("type")), url.rsplit("/", 1)[-1])):
                    kept.append(row)
            data["totalSize"] = int(data.get("totalSize", 0)) - (len(data["records"]) - len(kept))
            data["records"] = kept
        elif isinstance(data, dict) and isinstance(data.get("ids"), list):
            obj = path.rstrip("/").split("/")[-2]
            data["ids"] = [i for i in data["ids"] if not fresh(obj, str(i))]
        if hidden:
            facts.update(hidden_ids=hidden, seconds=effect.seconds)
        await send_json(send, reply.status, data, reply.headers)

    return stage


DIALECT = SalesforceDialect()

"""The NetSuite dialect of the fault middleware: operation kinds, `o:errorDetails` bodies,
429 CONCURRENCY_LIMIT_EXCEEDED, refused logins (token expiry), late visibility of list and
SuiteQL rows, and offset paging drift."""

from __future__ import annotations

import random
import re
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.asgi import capture, read_body, replay, send_bytes, send_json
from mocks.faults.dialect import Body, Headers, Stage
from mocks.faults.effects import hubspot_limit_body
from mocks.faults.plan import Effect, LateVisibility, PagingDrift, RateLimit, SchemaDrift
from mocks.netsuite.errors import LOGIN_AUDIT_DETAIL, NetSuiteError
from mocks.netsuite.faults.drift import FROM, NetSuiteDrift, record_type

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
            return _late_stage(effect, ctx, facts)
        if isinstance(effect, PagingDrift):
            return _paging_stage(effect, ctx, facts)
        return None

    def drift_stage(self, drifts: list[SchemaDrift]) -> Stage:
        return NetSuiteDrift(drifts)


async def _query_target(scope: Scope, receive: Receive) -> tuple[Receive, str | None, int]:
    """(receive to pass on, record type read, offset) of a list or SuiteQL request."""
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    raw_offset = (params.get("offset") or ["0"])[0]
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    listed = _LIST.match(scope["path"])
    if scope["method"] == "GET" and listed and not params.get("q"):
        return receive, record_type(listed.group(1)), offset
    if scope["method"] == "POST" and scope["path"].rstrip("/") == SUITEQL:
        raw = await read_body(receive)
        try:
            text = orjson.loads(raw).get("q", "")
        except (orjson.JSONDecodeError, AttributeError):
            text = ""
        found = FROM.search(text) if isinstance(text, str) else None
        return replay(raw, receive), record_type(found.group(1)) if found else None, offset
    return receive, None, offset


def _late_stage(effect: LateVisibility, ctx: MockContext, facts: dict[str, Any]) -> Stage:
    """Records changed in the last `seconds` are left out of list and SuiteQL pages (the
    search index lags); GET by id still returns them."""

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        receive, obj, _offset = await _query_target(scope, receive)
        if obj is None:
            await inner(scope, receive, send)
            return
        reply = await capture(inner, scope, receive)
        data = reply.json() if reply.status == 200 and reply.is_json() else None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return
        cutoff = ctx.store.now().timestamp() - effect.seconds
        kept, hidden = [], []
        for item in data["items"]:
            rec = ctx.store.get(obj, str(item.get("id")), include_deleted=True)
            if rec is not None and rec.modified_at.timestamp() > cutoff:
                hidden.append(rec.id)
            else:
                kept.append(item)
        data["items"], data["count"] = kept, len(kept)
        data["totalResults"] = int(data.get("totalResults", 0)) - len(hidden)
        if hidden:
            facts.update(object=obj, hidden_ids=hidden, seconds=effect.seconds)
        await send_json(send, reply.status, data, reply.headers)

    return stage


def _id_order(record_id: str) -> tuple[int, str]:
    return (int(record_id), "") if record_id.isdigit() else (1 << 62, record_id)


def _paging_stage(effect: PagingDrift, ctx: MockContext, facts: dict[str, Any]) -> Stage:
    """Before a page past the first is served, `count` records from the pages already read
    are deleted, so the rest shift left and that many live records are never served to a
    client paging by offset (they are listed in the ground truth as `skipped_ids`)."""

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        receive, obj, offset = await _query_target(scope, receive)
        if obj is not None and offset > 0:
            ids = sorted((r.id for r in ctx.store.records(obj)), key=_id_order)
            start = max(0, min(offset, len(ids)) - effect.count)
            doomed = ids[start : min(offset, len(ids))]
            for record_id in doomed:
                ctx.store.delete(obj, record_id)
            if doomed:
                skipped = ids[offset : offset + len(doomed)]
                facts.update(object=obj, offset=offset, deleted_ids=doomed, skipped_ids=skipped)
        await inner(scope, receive, send)

    return stage


DIALECT = NetSuiteDialect()

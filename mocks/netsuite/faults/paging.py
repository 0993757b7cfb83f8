"""Offset paging drift, as NetSuite's list and SuiteQL paging shows it: records on pages a
client has already read are deleted before it asks for the next page, so the rows after them
shift left under the offset and that many live records are never served to it.

The pages are computed from the store and the query engine, never by sending the request
again: a replayed request would carry a used OAuth nonce, which the mock refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qs

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.context import MockContext
from mocks.faults.asgi import read_body, replay
from mocks.faults.dialect import Stage
from mocks.faults.plan import PagingDrift
from mocks.netsuite.faults.drift import FROM, record_type
from mocks.netsuite.query.execute import Executor
from mocks.netsuite.query.suiteql import SuiteQLError, parse
from mocks.netsuite.query.tables import find_table

SUITEQL = "/services/rest/query/v1/suiteql"
RECORDS = "/services/rest/record/v1/"
Rows = Callable[[int, int], list[str]]  # (offset, limit) -> the ids of that page


class PagedQuery(NamedTuple):
    record_types: tuple[str, ...]  # where the rows it serves are stored
    offset: int
    body: bytes
    rows: Rows


async def paged_query(scope: Scope, receive: Receive, ctx: MockContext) -> PagedQuery | None:
    """The list or SuiteQL query a request pages through, or None for any other request."""
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    raw_offset = (params.get("offset") or ["0"])[0]
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    path = scope["path"].rstrip("/")
    if scope["method"] == "GET" and path.startswith(RECORDS) and path.count("/") == 5:
        obj = record_type(path.rsplit("/", 1)[1])
        filtered = bool((params.get("q") or [""])[0].strip())
        if obj is None or filtered:  # a filtered list is left alone
            return None
        return PagedQuery((obj,), offset, b"", _listed(ctx, obj))
    if scope["method"] == "POST" and path == SUITEQL:
        body = await read_body(receive)
        try:
            text = orjson.loads(body).get("q", "")
        except (orjson.JSONDecodeError, AttributeError):
            text = ""
        found = FROM.search(text) if isinstance(text, str) else None
        table = find_table(found.group(1)) if found else None
        if table is None or not table.record_types:
            return PagedQuery((), offset, body, lambda _o, _n: [])
        return PagedQuery(table.record_types, offset, body, _selected(ctx, str(text)))
    return None


def _listed(ctx: MockContext, obj: str) -> Rows:
    def rows(offset: int, limit: int) -> list[str]:
        ids = sorted((r.id for r in ctx.store.records(obj)), key=_id_order)
        return ids[offset : offset + limit]

    return rows


def _selected(ctx: MockContext, text: str) -> Rows:
    executor = Executor(ctx.store, str(ctx.settings.get("date_format", "M/D/YYYY")))

    def rows(offset: int, limit: int) -> list[str]:
        try:
            result = executor.run(parse(text), limit=limit, offset=offset)
        except SuiteQLError:
            return []  # the route answers the error itself
        return [str(row["id"]) for row in result.rows if "id" in row]

    return rows


def paging_stage(effect: PagingDrift, ctx: MockContext, facts: dict[str, Any]) -> Stage:
    """Before a page past the first of a query is served, the `effect.count` rows just before
    its offset (the end of what the client has read) are deleted; the ground truth lists
    them as `deleted_ids`, and the live records the client therefore never sees as
    `skipped_ids`."""

    async def stage(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        query = await paged_query(scope, receive, ctx)
        if query is not None and query.offset > 0:
            start = max(0, query.offset - effect.count)
            doomed = query.rows(start, query.offset - start)
            if doomed:
                would_be = query.rows(query.offset, len(doomed))
                for record_id in doomed:
                    _delete(ctx, query.record_types, record_id)
                facts.update(obj=query.record_types[0], offset=query.offset,
                             deleted_ids=doomed, skipped_ids=would_be)  # fmt: skip
        body = query.body if query is not None else b""
        await inner(scope, replay(body, receive) if body else receive, send)

    return stage


def _id_order(record_id: str) -> tuple[int, str]:
    return (int(record_id), "") if record_id.isdigit() else (1 << 62, record_id)


def _delete(ctx: MockContext, record_types: tuple[str, ...], record_id: str) -> None:
    for obj in record_types:
        if ctx.store.get(obj, record_id) is not None:
            ctx.store.delete(obj, record_id)
            return

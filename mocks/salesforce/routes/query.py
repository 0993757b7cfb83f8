"""`query/` and `queryAll/` with paging through `nextRecordsUrl` locators: plain rows, rows
with parent fields and child subqueries nested, and aggregate rows."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.commerce_rules import ensure_standard_pricebook
from mocks.salesforce.errors import ApiError, json_response
from mocks.salesforce.query.evaluate import BoundQuery, compile_query
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.plan import object_size, query_rows
from mocks.salesforce.query.shape import nested_renderer
from mocks.salesforce.records import Renderer, frozen, native_getter
from mocks.salesforce.routes.routing import DATA_PREFIX, add_route
from mocks.salesforce.seed.directory import ensure_directory
from mocks.salesforce.state import api_version, mock_context, sf_state
from mocks.store import RecordStore, StoredRecord

_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)
MIN_BATCH, MAX_BATCH = 200, 2000


def _batch_size(request: Request) -> int:
    """`Sforce-Query-Options: batchSize=N` is a hint within 200..2000; else the setting."""
    match = _BATCH_OPTION.search(request.headers.get("sforce-query-options", ""))
    if match:
        return min(max(int(match.group(1)), MIN_BATCH), MAX_BATCH)
    return max(1, int(mock_context(request).settings["default_query_batch"]))


def _page(
    request: Request,
    rows: list[Any],
    render: Renderer | None,
    start: int,
    batch: int,
    locator: str | None,
) -> Response:
    """One page of `rows`: encoded rows as they are, records through `render`."""
    end = start + batch
    body: dict[str, Any] = {"totalSize": len(rows), "done": end >= len(rows)}
    if end < len(rows):
        body["nextRecordsUrl"] = f"/services/data/v{api_version(request)}/query/{locator}-{end}"
    page = rows[start:end]
    body["records"] = page if render is None else [render(rec) for rec in page]
    return json_response(body)


def _compile(request: Request, source: str) -> BoundQuery:
    """Bind the query, then make sure the org records it reads exist (the standard price
    book, the directory of users and record types)."""
    state, store = sf_state(request), mock_context(request).store
    getter_for = partial(native_getter, user_id=state.config.user_id)
    try:
        query = compile_query(source, now=store.now(), getter_for=getter_for, records=store)
    except SoqlError as exc:
        raise ApiError(400, exc.code, exc.message) from exc
    for name in query.objects:
        ensure_standard_pricebook(store, name)
    ensure_directory(store, state.config, query.objects)
    return query


async def _run_query(request: Request, include_deleted: bool) -> Response:
    state, ctx = sf_state(request), mock_context(request)
    source = request.query_params.get("q")
    if source is None:
        raise ApiError(400, "MALFORMED_QUERY", "A query string must be provided.")
    query = _compile(request, source)
    records = query_rows(ctx.store, query, include_deleted=include_deleted)
    batch = _batch_size(request)
    if query.grouping is not None:
        return _open(request, query.aggregate(records), None, batch)
    matched = query.run(records)
    if query.count:
        return json_response({"totalSize": len(matched), "done": True, "records": []})
    version, user_id = api_version(request), state.config.user_id
    rows: list[Any]
    render: Renderer | None = None
    if query.children or query.has_parents:
        # Parents and children are read when a page is rendered: a page at a time, uncached.
        render = nested_renderer(query.sobject, query.paths, version, user_id, ctx.store)
        if query.children:
            render = _with_children(render, query, ctx.store, version, user_id)
        rows = [frozen(rec) for rec in matched] if len(matched) > batch else matched
    else:
        # Encoded now, so the rows are also the locator's snapshot.
        size = object_size(ctx.store, query.sobject.name, include_deleted=include_deleted)
        rows = state.rendered.rows(
            ctx.store, query.sobject, query.fields, version, user_id, matched, size
        )
    return _open(request, rows, render, batch)


def _open(request: Request, rows: list[Any], render: Renderer | None, batch: int) -> Response:
    """The first page, with a locator for the rest when there is more than a page."""
    locator = None
    if len(rows) > batch:
        ctx = mock_context(request)
        max_open = int(ctx.settings["max_query_cursors"])
        locator = sf_state(request).cursors.open(rows, render, batch, max_open)
    return _page(request, rows, render, 0, batch, locator)


def _with_children(
    render: Renderer, query: BoundQuery, store: RecordStore, version: str, user_id: str
) -> Renderer:
    """`render` plus each child subquery as a nested query result (null when no rows), the
    children read when the query runs."""
    nested = []
    for child in query.children:
        groups: dict[str, list[StoredRecord]] = {}
        key = child.parent_field.name
        for rec in store.records(child.query.sobject.name):
            parent = rec.fields.get(key)
            if parent is not None:
                groups.setdefault(str(parent), []).append(frozen(rec))
        sub = child.query
        child_render = nested_renderer(sub.sobject, sub.paths, version, user_id, store)
        nested.append((child, groups, child_render))

    def render_with_children(rec: StoredRecord) -> dict[str, Any]:
        out = render(rec)
        for child, groups, child_render in nested:
            rows = child.query.run(groups.get(rec.id, []))
            out[child.relationship] = (
                {"totalSize": len(rows), "done": True, "records": [child_render(r) for r in rows]}
                if rows
                else None
            )
        return out

    return render_with_children


async def query(request: Request) -> Response:
    return await _run_query(request, include_deleted=False)


async def query_all(request: Request) -> Response:
    return await _run_query(request, include_deleted=True)


async def query_more(request: Request) -> Response:
    """`query/<locator>-<offset>`: the next page of a snapshot taken by the first call."""
    ctx = mock_context(request)
    locator, _, offset_text = str(request.path_params["locator"]).rpartition("-")
    if not locator:
        locator, offset_text = offset_text, "0"
    ttl = ctx.settings.get("query_cursor_ttl_seconds")
    cursor = sf_state(request).cursors.get(locator, ttl) if offset_text.isdigit() else None
    if cursor is None or int(offset_text) > len(cursor.rows):
        raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return _page(request, cursor.rows, cursor.render, int(offset_text), cursor.batch, locator)


def build_query_router() -> APIRouter:
    router = APIRouter(prefix=DATA_PREFIX)
    add_route(router, "/query", query, ["GET"])
    add_route(router, "/queryAll", query_all, ["GET"])
    add_route(router, "/query/{locator}", query_more, ["GET"])
    add_route(router, "/queryAll/{locator}", query_more, ["GET"])
    return router

"""SOSL search: `search/?q=FIND {...}` and `parameterizedSearch` (GET and POST), answered as
`{"searchRecords": [...]}`: per object in RETURNING order, the matching records rendered
as a query renders them (parent fields nested)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.commerce_rules import ensure_standard_pricebook
from mocks.salesforce.errors import ApiError, json_response, read_json
from mocks.salesforce.query.evaluate import BoundQuery, compile_query
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.shape import nested_renderer
from mocks.salesforce.query.sosl import (
    DEFAULT_LIMIT,
    Matcher,
    Returning,
    Scope,
    Search,
    parse_search,
    parse_terms,
    searched_fields,
)
from mocks.salesforce.records import native_getter
from mocks.salesforce.routes.routing import DATA_PREFIX, add_route
from mocks.salesforce.schema import SOBJECTS, get_sobject
from mocks.salesforce.seed.directory import DIRECTORY_OBJECTS, ensure_directory
from mocks.salesforce.state import api_version, mock_context, sf_state

# Searched when a search names no objects: the records people look for, not the setup.
_SEARCHABLE = tuple(s.name for s in SOBJECTS.values() if s.name not in DIRECTORY_OBJECTS - {"User"})
_SCOPES: dict[str, Scope] = {"ALL": "ALL", "NAME": "NAME", "EMAIL": "EMAIL", "PHONE": "PHONE"}


def _bad(exc: SoqlError) -> ApiError:
    return ApiError(400, exc.code, exc.message)


def _bind(request: Request, spec: Returning) -> BoundQuery:
    state, store = sf_state(request), mock_context(request).store
    getter_for = partial(native_getter, user_id=state.config.user_id)
    try:
        query = compile_query(spec.soql, now=store.now(), getter_for=getter_for, records=store)
    except SoqlError as exc:
        # The clause is not the statement the caller wrote: the reason alone, no caret.
        raise ApiError(400, exc.code, exc.detail) from exc
    if query.grouping is not None or query.count or query.children:
        message = f"aggregates and subqueries are not allowed in RETURNING {spec.sobject}"
        raise ApiError(400, "MALFORMED_SEARCH", message)
    for name in query.objects:
        ensure_standard_pricebook(store, name)
    ensure_directory(store, state.config, query.objects)
    return query


def _execute(request: Request, search: Search) -> Response:
    specs = search.returning or tuple(
        Returning(name, f"SELECT Id FROM {name}") for name in _SEARCHABLE
    )
    queries = [_bind(request, spec) for spec in specs]  # every clause checked before any runs
    store, matcher = mock_context(request).store, Matcher(search.term)
    version, user_id = api_version(request), sf_state(request).config.user_id
    found: list[dict[str, Any]] = []
    for query in queries:
        fields = [fd.name for fd in searched_fields(query.sobject, search.scope)]
        hits = [
            rec
            for rec in store.records(query.sobject.name)
            if matcher.matches_values([rec.fields.get(name) for name in fields])
        ]
        render = nested_renderer(query.sobject, query.paths, version, user_id, store)
        found.extend(render(rec) for rec in query.run(hits)[: search.limit - len(found)])
        if len(found) >= search.limit:
            break
    return json_response({"searchRecords": found})


async def search(request: Request) -> Response:
    source = request.query_params.get("q")
    if not source or not source.strip():
        raise ApiError(400, "MALFORMED_SEARCH", "A search string must be provided.")
    try:
        parsed = parse_search(source)
    except SoqlError as exc:
        raise _bad(exc) from exc
    return _execute(request, parsed)


def _check_names(name: str, fields: list[str]) -> None:
    """An sobject and fields parameterizedSearch names must exist, as Salesforce checks."""
    sobject = get_sobject(name)
    if sobject is None:
        raise ApiError(400, "INVALID_TYPE", f"sObject type '{name}' is not supported.")
    for field in fields:
        if sobject.field(field) is None:
            raise ApiError(400, "INVALID_FIELD",
                           f"No such column '{field}' on entity '{sobject.name}'.")  # fmt: skip


def _parameterized(
    terms: str, scope: str, objects: list[tuple[str, list[str], int | None]], limit: int | None
) -> Search:
    """A Search from parameterizedSearch's parameters (the same for GET and POST)."""
    if not terms.strip():
        raise ApiError(400, "MISSING_ARGUMENT", "The q parameter must be specified")
    chosen = _SCOPES.get(scope.upper())
    if chosen is None:
        raise ApiError(400, "INVALID_SEARCH_SCOPE", f"invalid search scope: {scope}")
    for name, fields, _count in objects:
        _check_names(name, fields)  # they become SOQL text: no clause may ride in on them
    specs = tuple(
        Returning(
            name,
            f"SELECT {', '.join(fields) or 'Id'} FROM {name}"
            + (f" LIMIT {count}" if count else ""),
        )
        for name, fields, count in objects
    )
    try:
        term = parse_terms(terms)
    except SoqlError as exc:
        raise _bad(exc) from exc
    return Search(term, chosen, specs, min(limit or DEFAULT_LIMIT, DEFAULT_LIMIT))


def _int(raw: Any, name: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not (str(raw).isascii() and str(raw).isdigit()):
        raise ApiError(400, "INVALID_FIELD", f"{name} must be a positive integer: {raw}")
    return int(raw)


async def parameterized_get(request: Request) -> Response:
    params = request.query_params
    shared = [f for f in params.get("fields", "").split(",") if f.strip()]
    objects = []
    for name in params.getlist("sobject"):
        own = [f for f in params.get(f"{name}.fields", "").split(",") if f.strip()]
        objects.append((name, own or shared, _int(params.get(f"{name}.limit"), "limit")))
    limit = _int(params.get("overallLimit"), "overallLimit")
    search_ = _parameterized(params.get("q", ""), params.get("in", "ALL"), objects, limit)
    return _execute(request, search_)


async def parameterized_post(request: Request) -> Response:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "Expected a JSON object")
    shared = [str(f) for f in body.get("fields") or []]
    objects = []
    for spec in body.get("sobjects") or []:
        if not isinstance(spec, dict) or not spec.get("name"):
            raise ApiError(400, "JSON_PARSER_ERROR", "Each sobjects entry needs a name")
        fields = [str(f) for f in spec.get("fields") or []] or shared
        objects.append((str(spec["name"]), fields, _int(spec.get("limit"), "limit")))
    limit = _int(body.get("overallLimit"), "overallLimit")
    search_ = _parameterized(str(body.get("q") or ""), str(body.get("in") or "ALL"), objects,
                             limit)  # fmt: skip
    return _execute(request, search_)


def build_search_router() -> APIRouter:
    router = APIRouter(prefix=DATA_PREFIX)
    add_route(router, "/search", search, ["GET"])
    add_route(router, "/parameterizedSearch", parameterized_get, ["GET"])
    add_route(router, "/parameterizedSearch", parameterized_post, ["POST"])
    return router

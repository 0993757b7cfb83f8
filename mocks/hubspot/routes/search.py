"""`POST /crm/v3/objects/{objectType}/search`: filters, sorts, `query`, `properties`,
`limit` (at most 200), `after` (a numeric offset) and `total`; a page starting at or past
the result cap (10,000; `search_result_cap`) answers 400, as HubSpot does.

Search is late: writes younger than `search_lag_seconds` (or a `late_visibility` fault's
seconds, whichever is longer) are not indexed yet (`mocks.hubspot.visibility`). Matches are
cached while the store is unchanged and nothing lags, so paging a large result set sorts it
once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot.associations import targets
from mocks.hubspot.errors import validation
from mocks.hubspot.render import render, wanted
from mocks.hubspot.routes.common import add_route, answer, json_body, whole
from mocks.hubspot.schema import ObjectSpec, object_spec
from mocks.hubspot.search import Linked, parse_query, properties_asked, run
from mocks.hubspot.state import HubSpotState, hubspot
from mocks.hubspot.visibility import Version

SEARCH_MAX = 200
LAG_SCOPE_KEY = "hubspot.search_lag"  # seconds a fault stage adds for one request
HIDDEN_SCOPE_KEY = "hubspot.search_hidden"  # a list the route fills with ids not yet seen


def _lag(request: Request, state: HubSpotState) -> float:
    return max(
        float(state.settings.get("search_lag_seconds") or 0),
        float(request.scope.get(LAG_SCOPE_KEY) or 0),
    )


def _indexed(request: Request, state: HubSpotState, spec: ObjectSpec, lag: float) -> list[Version]:
    """Every record as the search index holds it now."""
    store = state.store
    if lag <= 0:
        return [Version.of(r) for r in store.records(spec.name)]
    cutoff = store.now() - timedelta(seconds=lag)
    rows, hidden = [], []
    for rec in store.records(spec.name, include_deleted=True):
        version = state.history.view(rec, cutoff)
        if rec.modified_at > cutoff:
            hidden.append(rec.id)
        if version is not None:
            rows.append(version)
    sink = request.scope.get(HIDDEN_SCOPE_KEY)
    if isinstance(sink, list):
        sink.extend(hidden)
    return rows


def _linked(state: HubSpotState, spec: ObjectSpec) -> Linked:
    def ids(record_id: str, target: str) -> set[str]:
        return {tid for tid, _ in targets(state.store, spec.name, record_id, target)}

    return ids


async def search(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    body = await json_body(request)
    if not isinstance(body, dict):
        raise validation("Invalid input JSON: expected a search request object")
    specs = state.book.all(spec.name)
    query = parse_query(body, specs)
    names = wanted(spec, properties_asked(body.get("properties")) or None)
    limit = min(whole(body.get("limit"), "limit", 10, 1, SEARCH_MAX), state.page_cap(SEARCH_MAX))
    after = whole(body.get("after"), "after", 0, 0, 10**9)
    cap = int(state.settings.get("search_result_cap") or 10_000)
    if after >= cap:
        raise validation(
            f"Search results are limited to {cap} per query: a page cannot start at"
            f" {after}. Narrow the filters (for example on hs_lastmodifieddate) and"
            " search again.",
            context={"after": [str(after)]},
        )
    lag = _lag(request, state)
    key = (
        spec.name,
        orjson.dumps(
            {k: body.get(k) for k in ("filterGroups", "sorts", "query")},
            option=orjson.OPT_SORT_KEYS,
        ),
        state.store.state_token,
    )
    found = state.searches.get(key) if lag <= 0 else None
    if found is None:
        found = run(spec, query, _indexed(request, state, spec, lag), specs, _linked(state, spec))
        if lag <= 0:
            state.searches.put(key, found)
    end = min(after + limit, cap, len(found))
    out: dict[str, Any] = {
        "total": len(found),
        "results": [render(spec, v, names, specs) for v in found[after:end]],
    }
    if end < len(found):
        out["paging"] = {"next": {"after": str(end), "link": f"?after={end}"}}
    return answer(out)


def build_router() -> APIRouter:
    router = APIRouter()
    add_route(router, "/crm/v3/objects/{object_type}/search", search, ["POST"])
    return router


__all__ = ["HIDDEN_SCOPE_KEY", "LAG_SCOPE_KEY", "SEARCH_MAX", "build_router"]

"""CRM v3 objects: list, get (by id or a unique `idProperty`), create 201, update 200,
archive 204, merge, and the v3 association read of one record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot import records
from mocks.hubspot.associations import targets, v3_results
from mocks.hubspot.errors import not_found, validation
from mocks.hubspot.history import HISTORY_PAGE_MAX
from mocks.hubspot.paging import LIST_MAX
from mocks.hubspot.render import properties, render, wanted
from mocks.hubspot.routes.common import (
    add_route,
    answer,
    flag,
    json_body,
    listed,
    no_content,
    whole,
)
from mocks.hubspot.schema import ObjectSpec, object_spec
from mocks.hubspot.state import HubSpotState, hubspot
from mocks.store import StoredRecord

OBJECTS = "/crm/v3/objects/{object_type}"
ONE = OBJECTS + "/{object_id}"


def with_associations(
    state: HubSpotState, spec: ObjectSpec, rec: StoredRecord, body: dict[str, Any], kinds: list[str]
) -> dict[str, Any]:
    """Add `associations: {type: {results: [{id, type}]}}` for the kinds asked (non-empty
    ones only, as HubSpot leaves the others out)."""
    found: dict[str, Any] = {}
    for kind in kinds:
        target = object_spec(kind).name
        results = v3_results(targets(state.store, spec.name, rec.id, target))
        if results:
            found[kind] = {"results": results}
    if found:
        body["associations"] = found
    return body


def with_history(
    state: HubSpotState, spec: ObjectSpec, rec: StoredRecord, body: dict[str, Any], names: list[str]
) -> dict[str, Any]:
    """Add `propertiesWithHistory: {name: [versions, newest first]}` for the names asked
    (unknown ones ignored, as the SDK's docstring says HubSpot does)."""
    if names:
        known = state.book.all(spec.name)
        asked = tuple(dict.fromkeys(names))
        current = properties(
            spec, rec.fields, rec.id, rec.created_at, rec.modified_at, asked, known
        )
        body["propertiesWithHistory"] = state.versions.of(rec, current)
    return body


def read_names(spec: ObjectSpec, names: list[str], history: list[str]) -> tuple[str, ...]:
    """The `properties` of a read: those asked; with none asked but `propertiesWithHistory`
    given, those (HubSpot then leaves the defaults out, HubSpot/hubspot-api-nodejs#154)."""
    return wanted(spec, names or history or None)


def _list_limit(request: Request, history: list[str]) -> int:
    """1-100, or 1-50 with `propertiesWithHistory`: HubSpot refuses a larger page with 400
    (HubSpot/hubspot-api-python#143, `get_all` asking 100; the SDK's `fetch_all` now asks 50,
    `hubspot.utils.objects.PROPERTY_HISTORY_MAX_SIZE`)."""
    high = HISTORY_PAGE_MAX if history else LIST_MAX
    limit = whole(request.query_params.get("limit"), "limit", 10, 1, LIST_MAX)
    if limit > high:
        raise validation(
            f"limit must be at most {high} when propertiesWithHistory is requested, got {limit}",
            context={"limit": [str(high)]},
        )
    return limit


async def list_objects(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    history = listed(request, "propertiesWithHistory")
    limit = min(_list_limit(request, history), state.page_cap(LIST_MAX))
    rows, after = state.lists.page(
        spec.name,
        limit=limit,
        after=request.query_params.get("after"),
        archived=flag(request, "archived"),
    )
    names = read_names(spec, listed(request, "properties"), history)
    known = state.book.all(spec.name)
    kinds = listed(request, "associations")
    results = [
        with_history(
            state,
            spec,
            r,
            with_associations(state, spec, r, render(spec, r, names, known), kinds),
            history,
        )
        for r in rows
    ]
    body: dict[str, Any] = {"results": results}
    if after is not None:
        link = f"{request.url.path}?after={after}"
        body["paging"] = {"next": {"after": after, "link": link}}
    return answer(body)


async def get_object(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    object_id = request.path_params["object_id"]
    rec = records.find(
        state,
        spec,
        object_id,
        request.query_params.get("idProperty"),
        archived=flag(request, "archived"),
    )
    if rec is None:
        raise not_found(spec.name, object_id)
    history = listed(request, "propertiesWithHistory")
    names = read_names(spec, listed(request, "properties"), history)
    body = render(spec, rec, names, state.book.all(spec.name))
    body = with_associations(state, spec, rec, body, listed(request, "associations"))
    return answer(with_history(state, spec, rec, body, history))


async def create_object(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    body = await json_body(request)
    if not isinstance(body, dict):
        raise validation("Invalid input JSON: expected an object with properties")
    props = records.checked(state, spec, body.get("properties") or {})
    links = records.parse_links(state, spec, body.get("associations"))
    records.check_unique(state, spec, props)
    rec = records.create(state, spec, props, links)
    names = wanted(spec, [k for k, v in props.items() if v is not None])
    return answer(render(spec, rec, names, state.book.all(spec.name)), 201)


async def update_object(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    rec = records.require(
        state, spec, request.path_params["object_id"], request.query_params.get("idProperty")
    )
    body = await json_body(request)
    if not isinstance(body, dict):
        raise validation("Invalid input JSON: expected an object with properties")
    props = records.checked(state, spec, body.get("properties") or {})
    records.check_unique(state, spec, props, rec.id)
    rec = records.update(state, spec, rec, props)
    names = wanted(spec, list(props))
    return answer(render(spec, rec, names, state.book.all(spec.name)))


async def archive_object(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    rec = records.find(state, spec, request.path_params["object_id"])
    if rec is not None:  # HubSpot answers 204 for an id it does not hold, too
        records.archive(state, spec, rec)
    return no_content()


async def merge_objects(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    rec = records.merge(state, spec, await json_body(request))
    return answer(render(spec, rec, wanted(spec, None), state.book.all(spec.name)))


async def v3_associations(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    target = object_spec(request.path_params["to_type"])
    rec = records.require(state, spec, request.path_params["object_id"])
    pairs = targets(state.store, spec.name, rec.id, target.name)
    return answer({"results": v3_results(pairs)})


def build_router() -> APIRouter:
    router = APIRouter()
    add_route(router, OBJECTS + "/merge", merge_objects, ["POST"])
    add_route(router, OBJECTS, list_objects, ["GET"])
    add_route(router, OBJECTS, create_object, ["POST"])
    add_route(router, ONE, get_object, ["GET"])
    add_route(router, ONE, update_object, ["PATCH"])
    add_route(router, ONE, archive_object, ["DELETE"])
    add_route(router, ONE + "/associations/{to_type}", v3_associations, ["GET"])
    return router


__all__ = ["build_router", "read_names", "with_associations", "with_history"]

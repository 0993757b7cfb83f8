"""CRM v3 objects: list, get (by id or a unique `idProperty`), create 201, update 200,
archive 204, merge, and the v3 association read of one record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot import records
from mocks.hubspot.associations import targets, v3_results
from mocks.hubspot.errors import not_found, validation
from mocks.hubspot.paging import LIST_MAX
from mocks.hubspot.render import render, wanted
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


async def list_objects(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    limit = whole(request.query_params.get("limit"), "limit", 10, 1, LIST_MAX)
    limit = min(limit, state.page_cap(LIST_MAX))
    rows, after = state.lists.page(
        spec.name,
        limit=limit,
        after=request.query_params.get("after"),
        archived=flag(request, "archived"),
    )
    names = wanted(spec, listed(request, "properties"))
    known = state.book.all(spec.name)
    kinds = listed(request, "associations")
    results = [
        with_associations(state, spec, r, render(spec, r, names, known), kinds) for r in rows
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
    body = render(spec, rec, wanted(spec, listed(request, "properties")), state.book.all(spec.name))
    return answer(with_associations(state, spec, rec, body, listed(request, "associations")))


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


__all__ = ["build_router", "with_associations"]

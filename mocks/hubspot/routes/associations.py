"""Associations v4: labelled (`PUT .../associations/{to}/{toId}` with a body of
`[{associationCategory, associationTypeId}]`, 201) and default (`PUT
.../associations/default/{to}/{toId}`, 200) creation, a record's associations to one type
(paged), removal (204) and the batch read, create, default and archive endpoints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot import records
from mocks.hubspot.associations import (
    CATEGORY,
    TYPES,
    associate,
    check_type,
    default_type,
    dissociate,
    targets,
    v4_types,
)
from mocks.hubspot.errors import validation
from mocks.hubspot.routes.batch import envelope, inputs_of
from mocks.hubspot.routes.common import add_route, answer, json_body, no_content, whole
from mocks.hubspot.schema import ObjectSpec, object_spec
from mocks.hubspot.state import HubSpotState, hubspot

ONE = "/crm/v4/objects/{object_type}/{object_id}/associations/{to_type}"
BATCH = "/crm/v4/associations/{from_type}/{to_type}/batch"


def _pair(request: Request, source: str, target: str) -> tuple[ObjectSpec, ObjectSpec]:
    return object_spec(request.path_params[source]), object_spec(request.path_params[target])


def _labels(types: set[int]) -> list[str]:
    return sorted({TYPES[t].label or "" for t in types} - {""})


def _pair_body(
    source: ObjectSpec, sid: str, target: ObjectSpec, tid: str, types: set[int]
) -> dict[str, Any]:
    return {
        "fromObjectTypeId": source.type_id,
        "fromObjectId": int(sid),
        "toObjectTypeId": target.type_id,
        "toObjectId": int(tid),
        "labels": _labels(types),
    }


def _link(
    state: HubSpotState, source: ObjectSpec, sid: str, target: ObjectSpec, tid: str, types: set[int]
) -> None:
    records.require(state, source, sid)
    records.require(state, target, tid)
    associate(state.store, source.name, sid, target.name, tid, types)


def _spec_types(source: ObjectSpec, target: ObjectSpec, specs: Any) -> set[int]:
    if not isinstance(specs, list) or not specs:
        raise validation("Give a non-empty list of {associationCategory, associationTypeId}")
    return {
        check_type(
            source.name, target.name, s.get("associationTypeId"), s.get("associationCategory")
        ).type_id
        for s in specs
        if isinstance(s, dict)
    }


async def create_labelled(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "object_type", "to_type")
    sid, tid = request.path_params["object_id"], request.path_params["to_id"]
    types = _spec_types(source, target, await json_body(request))
    _link(state, source, sid, target, tid, types)
    return answer(_pair_body(source, sid, target, tid, types), 201)


def _default_row(source: ObjectSpec, sid: str, target: ObjectSpec, tid: str) -> dict[str, Any]:
    spec = {
        "associationCategory": CATEGORY,
        "associationTypeId": default_type(source.name, target.name),
    }
    return {"from": {"id": sid}, "to": {"id": tid}, "associationSpec": spec}


async def create_default(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "object_type", "to_type")
    sid, tid = request.path_params["object_id"], request.path_params["to_id"]
    _link(state, source, sid, target, tid, {default_type(source.name, target.name)})
    started = state.store.now()
    out, _ = envelope(started, state.store.now(), [_default_row(source, sid, target, tid)], [])
    return answer(out)


async def get_page(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "object_type", "to_type")
    rec = records.require(state, source, request.path_params["object_id"])
    limit = whole(request.query_params.get("limit"), "limit", 500, 1, 500)
    start = whole(request.query_params.get("after"), "after", 0, 0, 10**9)
    pairs = targets(state.store, source.name, rec.id, target.name)
    page = pairs[start : start + limit]
    out: dict[str, Any] = {
        "results": [{"toObjectId": int(tid), "associationTypes": v4_types(t)} for tid, t in page]
    }
    if start + limit < len(pairs):
        out["paging"] = {"next": {"after": str(start + limit), "link": None}}
    return answer(out)


async def archive_one(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "object_type", "to_type")
    dissociate(
        state.store,
        source.name,
        request.path_params["object_id"],
        target.name,
        request.path_params["to_id"],
    )
    return no_content()


def _id_of(value: Any) -> str:
    return str(value.get("id", "")) if isinstance(value, dict) else str(value or "")


async def batch_read(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "from_type", "to_type")
    started, results, missing = state.store.now(), [], []
    for item in inputs_of(await json_body(request)):
        sid = _id_of(item)
        if records.find(state, source, sid) is None:
            missing.append(sid)
            continue
        pairs = targets(state.store, source.name, sid, target.name)
        results.append(
            {
                "from": {"id": sid},
                "to": [
                    {"toObjectId": int(tid), "associationTypes": v4_types(t)} for tid, t in pairs
                ],
            }
        )
    out, partial = envelope(started, state.store.now(), results, missing, source.label)
    return answer(out, 207 if partial else 200)


async def batch_create(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "from_type", "to_type")
    started, results, missing = state.store.now(), [], []
    for item in inputs_of(await json_body(request)):
        sid, tid = _id_of(item.get("from")), _id_of(item.get("to"))
        types = _spec_types(source, target, item.get("types"))
        gone = [i for i, spec in ((sid, source), (tid, target)) if not records.find(state, spec, i)]
        if gone:
            missing.extend(gone)
            continue
        associate(state.store, source.name, sid, target.name, tid, types)
        results.append(_pair_body(source, sid, target, tid, types))
    out, partial = envelope(started, state.store.now(), results, missing, source.label)
    return answer(out, 207 if partial else 201)


async def batch_default(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "from_type", "to_type")
    started, results = state.store.now(), []
    for item in inputs_of(await json_body(request)):
        sid, tid = _id_of(item.get("from")), _id_of(item.get("to"))
        _link(state, source, sid, target, tid, {default_type(source.name, target.name)})
        results.append(_default_row(source, sid, target, tid))
    out, _ = envelope(started, state.store.now(), results, [])
    return answer(out)


async def batch_archive(request: Request) -> Response:
    state = hubspot(request)
    source, target = _pair(request, "from_type", "to_type")
    for item in inputs_of(await json_body(request)):
        sid = _id_of(item.get("from"))
        for to in item.get("to") or ():
            dissociate(state.store, source.name, sid, target.name, _id_of(to))
    return no_content()


def build_router() -> APIRouter:
    router = APIRouter()
    add_route(
        router,
        "/crm/v4/objects/{object_type}/{object_id}/associations/default/{to_type}/{to_id}",
        create_default,
        ["PUT"],
    )
    add_route(router, ONE + "/{to_id}", create_labelled, ["PUT"])
    add_route(router, ONE + "/{to_id}", archive_one, ["DELETE"])
    add_route(router, ONE, get_page, ["GET"])
    add_route(router, BATCH + "/read", batch_read, ["POST"])
    add_route(router, BATCH + "/create", batch_create, ["POST"])
    add_route(router, BATCH + "/associate/default", batch_default, ["POST"])
    add_route(router, BATCH + "/archive", batch_archive, ["POST"])
    return router


__all__ = ["build_router"]

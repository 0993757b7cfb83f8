"""CRM v3 batch endpoints with HubSpot's status codes: read 200, create 201, update 200,
upsert 200 (each result with `new`), archive 204; 207 with `numErrors` and `errors[]` when
some inputs fail (missing ids: OBJECT_NOT_FOUND with `context.ids`); 400 past 100 inputs.

Validation is all or nothing, as HubSpot checks a whole batch before it writes: one bad
property or one duplicate unique value refuses the batch (400, or 409 CONFLICT)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot import records
from mocks.hubspot.errors import validation
from mocks.hubspot.render import render, wanted
from mocks.hubspot.routes.common import add_route, answer, flag, json_body, no_content
from mocks.hubspot.routes.objects import read_names, with_history
from mocks.hubspot.schema import ObjectSpec, object_spec
from mocks.hubspot.schema.values import iso
from mocks.hubspot.state import HubSpotState, hubspot
from mocks.store import StoredRecord

BATCH_MAX = 100
BATCH = "/crm/v3/objects/{object_type}/batch"


def inputs_of(body: Any) -> list[dict[str, Any]]:
    """The `inputs` list, each a mapping; 400 when missing, malformed or over 100."""
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
        raise validation("Invalid input JSON: inputs must be a list of objects")
    if len(inputs) > BATCH_MAX:
        raise validation(
            f"Too many inputs: {len(inputs)}. The limit is {BATCH_MAX} per batch.",
            context={"limit": [str(BATCH_MAX)]},
        )
    return inputs


def envelope(
    started: datetime,
    done: datetime,
    results: list[dict[str, Any]],
    missing: list[str],
    what: str = "",
) -> tuple[dict[str, Any], bool]:
    """The batch envelope; with missing ids the 207 form (True)."""
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso(started),
        "completedAt": iso(done),
    }
    if not missing:
        return body, False
    body["numErrors"] = 1
    body["errors"] = [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": f"Could not get some {what} objects, they may be deleted or not exist.",
            "context": {"ids": missing},
            "links": {},
        }
    ]
    return body, True


def _no_duplicates(values: list[str], what: str) -> None:
    twice = sorted(v for v, n in Counter(values).items() if n > 1)
    if twice:
        raise validation(f"Duplicate {what} found in batch input: {twice}")


def _rendered(
    state: HubSpotState, spec: ObjectSpec, rec: StoredRecord, names: tuple[str, ...]
) -> dict[str, Any]:
    return render(spec, rec, names, state.book.all(spec.name))


def _names(raw: Any) -> list[str]:
    """A list of property names from a batch body (comma lists split)."""
    if not isinstance(raw, list):
        return []
    return [n.strip() for item in raw for n in str(item).split(",") if n.strip()]


async def batch_read(request: Request) -> Response:
    state, spec = hubspot(request), object_spec(request.path_params["object_type"])
    started = state.store.now()
    body = await json_body(request)
    inputs = inputs_of(body)
    id_property = body.get("idProperty")
    history = _names(body.get("propertiesWithHistory"))
    names = read_names(spec, _names(body.get("properties")), history)
    archived = flag(request, "archived")
    results, missing = [], []
    for item in inputs:
        object_id = str(item.get("id", ""))
        rec = records.find(state, spec, object_id, id_property, archived=archived)
        if rec is None:
            missing.append(object_id)
        else:
            results.append(
                with_history(state, spec, rec, _rendered(state, spec, rec, names), history)
            )
    out, partial = envelope(started, state.store.now(), results, missing, spec.label)
    return answer(out, 207 if partial else 200)


def _check_batch_unique(
    state: HubSpotState, spec: ObjectSpec, rows: list[tuple[dict[str, str | None], str | None]]
) -> None:
    """409 for a value another record holds; 400 for one the batch itself repeats."""
    for name in state.book.unique(spec.name):
        _no_duplicates([p[name] for p, _ in rows if p.get(name)], f"values of {name}")  # type: ignore[misc]
    for props, own_id in rows:
        records.check_unique(state, spec, props, own_id)


async def batch_create(request: Request) -> Response:
    state, spec = hubspot(request), object_spec(request.path_params["object_type"])
    started = state.store.now()
    inputs = inputs_of(await json_body(request))
    checked = [
        (
            records.checked(state, spec, i.get("properties") or {}),
            records.parse_links(state, spec, i.get("associations")),
        )
        for i in inputs
    ]
    _check_batch_unique(state, spec, [(props, None) for props, _ in checked])
    results = []
    for props, links in checked:
        rec = records.create(state, spec, props, links)
        results.append(
            _rendered(state, spec, rec, wanted(spec, [k for k, v in props.items() if v]))
        )
    out, _ = envelope(started, state.store.now(), results, [])
    return answer(out, 201)


async def batch_update(request: Request) -> Response:
    state, spec = hubspot(request), object_spec(request.path_params["object_type"])
    started = state.store.now()
    inputs = inputs_of(await json_body(request))
    _no_duplicates([str(i.get("id")) for i in inputs], "IDs")
    found: list[tuple[StoredRecord, dict[str, str | None]]] = []
    missing = []
    for item in inputs:
        props = records.checked(state, spec, item.get("properties") or {})
        rec = records.find(state, spec, str(item.get("id", "")), item.get("idProperty"))
        if rec is None:
            missing.append(str(item.get("id", "")))
        else:
            found.append((rec, props))
    _check_batch_unique(state, spec, [(props, rec.id) for rec, props in found])
    results = [
        _rendered(state, spec, records.update(state, spec, rec, props), wanted(spec, list(props)))
        for rec, props in found
    ]
    out, partial = envelope(started, state.store.now(), results, missing, spec.label)
    return answer(out, 207 if partial else 200)


async def batch_upsert(request: Request) -> Response:
    """Each input names its record by a unique property (`idProperty`, `id` its value): the
    record holding it is updated (`new: false`), or one is created with it (`new: true`)."""
    state, spec = hubspot(request), object_spec(request.path_params["object_type"])
    started = state.store.now()
    inputs = inputs_of(await json_body(request))
    plans: list[tuple[StoredRecord | None, dict[str, str | None]]] = []
    for item in inputs:
        id_property = item.get("idProperty")
        if not id_property or id_property not in state.book.unique(spec.name):
            raise validation(
                f"idProperty must name a unique property of {spec.name}: one of"
                f" {list(state.book.unique(spec.name))}, got {id_property!r}"
            )
        props = records.checked(
            state, spec, {**(item.get("properties") or {}), id_property: item.get("id")}
        )
        plans.append((records.find(state, spec, str(item.get("id", "")), id_property), props))
    _no_duplicates([f"{i.get('idProperty')}={i.get('id')}" for i in inputs], "IDs")
    _check_batch_unique(state, spec, [(p, rec.id if rec else None) for rec, p in plans])
    results = []
    for rec, props in plans:
        saved = (
            records.update(state, spec, rec, props) if rec else records.create(state, spec, props)
        )
        row = _rendered(state, spec, saved, wanted(spec, list(props)))
        row["new"] = rec is None
        results.append(row)
    out, _ = envelope(started, state.store.now(), results, [])
    return answer(out)


async def batch_archive(request: Request) -> Response:
    state, spec = hubspot(request), object_spec(request.path_params["object_type"])
    for item in inputs_of(await json_body(request)):
        rec = records.find(state, spec, str(item.get("id", "")))
        if rec is not None:
            records.archive(state, spec, rec)
    return no_content()


def build_router() -> APIRouter:
    router = APIRouter()
    add_route(router, BATCH + "/read", batch_read, ["POST"])
    add_route(router, BATCH + "/create", batch_create, ["POST"])
    add_route(router, BATCH + "/update", batch_update, ["POST"])
    add_route(router, BATCH + "/upsert", batch_upsert, ["POST"])
    add_route(router, BATCH + "/archive", batch_archive, ["POST"])
    return router


__all__ = ["BATCH_MAX", "build_router", "envelope", "inputs_of"]

"""The properties API: `GET /crm/v3/properties/{objectType}` (every definition, no paging;
`archived=true`: the archived ones), `GET .../{propertyName}`, `POST` to define a custom
property (201, after HubSpot's checks: `mocks.hubspot.schema.rules`) and `DELETE` to archive
one (204)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot.errors import HubSpotError, validation
from mocks.hubspot.routes.common import add_route, answer, flag, json_body, no_content
from mocks.hubspot.schema import PropertyBook, PropertySpec, object_spec
from mocks.hubspot.schema.rules import group_problem, name_problem, type_problem
from mocks.hubspot.state import hubspot

ONE = "/crm/v3/properties/{object_type}/{property_name}"


def _missing(obj: str, name: str) -> HubSpotError:
    return HubSpotError(
        404,
        f"Unable to find property {name} for {obj}.",
        "OBJECT_NOT_FOUND",
        context={"propertyName": [name]},
    )


async def list_properties(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    book = state.book
    found = book.archived(spec.name) if flag(request, "archived") else book.all(spec.name)
    return answer({"results": [p.to_json() for p in found.values()]})


async def get_property(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    name = request.path_params["property_name"]
    if flag(request, "archived"):
        prop = state.book.archived(spec.name).get(name)
    else:
        prop = state.book.get(spec.name, name)
    if prop is None:
        raise _missing(spec.name, name)
    return answer(prop.to_json())


async def archive_property(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    name = request.path_params["property_name"]
    if state.book.archive(spec.name, name, state.store.now()) is None:
        raise _missing(spec.name, name)
    return no_content()


def _options(raw: Any) -> tuple[str, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list) or not all(isinstance(o, dict) and o.get("value") for o in raw):
        raise validation("options must be a list of {label, value}")
    return tuple(str(o["value"]) for o in raw)


def _check_definition(book: PropertyBook, obj: str, body: dict[str, Any]) -> None:
    """400 VALIDATION_ERROR naming every problem (`errors[]`, `in` the field) at once."""
    problems = [
        (where, problem)
        for where, problem in (
            ("name", name_problem(str(body["name"]))),
            ("fieldType", type_problem(str(body["type"]), str(body["fieldType"]))),
            ("groupName", group_problem(str(body["groupName"]), book.groups(obj))),
        )
        if problem is not None
    ]
    if problems:
        raise validation(
            "; ".join(p for _, p in problems),
            errors=[{"message": p, "in": where} for where, p in problems],
        )


async def create_property(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    body = await json_body(request)
    if not isinstance(body, dict):
        raise validation("Invalid input JSON: expected a property definition")
    missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)]
    if missing:
        raise validation(f"Missing required fields: {missing}")
    _check_definition(state.book, spec.name, body)
    prop = PropertySpec(
        name=str(body["name"]),
        label=str(body["label"]),
        type=body["type"],
        field_type=str(body["fieldType"]),
        options=_options(body.get("options")),
        has_unique_value=bool(body.get("hasUniqueValue", False)),
        hubspot_defined=False,
        group=str(body["groupName"]),
        created_at=state.store.now(),
    )
    if prop.type == "enumeration" and not prop.options:
        raise validation("An enumeration property needs options")
    state.book.add(spec.name, prop)
    return answer(prop.to_json(), 201)


def build_router() -> APIRouter:
    router = APIRouter()
    add_route(router, "/crm/v3/properties/{object_type}", list_properties, ["GET"])
    add_route(router, "/crm/v3/properties/{object_type}", create_property, ["POST"])
    add_route(router, ONE, get_property, ["GET"])
    add_route(router, ONE, archive_property, ["DELETE"])
    return router


__all__ = ["build_router"]

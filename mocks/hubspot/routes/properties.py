"""The properties API: `GET /crm/v3/properties/{objectType}` (every definition, no paging),
`GET .../{propertyName}` and `POST` to define a custom property (201)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.hubspot.errors import HubSpotError, validation
from mocks.hubspot.routes.common import add_route, answer, json_body
from mocks.hubspot.schema import PropertySpec, object_spec
from mocks.hubspot.state import hubspot

TYPES = {
    "string": "text",
    "number": "number",
    "datetime": "date",
    "date": "date",
    "enumeration": "select",
    "bool": "booleancheckbox",
}


async def list_properties(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    return answer({"results": [p.to_json() for p in state.book.all(spec.name).values()]})


async def get_property(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    name = request.path_params["property_name"]
    prop = state.book.get(spec.name, name)
    if prop is None:
        raise HubSpotError(
            404,
            f"Unable to find property {name} for {spec.name}.",
            "OBJECT_NOT_FOUND",
            context={"propertyName": [name]},
        )
    return answer(prop.to_json())


def _options(raw: Any) -> tuple[str, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list) or not all(isinstance(o, dict) and o.get("value") for o in raw):
        raise validation("options must be a list of {label, value}")
    return tuple(str(o["value"]) for o in raw)


async def create_property(request: Request) -> Response:
    state = hubspot(request)
    spec = object_spec(request.path_params["object_type"])
    body = await json_body(request)
    if not isinstance(body, dict):
        raise validation("Invalid input JSON: expected a property definition")
    missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)]
    if missing:
        raise validation(f"Missing required fields: {missing}")
    if body["type"] not in TYPES:
        raise validation(f"type must be one of {sorted(TYPES)}, got {body['type']!r}")
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
    add_route(router, "/crm/v3/properties/{object_type}/{property_name}", get_property, ["GET"])
    return router


__all__ = ["build_router"]

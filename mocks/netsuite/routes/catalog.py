"""The metadata catalog: record types, their JSON Schema and a small OpenAPI document.

`maxLength` comes from the current `max_lengths` setting, so a limit changed through the
admin API shows up here at once, as a changed field length would in a real account; the
`advertise_max_lengths` setting hides the limits altogether.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request, Response

from mocks.netsuite.auth import require_login
from mocks.netsuite.errors import invalid_parameter, unknown_record_type
from mocks.netsuite.render import RECORD_PATH, record_url, self_link
from mocks.netsuite.schema import RECORD_TYPES, FieldSpec, RecordSpec, country_codes, record_spec
from mocks.netsuite.service import NetSuiteState

CATALOG = "/metadata-catalog"
SCHEMA_MEDIA = "application/schema+json"
SWAGGER_MEDIA = "application/swagger+json"

router = APIRouter(prefix=RECORD_PATH, dependencies=[Depends(require_login)])


def json_schema(spec: RecordSpec, lengths: Mapping[str, int]) -> dict[str, Any]:
    """The JSON Schema of a record type as the record service reads and writes it."""
    return {
        "type": "object",
        "title": spec.title,
        "properties": {f.name: _property(f, lengths, f.name) for f in spec.fields},
        "required": [f.name for f in spec.fields if f.required],
    }


def _property(field: FieldSpec, lengths: Mapping[str, int], path: str) -> dict[str, Any]:
    prop: dict[str, Any] = {"title": field.title}
    kind = field.kind
    if kind in ("string", "id"):
        prop["type"] = "string"
        if path in lengths:
            prop["maxLength"] = lengths[path]
    elif kind == "boolean":
        prop["type"] = "boolean"
    elif kind == "number":
        prop.update(type="number", format="double")
    elif kind == "datetime":
        prop.update(type="string", format="date-time")
    elif kind == "date":
        prop.update(type="string", format="date")
    elif kind == "country":
        prop.update(type="string", enum=list(country_codes()))
    elif kind == "ref":
        prop.update(type="object", properties=_REF_PROPERTIES)
    elif kind == "object":
        prop.update(type="object", properties=_children(field, lengths, path))
    elif kind == "sublist":
        item = {"type": "object", "properties": _children(field, lengths, path)}
        prop.update(type="object", properties={"items": {"type": "array", "items": item}})
    if field.read_only:
        prop["readOnly"] = True
    prop["nullable"] = not (field.required or kind in ("boolean", "id"))
    if field.description:
        prop["description"] = field.description
    return prop


def _children(field: FieldSpec, lengths: Mapping[str, int], path: str) -> dict[str, Any]:
    return {c.name: _property(c, lengths, f"{path}.{c.name}") for c in field.children}


_REF_PROPERTIES: dict[str, Any] = {
    "id": {"type": "string", "title": "Internal identifier"},
    "externalId": {"type": "string", "title": "External identifier"},
    "refName": {"type": "string", "title": "Reference Name", "readOnly": True},
    "links": {"type": "array", "title": "Links", "readOnly": True},
}


def _lengths(request: Request, spec: RecordSpec) -> dict[str, int]:
    state: NetSuiteState = request.app.state.netsuite
    if not state.setting("advertise_max_lengths"):
        return {}
    return spec.lengths(state.setting("max_lengths"))


def _selected(select: str | None) -> list[RecordSpec]:
    if not select:
        return list(RECORD_TYPES.values())
    chosen = []
    for name in (n.strip() for n in select.split(",") if n.strip()):
        spec = record_spec(name)
        if spec is None:
            raise invalid_parameter(
                f"Invalid value for query parameter 'select': unknown record type '{name}';"
                f" known: {sorted(RECORD_TYPES)}.",
                "select",
            )
        chosen.append(spec)
    return chosen


def _openapi(request: Request, specs: list[RecordSpec]) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    paths: dict[str, Any] = {}
    for spec in specs:
        paths[f"/{spec.name}"] = {"get": {"summary": f"Get list of {spec.name} records."},
                                  "post": {"summary": f"Insert a {spec.name} record."}}  # fmt: skip
        paths[f"/{spec.name}/{{id}}"] = {
            method: {"summary": f"{verb} a {spec.name} record."}
            for method, verb in (
                ("get", "Get"),
                ("patch", "Update"),
                ("put", "Upsert"),
                ("delete", "Remove"),
            )
        }
    return {
        "openapi": "3.0.1",
        "info": {"title": "NetSuite REST Record API (harness mock)", "version": "v1"},
        "servers": [{"url": f"{base}{RECORD_PATH}"}],
        "paths": paths,
        "components": {
            "schemas": {s.name: json_schema(s, _lengths(request, s)) for s in specs},
        },
    }


def _wants(request: Request, media: str) -> bool:
    return media in request.headers.get("accept", "").lower()


def _answer(content: Any, media: str) -> Response:
    return Response(orjson.dumps(content), media_type=media)


@router.get(CATALOG)
def catalog(request: Request, select: str | None = None) -> Response:
    specs = _selected(select)
    if _wants(request, SWAGGER_MEDIA):
        return _answer(_openapi(request, specs), SWAGGER_MEDIA)
    base = str(request.base_url)
    url = f"{base.rstrip('/')}{RECORD_PATH}{CATALOG}"
    items = []
    for spec in specs:
        href = f"{url}/{spec.name}"
        items.append({
            "name": spec.name,
            "links": [
                {"rel": "canonical", "href": href, "mediaType": "application/json"},
                {"rel": "alternate", "href": href, "mediaType": SWAGGER_MEDIA},
                {"rel": "alternate", "href": href, "mediaType": SCHEMA_MEDIA},
                {"rel": "describes", "href": record_url(base, spec.name)},
            ],
        })  # fmt: skip
    return _answer({"links": self_link(url), "items": items}, "application/json")


@router.get(CATALOG + "/{record_type}")
def record_schema(request: Request, record_type: str) -> Response:
    """JSON Schema by default and for `Accept: application/schema+json`; OpenAPI on request."""
    spec = record_spec(record_type)
    if spec is None:
        raise unknown_record_type(record_type, sorted(RECORD_TYPES))
    if _wants(request, SWAGGER_MEDIA):
        return _answer(_openapi(request, [spec]), SWAGGER_MEDIA)
    return _answer(json_schema(spec, _lengths(request, spec)), SCHEMA_MEDIA)

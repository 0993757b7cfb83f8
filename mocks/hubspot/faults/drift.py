"""Property drift on the HubSpot wire: once a `schema_drift` rule fires, the properties API
shows the property renamed, removed or retyped, record reads show it the same way, and
writes, search filters and sorts naming a property the drift took away are refused as
HubSpot refuses unknown properties (400 VALIDATION_ERROR, PROPERTY_DOESNT_EXIST). The new
name of a renamed property is translated back to the stored one. The store never changes:
clearing the plan undoes the drift."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.faults.asgi import capture, read_body, replay, send_bytes, send_json, with_body_length
from mocks.faults.plan import SchemaDrift
from mocks.faults.wire_drift import UnknownField, accept_record, convert
from mocks.hubspot.schema.objects import ALIASES
from mocks.hubspot.schema.values import refusal

_PATH = re.compile(r"^/crm/v[34]/(objects|properties)/([^/]+)(/([^/]+))?")
_WIRE_TYPES = {"number": "double", "bool": "boolean", "string": "string"}
_DEFS = {
    "number": ("number", "number"),
    "double": ("number", "number"),
    "int": ("number", "number"),
    "bool": ("bool", "booleancheckbox"),
    "boolean": ("bool", "booleancheckbox"),
    "string": ("string", "text"),
    "datetime": ("datetime", "date"),
    "date": ("date", "date"),
}


class HubSpotDrift:
    """A stage showing the drifts in force, built per request from the runtime's list."""

    def __init__(self, drifts: list[SchemaDrift]) -> None:
        self.drifts = drifts

    def _of(self, obj: str) -> list[SchemaDrift]:
        return [d for d in self.drifts if ALIASES.get(d.object.lower()) == obj]

    async def __call__(self, scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        found = _PATH.match(scope["path"])
        obj = ALIASES.get(found.group(2).lower()) if found else None
        drifts = self._of(obj) if obj else []
        if not drifts or found is None:
            await inner(scope, receive, send)
            return
        try:
            scope = self._query(scope, drifts)
            if scope["method"] in ("POST", "PATCH", "PUT"):
                raw = await read_body(receive)
                new = self._request(raw, obj or "", drifts)
                scope = with_body_length(scope, len(new)) if new is not raw else scope
                receive = replay(new, receive)
        except UnknownField as exc:
            message = f'Property "{exc.name}" does not exist'
            error = refusal([(exc.name, "PROPERTY_DOESNT_EXIST", message)], 0)
            await send_json(send, 400, error.body)
            return
        if found.group(1) == "properties" and found.group(4) and scope["method"] == "GET":
            scope = self._property_path(scope, found.group(4), drifts)
        reply = await capture(inner, scope, receive)
        if not reply.is_json():
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return
        data = reply.json()
        if found.group(1) == "properties":
            self._show_definitions(data, drifts)
        else:
            _walk_properties(data, drifts)
        await send_json(send, reply.status, data, reply.headers)

    def _query(self, scope: Scope, drifts: list[SchemaDrift]) -> Scope:
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if not any(k in ("properties", "idProperty") for k, _ in pairs):
            return scope
        out = []
        for key, value in pairs:
            if key in ("properties", "idProperty"):
                names = [_back(n, drifts, strict=False) for n in value.split(",")]
                value = ",".join(n for n in names if n)
            out.append((key, value))
        return {**scope, "query_string": urlencode(out).encode()}

    def _request(self, raw: bytes, obj: str, drifts: list[SchemaDrift]) -> bytes:
        try:
            body = orjson.loads(raw) if raw.strip() else None
        except orjson.JSONDecodeError:
            return raw
        if not isinstance(body, dict):
            return raw
        for item in [body, *(i for i in body.get("inputs") or () if isinstance(i, dict))]:
            if isinstance(item.get("properties"), dict):
                item["properties"] = accept_record(item["properties"], obj, drifts, ci=False)
            if isinstance(item.get("properties"), list):  # names to read: unknown ones ignored
                names = [_back(str(n), drifts, strict=False) for n in item["properties"]]
                item["properties"] = [n for n in names if n]
            if isinstance(item.get("idProperty"), str):
                item["idProperty"] = _back(item["idProperty"], drifts)
        for group in body.get("filterGroups") or ():
            for flt in group.get("filters") or () if isinstance(group, dict) else ():
                if isinstance(flt, dict) and isinstance(flt.get("propertyName"), str):
                    flt["propertyName"] = _back(flt["propertyName"], drifts)
        for sort in body.get("sorts") or ():
            if isinstance(sort, dict) and isinstance(sort.get("propertyName"), str):
                sort["propertyName"] = _back(sort["propertyName"], drifts)
        return orjson.dumps(body)

    def _property_path(self, scope: Scope, name: str, drifts: list[SchemaDrift]) -> Scope:
        stored = _back(name, drifts, strict=False) or "__removed_by_drift__"
        path = scope["path"][: len(scope["path"]) - len(name)] + stored
        return {**scope, "path": path, "raw_path": path.encode()}

    def _show_definitions(self, data: Any, drifts: list[SchemaDrift]) -> None:
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            shown = [_definition(row, drifts) for row in data["results"]]
            data["results"] = [row for row in shown if row is not None]
        elif isinstance(data, dict) and "name" in data:
            row = _definition(data, drifts)
            data.clear()
            data.update(row or {})


def _definition(row: Any, drifts: list[SchemaDrift]) -> Any:
    """One property definition as the drifts show it (None: removed)."""
    drift = next((d for d in drifts if isinstance(row, dict) and row.get("name") == d.field), None)
    if drift is None:
        return row
    if drift.remove:
        return None
    if drift.rename:
        return {**row, "name": drift.rename}
    kind, field_type = _DEFS.get(drift.retype or "string", ("string", "text"))
    return {**row, "type": kind, "fieldType": field_type, "options": []}


def _back(name: str, drifts: list[SchemaDrift], *, strict: bool = True) -> str:
    """A client's property name as stored: a removed or renamed-away name is unknown."""
    for drift in drifts:
        if name == drift.field and (drift.remove or drift.rename):
            if strict:
                raise UnknownField(drift.object, name)
            return ""
        if drift.rename and name == drift.rename:
            return drift.field
    return name


def _show(props: dict[str, Any], drifts: list[SchemaDrift]) -> dict[str, Any]:
    out = dict(props)
    for drift in drifts:
        if drift.field not in out:
            continue
        if drift.remove:
            out.pop(drift.field)
        elif drift.rename:
            out = {(drift.rename if k == drift.field else k): v for k, v in out.items()}
        elif drift.retype and out[drift.field] is not None:
            shown = convert(out[drift.field], _WIRE_TYPES.get(drift.retype, drift.retype))
            out[drift.field] = str(shown).lower() if isinstance(shown, bool) else str(shown)
    return out


def _walk_properties(data: Any, drifts: list[SchemaDrift]) -> None:
    if isinstance(data, dict):
        if isinstance(data.get("properties"), dict):
            data["properties"] = _show(data["properties"], drifts)
        for value in data.values():
            if isinstance(value, list | dict):
                _walk_properties(value, drifts)
    elif isinstance(data, list):
        for item in data:
            _walk_properties(item, drifts)


__all__ = ["HubSpotDrift"]

"""Schema drift on the NetSuite wire: metadata catalog, record GETs, SuiteQL and writes.

From the moment a drift rule fires, the metadata catalog (JSON Schema and OpenAPI forms)
shows the property renamed, removed or retyped; record GETs and SuiteQL rows (lower-case
column keys) show it the same way; writes naming a property the drift took away get 400
INVALID_CONTENT naming it, SuiteQL naming it gets 400 INVALID_PARAMETER, and the new name is
translated to the stored field. REST property names are case-sensitive, as in NetSuite.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.faults.asgi import capture, read_body, replay, send_bytes, send_json, with_body_length
from mocks.faults.plan import SchemaDrift
from mocks.faults.wire_drift import (
    UnknownField,
    accept_record,
    for_object,
    show_record,
    translate_names,
)
from mocks.netsuite.errors import NetSuiteError, invalid_content
from mocks.netsuite.schema import record_spec

FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)
_SUITEQL = "/services/rest/query/v1/suiteql"
_RECORD = re.compile(r"^/services/rest/record/v1/(\w+)(/[^/]+)?/?$")
_CATALOG = re.compile(r"^/services/rest/record/v1/metadata-catalog(/(\w+))?/?$")
_TYPE_KEYS = frozenset({"type", "format", "maxLength", "enum"})
JSON_TYPES: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "double": {"type": "number", "format": "double"},
    "int": {"type": "integer", "format": "int64"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}


def record_type(name: str | None) -> str | None:
    """The stored record type for a URL segment or SuiteQL table, if it is one."""
    spec = record_spec(name) if name else None
    return spec.name if spec else None


class NetSuiteDrift:
    """A stage showing the drifts in force; built per request from the runtime's list."""

    def __init__(self, drifts: list[SchemaDrift]) -> None:
        self.drifts = drifts

    def _of(self, obj: str | None) -> list[SchemaDrift]:
        return for_object(self.drifts, obj, ci=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        path = scope["path"].rstrip("/")
        queried: str | None = None
        try:
            scope = self._fields_param(scope)
            if scope["method"] in ("POST", "PATCH", "PUT"):
                raw = await read_body(receive)
                new, queried = self._body(path, raw)
                scope = with_body_length(scope, len(new)) if new is not raw else scope
                receive = replay(new, receive)
        except UnknownField as exc:
            error = self._refusal(exc, path == _SUITEQL)
            await send_json(send, error.status, error.body())
            return
        reply = await capture(inner, scope, receive)
        if not reply.is_json():
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return
        data = reply.json()
        self._show(path, scope["method"], data, queried)
        await send_json(send, reply.status, data, reply.headers)

    @staticmethod
    def _refusal(exc: UnknownField, in_query: bool) -> NetSuiteError:
        if in_query:
            return NetSuiteError(
                400,
                "INVALID_PARAMETER",
                f"Invalid search query. Search error occurred: Field '{exc.name}' for record"
                f" '{exc.obj}' was not found.",
            )
        return invalid_content(
            f"Invalid property name '{exc.name}': record type '{exc.obj}' has no such field.",
            exc.name,
        )

    # -- requests ----------------------------------------------------------------------------

    def _fields_param(self, scope: Scope) -> Scope:
        found = _RECORD.match(scope["path"])
        obj = record_type(found.group(1)) if found else None
        drifts = self._of(obj)
        if not drifts or not scope.get("query_string"):
            return scope
        pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        out = [(k, translate_names(v, obj or "", drifts) if k == "fields" else v) for k, v in pairs]
        return {**scope, "query_string": urlencode(out).encode("latin-1")}

    def _body(self, path: str, raw: bytes) -> tuple[bytes, str | None]:
        """The body with drifted names translated, and the record type a SuiteQL reads."""
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw, None
        if not isinstance(body, dict):
            return raw, None
        if path == _SUITEQL and isinstance(body.get("q"), str):
            found = FROM.search(body["q"])
            obj = record_type(found.group(1)) if found else None
            drifts = self._of(obj)
            if not drifts:
                return raw, obj
            return orjson.dumps({**body, "q": translate_names(body["q"], obj or "", drifts)}), obj
        found = _RECORD.match(path)
        obj = record_type(found.group(1)) if found else None
        drifts = self._of(obj)
        if not drifts or obj is None:
            return raw, None
        return orjson.dumps(accept_record(body, obj, drifts, ci=False)), None

    # -- responses ---------------------------------------------------------------------------

    def _show(self, path: str, method: str, data: Any, queried: str | None) -> None:
        if not isinstance(data, dict):
            return
        catalog = _CATALOG.match(path)
        if catalog:
            if isinstance(data.get("properties"), dict) and catalog.group(2):
                _schema(data, self._of(record_type(catalog.group(2))))
            schemas = data.get("components", {}).get("schemas", {})
            for name, schema in schemas.items() if isinstance(schemas, dict) else ():
                _schema(schema, self._of(record_type(name)))
            return
        if path == _SUITEQL and queried and isinstance(data.get("items"), list):
            drifts = self._of(queried)
            for row in data["items"]:
                if isinstance(row, dict):
                    show_record(row, drifts, ci=False, lower=True)
            return
        found = _RECORD.match(path)
        if method == "GET" and found and found.group(2):
            show_record(data, self._of(record_type(found.group(1))), ci=False)


def _schema(schema: Any, drifts: list[SchemaDrift]) -> None:
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict) or not drifts:
        return
    for drift in drifts:
        prop = props.get(drift.field)
        if prop is None:
            continue
        if drift.remove:
            props.pop(drift.field)
        elif drift.rename:
            schema["properties"] = props = {
                (drift.rename if k == drift.field else k): v for k, v in props.items()
            }
        elif drift.retype:
            kept = {k: v for k, v in prop.items() if k not in _TYPE_KEYS}
            props[drift.field] = {**kept, **JSON_TYPES[drift.retype]}
        required = schema.get("required")
        if isinstance(required, list) and drift.field in required and not drift.retype:
            schema["required"] = [
                drift.rename if r == drift.field and drift.rename else r
                for r in required
                if r != drift.field or drift.rename
            ]

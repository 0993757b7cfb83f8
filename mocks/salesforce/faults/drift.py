"""Schema drift on the Salesforce wire: describe, records, SOQL and writes.

From the moment a drift rule fires, `sobjects/X/describe` shows the field renamed, removed
or retyped; every record payload (query rows, GETs, collection retrieves) shows it the same
way; SOQL and writes that use a name the drift took away get 400 INVALID_FIELD, and the new
name is translated to the stored field. Field names compare case-insensitively, as in
Salesforce.
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
    walk,
)

_DATA = r"/services/data/v\d+\.\d+"
_QUERY = re.compile(rf"^{_DATA}/(query|queryAll)/?$")
_FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)
_SOBJECT = re.compile(rf"^{_DATA}/sobjects/(\w+)(/.*)?$")
_COLLECTION = re.compile(rf"^{_DATA}/composite/sobjects/?$")
_COLLECTION_OF = re.compile(rf"^{_DATA}/composite/sobjects/(\w+)(/\w+)?/?$")
_DESCRIBE = re.compile(rf"^{_DATA}/sobjects/(\w+)/describe/?$")
SOAP_TYPES = {"string": "xsd:string", "double": "xsd:double", "int": "xsd:int",
              "boolean": "xsd:boolean", "date": "xsd:date", "datetime": "xsd:dateTime"}  # fmt: skip


def _invalid_field(exc: UnknownField, in_query: bool) -> list[dict[str, Any]]:
    if in_query:
        message = (
            f"No such column '{exc.name}' on entity '{exc.obj}'. If you are attempting to use a"
            " custom field, be sure to append the '__c' after the custom field name. Please"
            " reference your WSDL or the describe call for the appropriate names."
        )
    else:
        message = f"No such column '{exc.name}' on sobject of type {exc.obj}"
    return [{"message": message, "errorCode": "INVALID_FIELD", "fields": [exc.name]}]


class SalesforceDrift:
    """A stage showing the drifts in force; built per request from the runtime's list."""

    def __init__(self, drifts: list[SchemaDrift]) -> None:
        self.drifts = drifts

    def _of(self, obj: str | None) -> list[SchemaDrift]:
        return for_object(self.drifts, obj, ci=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        try:
            scope = self._params(scope)
            if scope["method"] in ("POST", "PATCH", "PUT"):
                raw = await read_body(receive)
                new = self._body(scope, raw)
                scope = with_body_length(scope, len(new)) if new is not raw else scope
                receive = replay(new, receive)
        except UnknownField as exc:
            await send_json(send, 400, _invalid_field(exc, bool(_QUERY.match(scope["path"]))))
            return
        reply = await capture(inner, scope, receive)
        if not reply.is_json():
            await send_bytes(send, reply.status, reply.headers, reply.body)
            return
        data = reply.json()
        self._show(scope["path"], data)
        await send_json(send, reply.status, data, reply.headers)

    # -- requests ----------------------------------------------------------------------------

    def _params(self, scope: Scope) -> Scope:
        """SOQL in `q` and field lists in `fields`, translated to stored names."""
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        path = scope["path"]
        changed = False
        out = []
        for key, value in pairs:
            if key == "q" and _QUERY.match(path):
                found = _FROM.search(value)
                drifts = self._of(found.group(1) if found else None)
                new = translate_names(value, found.group(1), drifts) if found else value
            elif key == "fields":
                obj = _object_of(path)
                new = translate_names(value, obj or "", self._of(obj))
            else:
                new = value
            changed |= new != value
            out.append((key, new))
        if not changed:
            return scope
        return {**scope, "query_string": urlencode(out).encode("latin-1")}

    def _body(self, scope: Scope, raw: bytes) -> bytes:
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw
        path = scope["path"]
        if isinstance(body, dict) and _COLLECTION.match(path):
            records = body.get("records")
            if isinstance(records, list):
                body["records"] = [self._record(r, _type_of(r)) for r in records]
        elif isinstance(body, dict) and (found := _COLLECTION_OF.match(path)):
            obj = found.group(1)
            if isinstance(body.get("records"), list):
                body["records"] = [self._record(r, _type_of(r) or obj) for r in body["records"]]
            elif isinstance(body.get("fields"), list):  # retrieve by POST
                drifts = self._of(obj)
                body["fields"] = [translate_names(str(f), obj, drifts) for f in body["fields"]]
        elif isinstance(body, dict) and (found := _SOBJECT.match(path)):
            body = self._record(body, found.group(1))
        else:
            return raw
        return orjson.dumps(body)

    def _record(self, record: Any, obj: str | None) -> Any:
        if not isinstance(record, dict) or obj is None:
            return record
        return accept_record(record, obj, self._of(obj), ci=True)

    # -- responses ---------------------------------------------------------------------------

    def _show(self, path: str, data: Any) -> None:
        described = _DESCRIBE.match(path)
        if described and isinstance(data, dict) and isinstance(data.get("fields"), list):
            data["fields"] = _describe_fields(data["fields"], self._of(described.group(1)))

        def visit(node: dict[str, Any]) -> None:
            attrs = node.get("attributes")
            if isinstance(attrs, dict) and isinstance(attrs.get("type"), str):
                drifts = self._of(attrs["type"])
                if drifts:
                    show_record(node, drifts, ci=True)

        walk(data, visit)


def _describe_fields(fields: list[Any], drifts: list[SchemaDrift]) -> list[Any]:
    out = []
    for entry in fields:
        name = str(entry.get("name", "")) if isinstance(entry, dict) else ""
        drift = next((d for d in drifts if d.field.lower() == name.lower()), None)
        if drift is None:
            out.append(entry)
        elif drift.rename:
            out.append({**entry, "name": drift.rename})
        elif drift.retype:
            out.append({**entry, "type": drift.retype, "soapType": SOAP_TYPES[drift.retype]})
    return out


def _type_of(record: Any) -> str | None:
    attrs = record.get("attributes") if isinstance(record, dict) else None
    value = attrs.get("type") if isinstance(attrs, dict) else None
    return str(value) if value else None


def _object_of(path: str) -> str | None:
    found = _SOBJECT.match(path) or _COLLECTION_OF.match(path)
    return found.group(1) if found else None

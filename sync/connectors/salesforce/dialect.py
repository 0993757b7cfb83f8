"""Salesforce wire format <-> plain records: pure functions, no I/O.

Covers REST datetimes (`2024-01-15T10:22:33.000+0000`), SOQL building and literal quoting,
describe -> `ObjectSchema`, sObject Collections results -> `WriteResult`, error bodies
(a JSON array of `{errorCode, message, fields}`, or an OAuth `{error, error_description}`)
and the `Sforce-Limit-Info` header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sync.connectors.base import FieldSchema, FieldType, ObjectSchema, Record, WriteResult
from sync.connectors.http import VendorFault
from sync.errors import ConfigError

ID_FIELD = "Id"
MODSTAMP_FIELD = "SystemModstamp"
DELETED_FIELD = "IsDeleted"
BATCH_LIMIT = 200  # sObject Collections records per request
RETRIEVE_LIMIT = 2_000  # ids per sObject Collections retrieve
RETRYABLE_RECORD_CODES = frozenset({"UNABLE_TO_LOCK_ROW"})

_TYPE_MAP: dict[str, FieldType] = {
    "id": "id", "string": "string", "textarea": "textarea", "email": "email", "phone": "phone",
    "url": "url", "picklist": "picklist", "multipicklist": "picklist", "combobox": "picklist",
    "reference": "reference", "boolean": "boolean", "currency": "currency", "double": "double",
    "percent": "double", "int": "int", "long": "int", "date": "date", "datetime": "datetime",
    "address": "object", "location": "object",
}  # fmt: skip
_TEXT_TYPES = frozenset({"string", "textarea", "email", "phone", "url", "picklist", "id"})
# Compound and binary fields cannot be listed in a multi-row SOQL SELECT.
_UNSELECTABLE_TYPES = frozenset({"address", "location", "base64"})
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_SOQL_ESCAPES = str.maketrans(
    {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
     "\b": "\\b", "\f": "\\f"}
)  # fmt: skip
_LIMIT_ITEM = re.compile(r"([\w-]+)=(\d+)/(\d+)")
_RECORD_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")


# -- datetimes -------------------------------------------------------------------------------


def parse_datetime(value: str) -> datetime:
    """A Salesforce datetime (`...T10:22:33.000+0000`, or ISO with `Z`) as aware UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    """`2024-01-15T10:22:33.000+0000`, the REST API's own datetime form (naive means UTC)."""
    utc = as_utc(value)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def soql_datetime(value: datetime) -> str:
    """An unquoted SOQL datetime literal, floored to the second (`2024-01-15T10:22:33Z`)."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- SOQL ------------------------------------------------------------------------------------


def is_record_id(value: str) -> bool:
    """A 15- or 18-character Salesforce id."""
    return bool(_RECORD_ID.match(value))


def soql_quote(value: Any) -> str:
    """A SOQL string literal with backslash escapes (quotes, backslashes, control chars)."""
    return "'" + str(value).translate(_SOQL_ESCAPES) + "'"


def identifier(name: str) -> str:
    """`name` if it is a safe SOQL object or field name (dots for relationships)."""
    if not _IDENTIFIER.match(name):
        raise ConfigError(f"{name!r} is not a valid Salesforce object or field name")
    return name


def select_list(fields: Iterable[str], *, include_deleted: bool = False) -> list[str]:
    """`fields` plus Id and SystemModstamp (and IsDeleted), de-duplicated, order kept."""
    wanted = [ID_FIELD, *fields, MODSTAMP_FIELD]
    if include_deleted:
        wanted.append(DELETED_FIELD)
    seen: set[str] = set()
    out = []
    for name in wanted:
        key = name.lower()  # SOQL names are case-insensitive
        if key not in seen:
            seen.add(key)
            out.append(identifier(name))
    return out


def incremental_query(obj: str, fields: Sequence[str], since: datetime | None) -> str:
    """SELECT ... ordered by (SystemModstamp, Id), from `since` (floored to the second) on."""
    where = f" WHERE {MODSTAMP_FIELD} >= {soql_datetime(since)}" if since is not None else ""
    return (
        f"SELECT {', '.join(fields)} FROM {identifier(obj)}{where}"
        f" ORDER BY {MODSTAMP_FIELD}, {ID_FIELD}"
    )


def lookup_query(obj: str, fields: Sequence[str], key_field: str, values: Sequence[str]) -> str:
    in_list = ", ".join(soql_quote(v) for v in values)
    where = f"{identifier(key_field)} IN ({in_list})"
    return f"SELECT {', '.join(fields)} FROM {identifier(obj)} WHERE {where}"


def chunk_values(values: Sequence[str], *, max_items: int = 200, max_chars: int = 8000,
                 encoded: bool = True) -> Iterator[list[str]]:  # fmt: skip
    """Split `values` so each SOQL IN list stays under a count and a length budget (a URL's,
    percent-encoded, unless `encoded` is false: SOQL sent in a request body)."""
    chunk: list[str] = []
    size = 0
    for value in values:
        quoted = len(soql_quote(value))
        cost = (quoted * 3 if encoded else quoted) + 2  # worst case after percent-encoding
        if chunk and (len(chunk) >= max_items or size + cost > max_chars):
            yield chunk
            chunk, size = [], 0
        chunk.append(value)
        size += cost
    if chunk:
        yield chunk


# -- records ---------------------------------------------------------------------------------


def strip_attributes(value: Any) -> Any:
    """Drop every `attributes` key (type/url metadata), also in nested relationship objects."""
    if isinstance(value, dict):
        return {k: strip_attributes(v) for k, v in value.items() if k != "attributes"}
    if isinstance(value, list):
        return [strip_attributes(v) for v in value]
    return value


def child_subquery(relationship: str, fields: Sequence[str]) -> str:
    """A child-relationship subquery for a SELECT list: `(SELECT Id, ... FROM OrderItems)`."""
    names = ", ".join(identifier(f) for f in dict.fromkeys([ID_FIELD, *fields]))
    return f"(SELECT {names} FROM {identifier(relationship)} ORDER BY {ID_FIELD})"


def child_relationships(body: dict[str, Any]) -> dict[str, str]:
    """Describe's child relationships a subquery can follow: relationship name -> child."""
    return {
        str(rel["relationshipName"]): str(rel["childSObject"])
        for rel in body.get("childRelationships") or ()
        if rel.get("relationshipName") and rel.get("childSObject")
    }


def _nested_rows(value: Any) -> Any:
    """A child subquery's result (`{"totalSize", "done", "records"}`) as a list of rows."""
    if isinstance(value, dict) and isinstance(value.get("records"), list) and "done" in value:
        return [strip_attributes(row) for row in value["records"]]
    return value


def record_from_wire(wire: dict[str, Any], children: Sequence[str] = ()) -> Record:
    """A query row as a `Record`; `fields` keeps every selected field except `attributes`.
    Child subquery results become plain row lists (empty for the `children` Salesforce
    answered with null)."""
    fields = {k: _nested_rows(v) for k, v in strip_attributes(wire).items()}
    for name in children:
        if fields.get(name) is None:
            fields[name] = []
    return Record(
        id=str(fields[ID_FIELD]),
        fields=fields,
        modified_at=parse_datetime(fields[MODSTAMP_FIELD]),
        deleted=bool(fields.get(DELETED_FIELD, False)),
    )


def to_wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def record_to_wire(obj: str, fields: dict[str, Any], *, record_id: str | None = None
                   ) -> dict[str, Any]:  # fmt: skip
    """A collections payload entry: `attributes.type` first, then the fields (and `id`)."""
    wire: dict[str, Any] = {"attributes": {"type": obj}}
    if record_id is not None:
        wire["id"] = record_id
    for name, value in fields.items():
        if name != "attributes":
            wire[name] = to_wire_value(value)
    return wire


def write_results(keys: Sequence[str], body: Any) -> list[WriteResult]:
    """sObject Collections results (input order) as `WriteResult`s keyed by `keys`."""
    if not isinstance(body, list) or len(body) != len(keys):
        got = len(body) if isinstance(body, list) else type(body).__name__
        raise ValueError(f"expected {len(keys)} results from sObject Collections, got {got}")
    return [_write_result(key, item) for key, item in zip(keys, body, strict=True)]


def _write_result(key: str, item: dict[str, Any]) -> WriteResult:
    record_id = item.get("id")
    if item.get("success"):
        return WriteResult(key, True, id=record_id, created=bool(item.get("created", False)))
    errors = item.get("errors") or [{}]
    code = errors[0].get("statusCode") or errors[0].get("errorCode")
    message = "; ".join(str(e.get("message", "")) for e in errors if e.get("message"))
    blamed = tuple(dict.fromkeys(f for e in errors for f in e.get("fields") or ()))
    return WriteResult(
        key,
        False,
        id=record_id,
        error_code=code,
        message=message or None,
        fields=blamed,
        retryable=code in RETRYABLE_RECORD_CODES,
    )


# -- describe --------------------------------------------------------------------------------


def schema_from_describe(body: dict[str, Any]) -> ObjectSchema:
    """`sobjects/X/describe` as an `ObjectSchema`.

    required = not nillable and createable and not defaultedOnCreate (booleans are never
    nillable but always default, so they come out optional).
    """
    fields = {}
    for raw in body.get("fields", []):
        wire_type = raw.get("type", "string")
        ftype = _TYPE_MAP.get(wire_type, "string")
        length = raw.get("length") or None
        nillable = bool(raw.get("nillable", True))
        createable = bool(raw.get("createable", True))
        fields[raw["name"]] = FieldSchema(
            name=raw["name"],
            type=ftype,
            length=length if wire_type in _TEXT_TYPES or ftype == "picklist" else None,
            required=not nillable and createable and not raw.get("defaultedOnCreate", False),
            nillable=nillable,
            createable=createable,
            updateable=bool(raw.get("updateable", True)),
            external_id=bool(raw.get("externalId", False)),
            picklist=tuple(
                p["value"] for p in raw.get("picklistValues") or () if p.get("active", True)
            ),
        )
    return ObjectSchema(name=body.get("name", ""), fields=fields)


def selectable_fields(body: dict[str, Any]) -> list[str]:
    """Field names a multi-row SELECT may list (no compound or binary fields)."""
    return [f["name"] for f in body.get("fields", []) if f.get("type") not in _UNSELECTABLE_TYPES]


# -- errors and headers ----------------------------------------------------------------------


def parse_error(status: int, body: Any) -> VendorFault:
    """An error body as (code, message): REST arrays, single objects or OAuth errors."""
    item = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else body
    if isinstance(item, dict):
        if "error" in item and isinstance(item["error"], str):  # OAuth token endpoint
            return VendorFault(item["error"], str(item.get("error_description", item["error"])))
        code = item.get("errorCode") or item.get("statusCode")
        return VendorFault(code, str(item.get("message") or code or f"HTTP {status}"))
    text = body if isinstance(body, str) else ""
    return VendorFault(None, text[:500] or f"HTTP {status}")


def parse_limit_info(header: str | None) -> dict[str, tuple[int, int]]:
    """`api-usage=18/5000; api-bursts=1/750` -> {"api-usage": (18, 5000), ...}."""
    if not header:
        return {}
    return {name: (int(used), int(total)) for name, used, total in _LIMIT_ITEM.findall(header)}

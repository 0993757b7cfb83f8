"""HubSpot CRM v3 wire format <-> plain records: pure functions, no I/O.

HubSpot sends every property value as a string (or null); the property definitions
(`/crm/v3/properties/{object}`) say what each one is, so a plain record gets its numbers as
numbers, booleans as bools, datetimes as ISO strings and enumerations as their option value.
References are associations, not properties: a contact's and a deal's `company` is the id of
the primary associated company, a deal's `lines` its line items as plain line records (the
`lines` module). Writes turn plain values back into strings. Error bodies
(`{status, category, message, errors[], context}`) become the `ErrorPolicy`'s faults.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sync.connectors.base import FieldSchema, FieldType, ObjectSchema, Record
from sync.connectors.http import VendorFault
from sync.errors import ConfigError

__all__ = [
    "BATCH_LIMIT",
    "LIST_LIMIT",
    "REFERENCES",
    "SEARCH_CAP",
    "SEARCH_LIMIT",
    "TEXT_LIMIT",
    "Reference",
    "as_utc",
    "epoch_ms",
    "existing_id",
    "format_datetime",
    "modified_property",
    "parse_datetime",
    "parse_error",
    "path_segment",
    "properties_to_wire",
    "property_types",
    "record_from_wire",
    "schema_from_properties",
    "unique_properties",
    "value_from_wire",
    "value_to_wire",
]

BATCH_LIMIT = 100  # inputs per batch call (read, create, update, upsert, archive)
LIST_LIMIT = 100  # objects per list page
SEARCH_LIMIT = 200  # results per search page
SEARCH_CAP = 10_000  # results one search query can reach; paging past it is a 400
TEXT_LIMIT = 65_536  # characters a text property holds
ID_PROPERTY = "hs_object_id"
_EXISTING_ID = re.compile(r"Existing ID: ?(\d+)")


@dataclass(frozen=True)
class Reference:
    """A plain reference field held as an association: the object it points to, the type
    written for it and the primary type preferred when reading."""

    to: str
    type_id: int
    primary_type_id: int | None = None


# The object types' reference fields. `company` on contacts shadows HubSpot's free-text
# `company` property: in a plain record it is the associated company's id.
REFERENCES: Mapping[str, Mapping[str, Reference]] = {
    "contacts": {"company": Reference("companies", 279, 1)},
    "deals": {"company": Reference("companies", 341, 5)},
}

_TYPES: Mapping[str, FieldType] = {
    "number": "double", "bool": "boolean", "enumeration": "picklist", "datetime": "datetime",
    "date": "date", "phone_number": "phone",
}  # fmt: skip
_FIELD_TYPES: Mapping[str, FieldType] = {"textarea": "textarea", "phonenumber": "phone"}


_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def path_segment(obj: str) -> str:
    """An object type as a URL path segment; anything but a name is refused here, so a
    caller's typo cannot reach another endpoint."""
    if not _SEGMENT.match(obj):
        raise ConfigError(f"{obj!r} is not a HubSpot object type name", key="object")
    return obj


# -- datetimes -------------------------------------------------------------------------------


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_datetime(value: str) -> datetime:
    """A HubSpot datetime (`2024-01-10T12:34:56.789Z`, or epoch milliseconds) as aware UTC."""
    text = value.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return as_utc(datetime.fromisoformat(text))


def format_datetime(value: datetime) -> str:
    """`2024-01-10T12:34:56.789Z`: HubSpot's own form, to the millisecond."""
    utc = as_utc(value)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def epoch_ms(value: datetime) -> int:
    """Epoch milliseconds, floored: what search filters on datetime properties compare."""
    utc = as_utc(value)
    return int(utc.timestamp()) * 1000 + utc.microsecond // 1000


def modified_property(obj: str) -> str:
    """The modified stamp's property: contacts keep theirs in `lastmodifieddate`."""
    return "lastmodifieddate" if obj == "contacts" else "hs_lastmodifieddate"


# -- describe --------------------------------------------------------------------------------


def _properties(body: Any) -> list[dict[str, Any]]:
    results = body.get("results", []) if isinstance(body, dict) else []
    return [p for p in results if isinstance(p, dict) and p.get("name")]


def property_types(body: Any) -> dict[str, str]:
    """Property name -> HubSpot type (`string`, `number`, `bool`, `enumeration`, ...)."""
    return {str(p["name"]): str(p.get("type") or "string") for p in _properties(body)}


def unique_properties(obj: str, body: Any) -> set[str]:
    """Properties an upsert may name as `idProperty`: unique ones, and a contact's email."""
    names = {str(p["name"]) for p in _properties(body) if p.get("hasUniqueValue")}
    return names | ({"email"} if obj == "contacts" else set())


def _field(prop: Mapping[str, Any], required: bool, unique: bool) -> FieldSchema:
    kind = str(prop.get("type") or "string")
    plain = _FIELD_TYPES.get(str(prop.get("fieldType") or "")) or _TYPES.get(kind, "string")
    text = plain in ("string", "textarea", "phone")
    read_only = bool((prop.get("modificationMetadata") or {}).get("readOnlyValue")) or bool(
        prop.get("calculated")
    )
    options = tuple(str(o["value"]) for o in prop.get("options") or () if "value" in o)
    return FieldSchema(
        name=str(prop["name"]),
        type=plain,
        length=TEXT_LIMIT if text else None,
        required=required,
        nillable=not required,
        createable=not read_only,
        updateable=not read_only,
        external_id=unique,
        picklist=options if plain == "picklist" else (),
    )


def schema_from_properties(
    obj: str, body: Any, required: Iterable[str] = (), lines: str | None = None
) -> ObjectSchema:
    """The properties API answer as an `ObjectSchema`. HubSpot marks nothing required over
    the API, so `required` comes from the pack's profile; unique properties are the
    external-id candidates; reference fields (and a deal's `lines`) are added."""
    needed = set(required)
    unique = unique_properties(obj, body)
    fields = {
        str(p["name"]): _field(p, str(p["name"]) in needed, str(p["name"]) in unique)
        for p in _properties(body)
    }
    fields["id"] = FieldSchema("id", "id", nillable=False, createable=False, updateable=False)
    for name in REFERENCES.get(obj, {}):
        fields[name] = FieldSchema(name, "reference", required=name in needed)
    if lines:
        fields[lines] = FieldSchema(lines, "array", required=lines in needed)
    return ObjectSchema(obj, fields)


# -- values ----------------------------------------------------------------------------------


def value_from_wire(value: Any, kind: str | None) -> Any:
    """One property value as a plain value of its property type; "" and null are None."""
    if value is None or value == "":
        return None
    text = str(value)
    if kind == "number":
        try:
            number = Decimal(text)
        except ArithmeticError:
            return text
        return int(number) if number == number.to_integral_value() and "." not in text \
            else float(number)  # fmt: skip
    if kind == "bool":
        return text.strip().lower() == "true"
    if kind == "datetime":
        try:
            return format_datetime(parse_datetime(text))
        except ValueError:
            return text
    if kind == "date" and text.isdigit():
        return parse_datetime(text).date().isoformat()
    return text


def value_to_wire(value: Any) -> str:
    """A plain value as the string HubSpot stores; None clears the property ("")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return ";".join(value_to_wire(v) for v in value)  # multi-select options
    return str(value)


def properties_to_wire(record: Mapping[str, Any], skip: Iterable[str] = ()) -> dict[str, str]:
    """A plain record's properties for a write: strings, without `skip` (references, lines,
    the record id) and without the stamps HubSpot keeps itself."""
    left_out = {*skip, "id", ID_PROPERTY, "createdate", "hs_lastmodifieddate", "lastmodifieddate"}
    return {k: value_to_wire(v) for k, v in record.items() if k not in left_out}


def record_from_wire(
    body: Mapping[str, Any],
    types: Mapping[str, str],
    stamp: str,
    extra: Mapping[str, Any] | None = None,
    fields: Sequence[str] | None = None,
) -> Record:
    """A wire object as a `Record`: its properties typed, `extra` (references, lines) added,
    modified at its `stamp` property (`updatedAt` when that is missing), deleted when
    archived (then modified at `archivedAt`)."""
    props = body.get("properties") or {}
    wanted = set(fields) if fields is not None else None
    plain = {
        name: value_from_wire(value, types.get(name))
        for name, value in props.items()
        if wanted is None or name in wanted
    }
    plain["id"] = str(body["id"])  # the key profiles name (`key: id`)
    if wanted is None or ID_PROPERTY in wanted:
        plain[ID_PROPERTY] = str(body["id"])  # an id, like the references that name it
    plain.update(extra or {})
    archived = bool(body.get("archived"))
    when = (body.get("archivedAt") if archived else None) or props.get(stamp) \
        or body.get("updatedAt") or body.get("createdAt")  # fmt: skip
    modified = parse_datetime(str(when)) if when else datetime.fromtimestamp(0, tz=UTC)
    return Record(str(body["id"]), plain, modified, deleted=archived)


# -- errors ----------------------------------------------------------------------------------


def parse_error(status: int, body: Any) -> VendorFault:
    """HubSpot's error body as (code, message): the first `errors[].code` when given (the
    precise reason: INVALID_EMAIL, PROPERTY_DOESNT_EXIST), else the category (CONFLICT,
    OBJECT_NOT_FOUND, EXPIRED_AUTHENTICATION); a 429 says which window ran out
    (`policyName`) and answers RATE_LIMIT."""
    if not isinstance(body, dict):
        text = str(body or "")[:500]
        return VendorFault(None, text or f"HTTP {status}")
    message = str(body.get("message") or f"HTTP {status}")
    if status == 429 or body.get("errorType") == "RATE_LIMIT":
        policy = body.get("policyName")
        return VendorFault("RATE_LIMIT", f"{message} ({policy})" if policy else message)
    for item in body.get("errors") or ():
        if isinstance(item, dict) and item.get("code"):
            return VendorFault(str(item["code"]), str(item.get("message") or message))
    code = body.get("subCategory") or body.get("category") or body.get("error")
    return VendorFault(str(code) if code else None, message)


def existing_id(message: str | None) -> str | None:
    """The record a 409 duplicate names (`Contact already exists. Existing ID: 123`)."""
    found = _EXISTING_ID.search(message or "")
    return found.group(1) if found else None

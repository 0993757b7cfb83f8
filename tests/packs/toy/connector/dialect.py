"""Toy CRM wire format <-> plain records: pure functions, no I/O.

Datetimes are ISO 8601 UTC (`2024-01-15T10:22:33.000Z`); a client is a flat JSON object whose
`id` and `updated_at` become the record's id and modification time; errors are
`{"error": {"code", "message"[, "field"]}}`; the schema endpoint lists fields with type,
max_length, required and read_only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from sync.connectors.base import FieldSchema, FieldType, ObjectSchema, Record, WriteResult
from sync.connectors.http import VendorFault
from sync.errors import VendorError

ID_FIELD = "id"
MODIFIED_FIELD = "updated_at"
EXTERNAL_FIELD = "ref"
SERVER_FIELDS = frozenset({ID_FIELD, "created_at", MODIFIED_FIELD})  # never written
_BOOKKEEPING = frozenset({"deleted", "deleted_at"})  # carried by `Record.deleted` instead
_TYPES: dict[str, FieldType] = {
    "id": "id", "string": "string", "email": "email", "phone": "phone", "datetime": "datetime",
}  # fmt: skip


def object_path(obj: str) -> str:
    """`/api/v1/<obj>`, the name quoted: an unknown one is the server's 404 to give."""
    return f"/api/v1/{quote(obj, safe='')}"


def schema_path(obj: str) -> str:
    return f"/api/v1/schema/{quote(obj, safe='')}"


def parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    """Floored to the millisecond, the API's grain (naive means UTC)."""
    utc = as_utc(value)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def record_from_wire(wire: dict[str, Any], fields: Sequence[str] | None = None) -> Record:
    """A client as a `Record`: every field, or `fields` plus its id and modification time."""
    plain = {k: v for k, v in wire.items() if k not in _BOOKKEEPING}
    if fields is not None:
        wanted = {ID_FIELD, MODIFIED_FIELD, *fields}
        plain = {k: v for k, v in plain.items() if k in wanted}
    return Record(
        id=str(wire[ID_FIELD]),
        fields=plain,
        modified_at=parse_datetime(str(wire[MODIFIED_FIELD])),
        deleted=bool(wire.get("deleted", False)),
    )


def to_wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def record_to_wire(fields: dict[str, Any]) -> dict[str, Any]:
    """A write body: the record's fields minus those the server sets and the reference
    (which travels in the URL of an upsert)."""
    return {
        k: to_wire_value(v)
        for k, v in fields.items()
        if k not in SERVER_FIELDS and k != EXTERNAL_FIELD
    }


def schema_from_wire(body: dict[str, Any]) -> ObjectSchema:
    fields = {}
    for raw in body.get("fields", []):
        read_only = bool(raw.get("read_only", False))
        fields[raw["name"]] = FieldSchema(
            name=raw["name"],
            type=_TYPES.get(str(raw.get("type")), "string"),
            length=raw.get("max_length") or None,
            required=bool(raw.get("required", False)),
            nillable=not raw.get("required", False),
            createable=not read_only,
            updateable=not read_only,
            external_id=raw["name"] == EXTERNAL_FIELD,
        )
    return ObjectSchema(name=str(body.get("object", "")), fields=fields)


def page_of(body: Any) -> tuple[list[dict[str, Any]], str | None]:
    """A list answer's rows and next cursor."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise VendorError("a Toy CRM list answer lacks its `data` list", body=body)
    cursor = body.get("next_cursor")
    return body["data"], str(cursor) if cursor else None


def parse_error(status: int, body: Any) -> VendorFault:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = error.get("code")
        return VendorFault(str(code) if code else None, str(error.get("message") or code))
    text = body if isinstance(body, str) else ""
    return VendorFault(None, text[:500] or f"HTTP {status}")


def blamed_field(body: Any) -> tuple[str, ...]:
    error = body.get("error") if isinstance(body, dict) else None
    field = error.get("field") if isinstance(error, dict) else None
    return (str(field),) if field else ()


def failed(key: str, exc: VendorError, *, retryable: bool = False) -> WriteResult:
    """A write the server refused (or that failed transiently) as a `WriteResult`."""
    return WriteResult(
        key,
        False,
        error_code=exc.code or ("TRANSIENT" if retryable else f"HTTP_{exc.status}"),
        message=str(exc),
        fields=blamed_field(exc.body),
        retryable=retryable,
    )


def chunks(values: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


__all__ = [
    "EXTERNAL_FIELD",
    "ID_FIELD",
    "MODIFIED_FIELD",
    "SERVER_FIELDS",
    "as_utc",
    "blamed_field",
    "chunks",
    "failed",
    "format_datetime",
    "object_path",
    "page_of",
    "parse_datetime",
    "parse_error",
    "record_from_wire",
    "record_to_wire",
    "schema_from_wire",
    "schema_path",
    "to_wire_value",
]

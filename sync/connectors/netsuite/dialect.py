"""NetSuite REST wire format <-> plain records: pure functions, no I/O.

Covers record JSON (links stripped everywhere, then made plain by `shapes`: a reference reads
as its id, a sublist as a list), SuiteQL key queries with `TO_TIMESTAMP` / `TO_CHAR`
over the table holding each record type (`suiteql_source`: transactions in `transaction` by
`type`, inventory items in `item` by `itemtype`), the metadata-catalog JSON schema ->
`ObjectSchema`, `Location` headers, and error bodies (`o:errorDetails`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote, urlsplit

from sync.connectors.base import FieldSchema, FieldType, ObjectSchema, Record
from sync.connectors.http import VendorFault
from sync.connectors.netsuite.shapes import Shape, plain_from_wire, wire_field, wire_from_plain
from sync.errors import ConfigError, FatalVendorError

REST_ROOT = "/services/rest"
RECORD_ROOT = f"{REST_ROOT}/record/v1"
SUITEQL_PATH = f"{REST_ROOT}/query/v1/suiteql"
EXTERNAL_ID_FIELD = "externalId"
MODIFIED_FIELD = "lastModifiedDate"
MAX_PAGE = 1000  # SuiteQL `limit` ceiling
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TO_CHAR_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS'
_K = TypeVar("_K")


class RowKey(NamedTuple):
    """One SuiteQL key row: when the record last changed (to the second) and its id."""

    modified_at: datetime
    id: str
    external_id: str | None = None


# -- datetimes -------------------------------------------------------------------------------


def parse_datetime(value: str) -> datetime:
    """ISO 8601 (`2024-01-15T10:22:00Z`, offsets, or a bare TO_CHAR value read as UTC)."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def suiteql_timestamp(value: datetime) -> str:
    """A SuiteQL timestamp literal, floored to the second (NetSuite's own grain)."""
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return f"TO_TIMESTAMP('{utc:%Y-%m-%d %H:%M:%S}', 'YYYY-MM-DD HH24:MI:SS')"


# -- SuiteQL ---------------------------------------------------------------------------------


def identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ConfigError(f"{name!r} is not a valid NetSuite record type or field name")
    return name


# Record types SuiteQL keeps in a shared table: record type -> (table, condition).
SUITEQL_SOURCES: dict[str, tuple[str, str]] = {
    "inventoryitem": ("item", "itemtype = 'InvtPart'"),
    "salesorder": ("transaction", "type = 'SalesOrd'"),
    "invoice": ("transaction", "type = 'CustInvc'"),
    "customerpayment": ("transaction", "type = 'CustPymt'"),
    "cashsale": ("transaction", "type = 'CashSale'"),
    "creditmemo": ("transaction", "type = 'CustCred'"),
}


def suiteql_source(obj: str) -> tuple[str, list[str]]:
    """The SuiteQL table holding records of type `obj`, and the conditions picking them out
    (transactions share `transaction`, items share `item`; entities have their own table)."""
    name = identifier(obj).lower()
    table, condition = SUITEQL_SOURCES.get(name, (name, ""))
    return table, [condition] if condition else []


def _where(conditions: Sequence[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


def key_query(
    obj: str,
    since: datetime | None,
    *,
    after: RowKey | None = None,
    external_ids: bool = False,
) -> str:
    """Ids (and, asked, external ids) and last-modified seconds of `obj`, ordered by
    (lastmodifieddate, id); with `after`, only the rows past that key (keyset paging)."""
    table, conditions = suiteql_source(obj)
    conditions += keyset_conditions(since, after)
    extra = ", externalid" if external_ids else ""
    return (
        f"SELECT id{extra}, TO_CHAR(lastmodifieddate, '{_TO_CHAR_FORMAT}') AS modified"
        f" FROM {table}{_where(conditions)} ORDER BY lastmodifieddate, id"
    )


def keyset_conditions(since: datetime | None, after: RowKey | None) -> list[str]:
    """The conditions of a keyset page: modified at or after `since`, and past `after`."""
    conditions = []
    if since is not None:
        conditions.append(f"lastmodifieddate >= {suiteql_timestamp(since)}")
    if after is not None:
        stamp, last_id = suiteql_timestamp(after.modified_at), int(after.id)
        conditions.append(
            f"(lastmodifieddate > {stamp} OR (lastmodifieddate = {stamp} AND id > {last_id}))"
        )
    return conditions


def rows_past(after: RowKey | None, rows: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
    """The rows of a keyset page that lie past `after` (the last key served). A server whose
    stamps carry more than whole seconds serves rows of the last second again: they are
    dropped, and a page with more rows to come but none past `after` is refused, since
    asking again would only loop."""
    if after is None:
        return rows
    last = (after.modified_at, _id_order(after.id))
    past = [r for r in rows if (key := row_key(r)) and (key.modified_at, _id_order(key.id)) > last]
    if rows and not past:
        raise FatalVendorError(
            f"SuiteQL served no {what} row past ({after.modified_at}, {after.id}): more rows share"
            " that second than one page holds; the keyset read cannot go on"
        )
    return past


def _id_order(record_id: str) -> tuple[int, str]:
    return (int(record_id), "") if record_id.isdigit() else (1 << 62, record_id)


# External ids per SuiteQL lookup: keeps the query text well under any length limit.
EXTERNAL_ID_CHUNK = 200


def suiteql_string(value: str) -> str:
    """A SuiteQL (Oracle) string literal: single quotes, a quote doubled."""
    return "'" + value.replace("'", "''") + "'"


def external_id_query(obj: str, values: Sequence[str]) -> str:
    """Internal ids of the records holding any of `values` as externalId."""
    listed = ", ".join(suiteql_string(v) for v in values)
    table, conditions = suiteql_source(obj)
    conditions.append(f"externalid IN ({listed})")
    return f"SELECT id, externalid FROM {table}{_where(conditions)} ORDER BY id"


def row_key(row: dict[str, Any]) -> RowKey:
    external = row.get("externalid")  # SuiteQL leaves null columns out
    return RowKey(parse_datetime(str(row["modified"])), str(row["id"]),
                  None if external in (None, "") else str(external))  # fmt: skip


def _itself(key: Any) -> RowKey:
    return key  # type: ignore[no-any-return]


def strict_order(
    pages: Iterable[list[_K]], key: Callable[[_K], RowKey] = _itself
) -> Iterator[list[_K]]:
    """Re-sort keys (or items carrying one: `key`) into strict (modified_at, id) order.

    The server orders by the full-precision timestamp and a numeric id, the keys carry whole
    seconds and string ids: sort each second's keys by id and hold the page's last second back
    until a later second shows it is complete. The next page is asked for before a page is
    served, so the last page goes out with its last second (not as a batch of its own that
    would cost its own line queries), split only where it would outgrow the page size.
    """
    carry: list[_K] = []
    size = 0  # the largest page the server served: no page given out is longer
    upcoming = iter(pages)
    page = next(upcoming, None)
    while page is not None:
        size = max(size, len(page))
        following = next(upcoming, None)
        items, carry = carry + page, []
        if following is None:
            carry = items
            break
        if not items:
            page = following
            continue
        last = key(items[-1]).modified_at
        cut = len(items)
        while cut > 0 and key(items[cut - 1]).modified_at == last:
            cut -= 1
        ready, carry = items[:cut], items[cut:]
        yield from _at_most(sorted(ready, key=key), size)
        page = following
    yield from _at_most(sorted(carry, key=key), size)


def _at_most(items: list[_K], size: int) -> Iterator[list[_K]]:
    """`items` in order, in pieces of at most `size` (a held-back second joins the next page,
    which must not grow past the page size the caller asked for)."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + max(1, size)]


# -- records ---------------------------------------------------------------------------------


def record_from_wire(
    wire: dict[str, Any],
    *,
    modified_at: datetime | None = None,
    fields: Sequence[str] | None = None,
) -> Record:
    """A record GET body as a plain `Record` (`shapes.plain_from_wire`). `modified_at`
    defaults to its `lastModifiedDate`; `fields` keeps only those fields (plus `id`): a dotted
    path (`addressBook.0.addressBookAddress.city`) keeps its top-level field, a display name
    (`terms_refName`) its reference."""
    plain = plain_from_wire(wire)
    if fields is not None:
        keeps = _keeps(tuple(fields))
        plain = {k: v for k, v in plain.items() if keeps[k]}
    when = modified_at
    if when is None:
        stamp = wire.get(MODIFIED_FIELD)
        when = parse_datetime(stamp) if stamp else datetime.fromtimestamp(0, UTC)
    return Record(id=str(wire["id"]), fields=plain, modified_at=when)


class _Keeps(dict[str, bool]):
    """Whether a read keeps a plain field: its wire field is among `wires`. Each field
    name is decided once, then looked up (every record of a read has the same names)."""

    def __init__(self, wires: frozenset[str]) -> None:
        super().__init__()
        self._wires = wires

    def __missing__(self, name: str) -> bool:
        kept = self[name] = wire_field(name) in self._wires
        return kept


@lru_cache(maxsize=64)
def _keeps(fields: tuple[str, ...]) -> _Keeps:
    """Which plain fields a read of `fields` keeps (`id` always): a dotted path keeps its
    top-level field, a display name its reference."""
    return _Keeps(frozenset({"id", *(wire_field(f.split(".")[0]) for f in fields)}))


def to_wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: to_wire_value(v) for k, v in value.items() if k != "links"}
    if isinstance(value, list):
        return [to_wire_value(v) for v in value]
    return value


def write_body(
    fields: dict[str, Any], shape: Shape | None, *, drop: Sequence[str] = ()
) -> dict[str, Any]:
    """A PUT/PATCH body from a plain record: references and sublists in wire form (`shape`:
    the record type's), `drop`ped keys (the eid: external id, the path id) and links removed."""
    skip = {"links", *drop}
    wire = wire_from_plain({k: v for k, v in fields.items() if k not in skip}, shape)
    return {k: to_wire_value(v) for k, v in wire.items()}


def record_path(obj: str, record_id: str) -> str:
    return f"{RECORD_ROOT}/{identifier(obj)}/{quote(str(record_id), safe='')}"


def eid_path(obj: str, external_id: str) -> str:
    return f"{RECORD_ROOT}/{identifier(obj)}/eid:{quote(str(external_id), safe='')}"


def id_from_location(location: str | None) -> str | None:
    """The record id at the end of a `Location` header."""
    if not location:
        return None
    tail = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return tail or None


# -- metadata catalog ------------------------------------------------------------------------

_FORMAT_TYPES: dict[str, FieldType] = {
    "date-time": "datetime", "date": "date", "email": "email", "uri": "url", "url": "url",
    "phone": "phone",
}  # fmt: skip
_JSON_TYPES: dict[str, FieldType] = {
    "string": "string", "boolean": "boolean", "integer": "int", "number": "double",
    "array": "array", "object": "object",
}  # fmt: skip


def _field_type(name: str, prop: dict[str, Any]) -> FieldType:
    if name == "id":
        return "id"
    json_type = prop.get("type")
    if isinstance(json_type, list):  # ["string", "null"]
        json_type = next((t for t in json_type if t != "null"), "string")
    if json_type == "string":
        if prop.get("enum"):
            return "picklist"
        return _FORMAT_TYPES.get(str(prop.get("format", "")), "string")
    if json_type == "object" or (json_type is None and "$ref" in prop):
        props = prop.get("properties") or {}
        if "items" in props:
            return "array"  # a sublist: plain records carry it as a list of lines
        return "reference" if "id" in props else "object"
    return _JSON_TYPES.get(str(json_type), "string")


def schema_from_jsonschema(obj: str, body: dict[str, Any]) -> ObjectSchema:
    """A metadata-catalog JSON schema as an `ObjectSchema`: length from maxLength, required
    from the `required` array, createable/updateable from not readOnly."""
    required = set(body.get("required") or ())
    fields = {}
    for name, prop in (body.get("properties") or {}).items():
        if name == "links":
            continue
        read_only = bool(prop.get("readOnly", False))
        enum = prop.get("enum") or ()
        fields[name] = FieldSchema(
            name=name,
            type=_field_type(name, prop),
            length=prop.get("maxLength"),
            required=name in required,
            nillable=name not in required and bool(prop.get("nullable", True)),
            createable=not read_only,
            updateable=not read_only,
            external_id=name == EXTERNAL_ID_FIELD,
            picklist=tuple(str(v) for v in enum),
        )
    return ObjectSchema(name=obj, fields=fields)


# -- errors ----------------------------------------------------------------------------------


def _first_detail(body: Any) -> dict[str, Any]:
    if isinstance(body, dict):
        details = body.get("o:errorDetails")
        if isinstance(details, list) and details and isinstance(details[0], dict):
            return details[0]
    return {}


def parse_error(status: int, body: Any) -> VendorFault:
    """An error body as (code, message): `o:errorDetails[0]` code and detail, else the title."""
    detail = _first_detail(body)
    if detail:
        return VendorFault(detail.get("o:errorCode"), str(detail.get("detail", "")))
    if isinstance(body, dict):
        return VendorFault(None, str(body.get("title") or f"HTTP {status}"))
    text = body if isinstance(body, str) else ""
    return VendorFault(None, text[:500] or f"HTTP {status}")


def error_fields(body: Any) -> tuple[str, ...]:
    """The `o:errorPath` of each error detail (the fields NetSuite blamed)."""
    if not isinstance(body, dict):
        return ()
    details = body.get("o:errorDetails") or []
    paths = (d.get("o:errorPath") for d in details if isinstance(d, dict))
    return tuple(dict.fromkeys(p for p in paths if p))

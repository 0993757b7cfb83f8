"""SAP OData v2 JSON <-> plain rows, and SAP's error body: pure functions, no I/O.

A collection answers `{"d": {"results": [...], "__count": "N", "__next": url}}` (or a bare
`{"d": [...]}`), one entity `{"d": {...}}`. Each entity carries `__metadata` (uri, type,
etag); a navigation property not expanded is `{"__deferred": ...}`, an expanded to-many one
`{"results": [...]}` or a list, a to-one one an object or null. `plain_row` drops the
envelope, converts values by their Edm type (`values`) and keeps expanded navigations as
lists (to-many) or an object (to-one). Errors: `{"error": {"code", "message": {"value"},
"innererror": {"errordetails": [{"code", "message", "propertyref", ...}]}}}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

from sync.connectors.http import VendorFault
from sync.connectors.sap import values
from sync.connectors.sap.metadata import EntityType, ServiceMetadata

__all__ = [
    "MAX_FILTER",
    "count_of",
    "entity_of",
    "error_details",
    "error_fields",
    "etag_of",
    "key_path",
    "next_link",
    "or_filters",
    "parse_error",
    "plain_row",
    "rows_of",
    "uri_path",
    "wire_row",
]


# -- envelopes -------------------------------------------------------------------------------


def _d(body: Any) -> Any:
    return body.get("d") if isinstance(body, dict) else None


def rows_of(body: Any) -> list[dict[str, Any]]:
    """The entities of a collection answer (`d.results`, or a bare `d` list)."""
    d = _d(body)
    rows = d.get("results") if isinstance(d, dict) else d
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def next_link(body: Any) -> str | None:
    d = _d(body)
    link = d.get("__next") if isinstance(d, dict) else None
    return str(link) if link else None


def count_of(body: Any) -> int | None:
    d = _d(body)
    count = d.get("__count") if isinstance(d, dict) else None
    return int(count) if count not in (None, "") else None


def entity_of(body: Any) -> dict[str, Any]:
    d = _d(body)
    if isinstance(d, dict) and "results" in d and isinstance(d["results"], dict):
        d = d["results"]  # some services wrap a single entity once more
    return d if isinstance(d, dict) else {}


def etag_of(row: Mapping[str, Any]) -> str | None:
    meta = row.get("__metadata")
    etag = meta.get("etag") if isinstance(meta, dict) else None
    return str(etag) if etag else None


def uri_path(row: Mapping[str, Any]) -> str | None:
    """The entity's own path (`/sap/opu/odata/sap/API_X/A_Set(...)`) from `__metadata.uri`."""
    meta = row.get("__metadata")
    uri = meta.get("uri") if isinstance(meta, dict) else None
    return urlsplit(str(uri)).path if uri else None


# -- rows ------------------------------------------------------------------------------------


def _children(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]
    if isinstance(value, list):
        return [row for row in value if isinstance(row, dict)]
    return None


def plain_row(
    row: Mapping[str, Any], entity: EntityType | None, service: ServiceMetadata | None = None
) -> dict[str, Any]:
    """One wire entity as a plain dict: values converted, deferred navigations dropped,
    expanded ones kept (to-many as lists, to-one as a dict or None)."""
    types = entity.types() if entity else {}
    navs = entity.navigations if entity else {}
    plain: dict[str, Any] = {}
    for name, value in row.items():
        if name == "__metadata":
            continue
        if isinstance(value, dict) and "__deferred" in value:
            continue
        nav = navs.get(name)
        target = service.types.get(nav.target) if service and nav else None
        children = _children(value)
        if children is not None:
            plain[name] = [plain_row(c, target, service) for c in children]
        elif isinstance(value, dict):
            plain[name] = plain_row(value, target, service)
        elif nav is not None and value is None:
            plain[name] = None
        else:
            plain[name] = values.from_wire(value, types.get(name))
    return plain


def wire_row(
    plain: Mapping[str, Any],
    entity: EntityType,
    service: ServiceMetadata | None = None,
) -> dict[str, Any]:
    """A plain dict as a body SAP accepts: only the type's properties and navigations, values
    in their Edm format; navigations as plain JSON lists (deep insert)."""
    wire: dict[str, Any] = {}
    for name, value in plain.items():
        prop = entity.properties.get(name)
        if prop is not None:
            wire[name] = values.to_wire(value, prop.edm)
            continue
        nav = entity.navigations.get(name)
        if nav is None or value is None:
            continue
        target = service.types.get(nav.target) if service else None
        rows = value if isinstance(value, list) else [value]
        converted = [
            wire_row(r, target, service) if target else dict(r)
            for r in rows
            if isinstance(r, Mapping)
        ]
        wire[name] = converted if nav.many else (converted[0] if converted else None)
    return wire


def key_path(entity_set: str, entity: EntityType, key: Mapping[str, Any] | str) -> str:
    """`A_Set('1')` or `A_Set(K1='1',K2='2')`, percent-encoded as a path segment."""
    if isinstance(key, str):
        if len(entity.keys) != 1:
            raise ValueError(f"{entity_set} has a composite key {entity.keys}; give every part")
        key = {entity.keys[0]: key}
    types = entity.types()
    parts = [f"{name}={_key_literal(key[name], types.get(name))}" for name in entity.keys]
    inner = parts[0].split("=", 1)[1] if len(parts) == 1 else ",".join(parts)
    return f"{entity_set}({url_quote(inner, safe=',=')})"


def _key_literal(value: Any, edm: str | None) -> str:
    if edm == "Edm.Guid":
        return f"guid'{value}'"
    if edm in ("Edm.Int16", "Edm.Int32", "Edm.Byte"):
        return str(int(value))
    if edm == "Edm.DateTime":
        return f"datetime'{str(value)[:10]}T00:00:00'"
    return values.quote(value)


# -- errors ----------------------------------------------------------------------------------


def _error(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def error_details(body: Any) -> list[dict[str, Any]]:
    inner = _error(body).get("innererror")
    details = inner.get("errordetails") if isinstance(inner, dict) else None
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


def parse_error(status: int, body: Any) -> VendorFault:
    """SAP's error body -> (code, message); the details' messages follow the main one when
    they say more. A non-JSON body (the CSRF 403 is text) is its own message."""
    error = _error(body)
    if not error:
        text = body if isinstance(body, str) else ""
        return VendorFault(None, text.strip()[:500] or f"HTTP {status}")
    message = error.get("message")
    text = str(message.get("value", "")) if isinstance(message, dict) else str(message or "")
    extra = [str(d.get("message", "")) for d in error_details(body)]
    extra = [m for m in dict.fromkeys(extra) if m and m != text]
    if extra:
        text = f"{text} ({'; '.join(extra)})" if text else "; ".join(extra)
    code = error.get("code")
    return VendorFault(str(code) if code else None, text or f"HTTP {status}")


def error_fields(body: Any) -> tuple[str, ...]:
    """The properties SAP blamed: each detail's `propertyref` (`A_Type/Name` -> `Name`), or
    its `target` when that names a property."""
    found: list[str] = []
    for detail in error_details(body):
        ref = str(detail.get("propertyref") or detail.get("target") or "").strip()
        name = ref.rsplit("/", 1)[-1].strip()
        if name and name.replace("_", "").isalnum():
            found.append(name)
    return tuple(dict.fromkeys(found))


# Characters of one percent-encoded `$filter` of `or`ed lookups: a page of 100 keys fits in
# one query, and the URL stays below the 8 KB many gateways and proxies allow.
MAX_FILTER = 7000


def or_filters(prop: str, wanted: Sequence[str], budget: int = MAX_FILTER) -> Iterator[str]:
    """`prop eq 'a' or prop eq 'b' ...` over `wanted`, split so each filter's encoded form
    stays within `budget` characters (one value per filter at least)."""
    terms: list[str] = []
    size = 0
    for value in wanted:
        term = f"{prop} eq {values.quote(value)}"
        cost = len(url_quote(term + " or ", safe=""))
        if terms and size + cost > budget:
            yield " or ".join(terms)
            terms, size = [], 0
        terms.append(term)
        size += cost
    if terms:
        yield " or ".join(terms)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + max(1, size)]

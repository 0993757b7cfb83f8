"""Collection reads: `$filter`, `$orderby`, `$skip`, `$top`, `$inlinecount`, `$select`,
`$expand`, and server-driven paging with an absolute `__next` carrying a `$skiptoken`.

The default `$skiptoken` is the last row's sort key, so a page boundary stays put when
records are inserted or deleted between pages; the "offset" setting (the `__next` drift
trap) counts rows instead, as some services do."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import orjson

from mocks.sap.errors import bad_request, not_found
from mocks.sap.odata.filter import compile_filter
from mocks.sap.odata.model import EntityType
from mocks.sap.odata.values import comparable
from mocks.store import StoredRecord

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Order = list[tuple[str, bool]]  # (property, descending)


@dataclass(frozen=True)
class Page:
    rows: list[StoredRecord]
    count: int | None  # with $inlinecount=allpages
    next_params: dict[str, str] | None  # the query of the __next link


def parse_order(text: str, etype: EntityType) -> Order:
    order: Order = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, direction = part.partition(" ")
        if name not in etype.by_name:
            raise not_found(name)
        if direction.strip() not in ("", "asc", "desc"):
            raise bad_request(f"Invalid $orderby direction '{direction.strip()}'")
        order.append((name, direction.strip() == "desc"))
    return order


def _int(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise bad_request(f"Invalid value '{raw}' for system query option {name}")
    return int(raw)


def _sort_key(etype: EntityType, order: Order) -> Callable[[StoredRecord], tuple[Any, ...]]:
    """Sort by the requested properties, then the keys (the stable tie-break); None first,
    descending handled by inverting each part."""
    keys = [(p.name, False) for p in etype.keys]
    plan = [(etype.by_name[name], desc) for name, desc in [*order, *keys]]

    def key(rec: StoredRecord) -> tuple[Any, ...]:
        parts: list[Any] = []
        for prop, desc in plan:
            value = comparable(prop, rec.fields.get(prop.name))
            parts.append(_Desc((value is not None, value)) if desc else (value is not None, value))
        return tuple(parts)

    return key


class _Desc:
    """Inverts ordering for one part of a sort key."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.value == other.value

    def __hash__(self) -> int:
        return hash(str(self.value))


def _encode_token(values: list[Any]) -> str:
    plain = [str(v) if isinstance(v, Decimal) else v for v in values]
    return base64.urlsafe_b64encode(orjson.dumps(plain, default=str)).decode().rstrip("=")


def _decode_token(token: str) -> list[Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise bad_request(f"Invalid $skiptoken '{token}'") from exc
    if not isinstance(values, list):
        raise bad_request(f"Invalid $skiptoken '{token}'")
    return values


def run_query(
    rows: list[StoredRecord],
    etype: EntityType,
    params: Mapping[str, str],
    settings: Mapping[str, Any],
) -> Page:
    """Filter, order and page `rows` as the request's system query options say."""
    text = params.get("$filter")
    if text:
        match = compile_filter(text, etype)
        rows = [r for r in rows if match(r.fields)]
    order = parse_order(params.get("$orderby", ""), etype)
    sort_key = _sort_key(etype, order)
    rows.sort(key=sort_key)
    count = len(rows) if params.get("$inlinecount") == "allpages" else None
    if params.get("$inlinecount") not in (None, "allpages", "none"):
        raise bad_request(f"Invalid value '{params['$inlinecount']}' for $inlinecount")
    skip, top = _int(params, "$skip") or 0, _int(params, "$top")
    rows = rows[skip:]
    token = params.get("$skiptoken")
    offset_mode = settings.get("skiptoken") == "offset"
    if token:
        if offset_mode:
            rows = rows[int(token) if token.isdigit() else 0 :]
        else:
            rows = _after(rows, etype, order, _decode_token(token), sort_key)
    size = max(1, int(settings.get("page_size") or 1000))
    limit = size if top is None else min(size, top)
    page, more = rows[:limit], len(rows) > limit and (top is None or top > limit)
    next_params = None
    if more:
        next_params = {k: v for k, v in params.items() if k not in ("$skiptoken", "$top", "$skip")}
        if top is not None:
            next_params["$top"] = str(top - limit)
        done = (int(token) if offset_mode and token and token.isdigit() else 0) + len(page)
        next_params["$skiptoken"] = str(done) if offset_mode else _token_of(page[-1], etype, order)
        if skip and offset_mode:
            next_params["$skip"] = str(skip)
    return Page(page, count, next_params)


def _sort_names(etype: EntityType, order: Order) -> list[str]:
    return [name for name, _ in order] + [p.name for p in etype.keys]


def _token_of(rec: StoredRecord, etype: EntityType, order: Order) -> str:
    """The last row's sort values: the next page starts after where they stand."""
    return _encode_token([rec.fields.get(name) for name in _sort_names(etype, order)])


def _after(
    rows: list[StoredRecord],
    etype: EntityType,
    order: Order,
    token: list[Any],
    sort_key: Callable[[StoredRecord], tuple[Any, ...]],
) -> list[StoredRecord]:
    """The rows sorting after the token's position: inserts before it and deletes of rows
    already served leave the rest of the pages as they were."""
    names = _sort_names(etype, order)
    if len(token) != len(names):
        raise bad_request("Invalid $skiptoken: it belongs to another query")
    pivot = sort_key(
        StoredRecord(etype.set_name, "", dict(zip(names, token, strict=True)), 0, _EPOCH, _EPOCH)
    )
    return [r for r in rows if sort_key(r) > pivot]


def next_link(base: str, params: dict[str, str]) -> str:
    """An absolute `__next` URL: `$` kept readable, values percent-encoded."""
    return f"{base}?{urlencode(params, safe='$,')}"


def select_set(text: str | None, etype: EntityType) -> set[str] | None:
    if not text or text.strip() == "*":
        return None
    names = {n.strip().split("/")[0] for n in text.split(",") if n.strip()}
    unknown = [n for n in names if n not in etype.by_name and n not in etype.nav_by_name]
    if unknown:
        raise not_found(unknown[0])
    return names


__all__ = ["Page", "next_link", "parse_order", "run_query", "select_set"]

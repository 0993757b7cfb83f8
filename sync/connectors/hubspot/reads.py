"""HubSpot reads: list pages for full reads, search windows for incremental ones.

Full reads go through the list endpoint (`GET /crm/v3/objects/{type}`): it is not capped
and sees a write at once, but it pages by id, not by modified time. The protocol wants pages
in (modified, id) order, so a full read collects the object's wire rows first and the
connector sorts them (memory: one row per record, which a CRM object affords).

Incremental reads go through search, sorted ascending by the modified stamp (and then
`hs_object_id`, which the ordering below does not rely on). Each query restarts from the last
stamp it saw (a keyset, `GTE` that stamp) instead of paging by offset:

- offset paging skips a record whenever one before it is modified mid-read (it leaves its
  place, and every later row moves up under the offset); a keyset cannot skip;
- a query never goes near the 10,000-result cap, however many records changed in the window;
- the records of the last stamp on a page are held back: that stamp may continue on the next
  page, and its records must come out together, in id order. A query starting at a stamp
  whose records fill the whole page cannot move on, so that stamp alone is read apart,
  split by `hs_object_id` (`GT` the last id), and the window resumes after it.

The look-back (the connector's `search_lookback_seconds`) only moves where the first query
starts; this module yields whatever the window holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sync.connectors.hubspot.dialect import (
    ID_PROPERTY,
    LIST_LIMIT,
    SEARCH_LIMIT,
    epoch_ms,
    parse_datetime,
)

__all__ = ["Rows", "list_rows", "row_stamp", "search_window"]

Rows = list[dict[str, Any]]
# (method, path, params, json body, is a search) -> the decoded answer
Call = Callable[[str, str, dict[str, Any] | None, Any, bool], Any]
_MAX_QUERIES = 1_000_000  # a bound on every loop below; never reached by a finite portal


def row_stamp(row: dict[str, Any], stamp: str) -> int:
    """A wire row's modified stamp in epoch milliseconds (`updatedAt` when it lacks one)."""
    value = (row.get("properties") or {}).get(stamp) or row.get("updatedAt") or "0"
    return epoch_ms(parse_datetime(str(value)))


def list_rows(
    call: Call, obj: str, properties: Sequence[str], *, archived: bool = False
) -> Iterator[Rows]:
    """The list endpoint's pages (100 rows each), following `paging.next.after`."""
    params: dict[str, Any] = {"limit": LIST_LIMIT, "properties": list(properties)}
    if archived:
        params["archived"] = "true"
    after: str | None = None
    for _ in range(_MAX_QUERIES):
        paged = {**params, "after": after} if after else params
        body = call("GET", f"/crm/v3/objects/{obj}", paged, None, False)
        yield list((body or {}).get("results") or [])
        after = (((body or {}).get("paging") or {}).get("next") or {}).get("after")
        if not after:
            return


def _search(call: Call, obj: str, filters: list[dict[str, Any]], sorts: list[str],
            properties: Sequence[str], limit: int, after: str | None = None) -> Any:  # fmt: skip
    body: dict[str, Any] = {
        "filterGroups": [{"filters": filters}],
        "sorts": [{"propertyName": s, "direction": "ASCENDING"} for s in sorts],
        "properties": list(properties),
        "limit": limit,
    }
    if after:
        body["after"] = after
    return call("POST", f"/crm/v3/objects/{obj}/search", None, body, True) or {}


def _has_more(body: dict[str, Any], got: int, limit: int) -> bool:
    if ((body.get("paging") or {}).get("next") or {}).get("after"):
        return True
    total = body.get("total")
    return isinstance(total, int) and total > got and got >= limit


def search_window(
    call: Call,
    obj: str,
    stamp: str,
    properties: Sequence[str],
    start_ms: int,
    *,
    limit: int = SEARCH_LIMIT,
) -> Iterator[Rows]:
    """Wire rows modified at or after `start_ms`, in groups of whole stamps, stamps
    ascending (rows within a group unordered: the connector sorts them by id)."""
    limit = max(1, min(limit, SEARCH_LIMIT))
    wanted = list(dict.fromkeys([*properties, stamp, ID_PROPERTY]))
    floor = start_ms
    for _ in range(_MAX_QUERIES):
        filters = [{"propertyName": stamp, "operator": "GTE", "value": str(floor)}]
        # One sort only (HubSpot applies one rule a search): ties on the stamp are settled
        # below, by reading the page's last stamp again, whole.
        body = _search(call, obj, filters, [stamp], wanted, limit)
        rows: Rows = list(body.get("results") or [])
        if not rows:
            return
        if not _has_more(body, len(rows), limit):
            yield rows
            return
        stamps = [row_stamp(r, stamp) for r in rows]
        top = max(stamps)
        if top <= floor:  # the page holds one stamp only: read that stamp apart, by id
            yield from _one_stamp(call, obj, stamp, wanted, floor, limit)
            floor += 1
            continue
        done = [r for r, s in zip(rows, stamps, strict=True) if s < top]
        if done:
            yield done
        floor = top  # the last stamp's rows come again, whole, from the next query


def _one_stamp(call: Call, obj: str, stamp: str, properties: Sequence[str], at: int,
               limit: int) -> Iterator[Rows]:  # fmt: skip
    """Every row modified in millisecond `at`, by `hs_object_id` keyset, as one group: ids
    sort as strings in a plain record, as numbers in search, so the group is whole before
    the connector orders it."""
    last = "0"
    group: Rows = []
    for _ in range(_MAX_QUERIES):
        filters = [
            {"propertyName": stamp, "operator": "GTE", "value": str(at)},
            {"propertyName": stamp, "operator": "LT", "value": str(at + 1)},
            {"propertyName": ID_PROPERTY, "operator": "GT", "value": last},
        ]
        body = _search(call, obj, filters, [ID_PROPERTY], properties, limit)
        rows: Rows = list(body.get("results") or [])
        group += rows
        if rows:
            last = str(max(int(r["id"]) for r in rows))
        if not rows or not _has_more(body, len(rows), limit):
            break
    if group:
        yield group

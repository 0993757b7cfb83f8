"""Limit/offset paging shared by the record list and SuiteQL: checks and `links`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from mocks.netsuite.errors import invalid_parameter

MAX_LIMIT = 1000
DEFAULT_LIMIT = 1000


def check_page(limit: int | None, offset: int | None) -> tuple[int, int]:
    """Validated (limit, offset); limit 1-1000 (default 1000), offset >= 0 (default 0)."""
    limit = DEFAULT_LIMIT if limit is None else limit
    offset = 0 if offset is None else offset
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid_parameter(
            f"Invalid value for query parameter 'limit': {limit}. Use a value from 1 to"
            f" {MAX_LIMIT}.",
            "limit",
        )
    if offset < 0:
        raise invalid_parameter(
            f"Invalid value for query parameter 'offset': {offset}. It must not be negative.",
            "offset",
        )
    return limit, offset


def page_links(
    url: str, params: dict[str, str], *, total: int, limit: int, offset: int
) -> list[dict[str, str]]:
    """self/first/prev/next/last links with absolute hrefs; `params` are kept on each."""

    if params:

        def href(at: int) -> str:
            return f"{url}?{urlencode({**params, 'limit': limit, 'offset': at})}"

    else:  # what urlencode gives for two integers, without its per-character quoting
        prefix = f"{url}?limit={limit}&offset="

        def href(at: int) -> str:
            return f"{prefix}{at}"

    last = max(0, (total - 1) // limit * limit)
    links = [{"rel": "first", "href": href(0)}]
    if offset > 0:
        links.append({"rel": "prev", "href": href(max(0, offset - limit))})
    if offset + limit < total:
        links.append({"rel": "next", "href": href(offset + limit)})
    links.append({"rel": "last", "href": href(last)})
    links.append({"rel": "self", "href": href(offset)})
    return links


def page_body(
    url: str,
    params: dict[str, str],
    items: list[Any],
    *,
    total: int,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """The collection envelope: links, count, hasMore, offset, totalResults, items."""
    return {
        "links": page_links(url, params, total=total, limit=limit, offset=offset),
        "count": len(items),
        "hasMore": offset + len(items) < total,
        "offset": offset,
        "totalResults": total,
        "items": items,
    }

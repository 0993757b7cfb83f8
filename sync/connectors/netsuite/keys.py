"""Key rows of a record type, page by page by keyset: what a read asks before it reads.

Each page asks for the rows after the last (second, id) served, always at offset 0. Offset
paging skips rows when records are deleted or re-stamped between pages (they shift left
under the offset); a keyset cannot, and it has no row cap to restart from. A server whose
stamps carry more than whole seconds serves the last second's rows again: `rows_past` drops
them, and refuses a page that could only loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sync.connectors.netsuite import dialect

__all__ = ["SuiteQL", "key_pages"]

SuiteQL = Callable[[str, int], dict[str, Any]]  # (query, offset) -> the response body


def key_pages(
    suiteql: SuiteQL, obj: str, since: datetime | None, *, external_ids: bool = False
) -> Iterator[list[dialect.RowKey]]:
    """`obj`'s key rows stamped from `since` on, in (lastmodifieddate, id) order, a page at
    a time (with external ids when asked)."""
    after: dialect.RowKey | None = None
    while True:
        body = suiteql(dialect.key_query(obj, since, after=after, external_ids=external_ids), 0)
        rows = dialect.rows_past(after, body.get("items", []), obj)
        keys = [dialect.row_key(row) for row in rows]
        if keys:
            yield keys
            after = keys[-1]
        if not body.get("hasMore") or not keys:
            return

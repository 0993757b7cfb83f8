"""List paging: records in id order, `after` naming the first id of the next page (a
cursor, so writes between pages neither skip nor repeat a record), and no `paging` block at
all on the last page (hubspot-api-client's generic `get_all` needs it absent)."""

from __future__ import annotations

import threading
from bisect import bisect_left

from mocks.hubspot.errors import validation
from mocks.store import RecordStore, StoredRecord

LIST_MAX = 100


def _key(rec: StoredRecord) -> int:
    return int(rec.id) if rec.id.isdigit() else 0


class ListIndex:
    """Records of an object in id order, rebuilt only when the store has changed."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, bool], tuple[int, list[int], list[StoredRecord]]] = {}

    def ordered(self, obj: str, archived: bool) -> tuple[list[int], list[StoredRecord]]:
        token = self._store.state_token
        with self._lock:
            hit = self._cache.get((obj, archived))
            if hit is not None and hit[0] == token:
                return hit[1], hit[2]
        rows = [
            r for r in self._store.records(obj, include_deleted=archived) if r.deleted == archived
        ]
        rows.sort(key=_key)
        keys = [_key(r) for r in rows]
        with self._lock:
            self._cache[(obj, archived)] = (token, keys, rows)
        return keys, rows

    def page(
        self, obj: str, *, limit: int, after: str | None, archived: bool
    ) -> tuple[list[StoredRecord], str | None]:
        """One page and the cursor of the next (None on the last page)."""
        start_key = 0
        if after not in (None, ""):
            assert after is not None
            if not after.strip().isdigit():
                raise validation(f"after must be a cursor from a previous page, got {after!r}")
            start_key = int(after)
        keys, rows = self.ordered(obj, archived)
        start = bisect_left(keys, start_key)
        chunk = rows[start : start + limit]
        following = start + limit
        return chunk, (str(keys[following]) if following < len(rows) else None)


__all__ = ["LIST_MAX", "ListIndex"]

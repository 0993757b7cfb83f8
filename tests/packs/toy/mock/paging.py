"""Keyset paging over clients ordered by (updated_at, id).

A cursor is the (updated_at, id) of the last client served, opaque to the client (base64);
the next page holds the clients after it. A client changed while someone pages moves past
the end, so a reader that follows `next_cursor` to the end sees every client at least once.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from mocks.store import StoredRecord
from tests.packs.toy.mock.errors import ToyError

Key = tuple[datetime, str]


def order_key(rec: StoredRecord) -> Key:
    return (rec.modified_at, rec.id)


def encode_cursor(rec: StoredRecord) -> str:
    raw = f"{rec.modified_at.isoformat()}|{rec.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, record_id = raw.partition("|")
        when = datetime.fromisoformat(stamp)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ToyError(422, "invalid_parameter", "cursor is not one this API issued",
                       "cursor") from exc  # fmt: skip
    if not record_id or when.tzinfo is None:
        raise ToyError(422, "invalid_parameter", "cursor is not one this API issued", "cursor")
    return when, record_id


def parse_since(value: str) -> datetime:
    """An ISO 8601 instant (`Z` or an offset; naive means UTC)."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ToyError(422, "invalid_parameter", f"updated_since {value!r} is not ISO 8601",
                       "updated_since") from exc  # fmt: skip
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def page(
    records: Iterable[StoredRecord], after: Key | None, limit: int
) -> tuple[Sequence[StoredRecord], str | None]:
    """The `limit` clients after `after` in (updated_at, id) order, and the next cursor
    (None when nothing follows)."""
    ordered = sorted(records, key=order_key)
    if after is not None:
        ordered = [r for r in ordered if order_key(r) > after]
    chosen = ordered[:limit]
    more = len(ordered) > limit
    return chosen, encode_cursor(chosen[-1]) if more and chosen else None


__all__ = ["decode_cursor", "encode_cursor", "order_key", "page", "parse_since"]

"""Content hashes of plain records: the same data always gives the same hash."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson


def content_hash(payload: dict[str, Any]) -> str:
    """A stable digest of a JSON-plain dict (keys sorted), used for change and echo detection."""
    data = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.blake2b(data, digest_size=16).hexdigest()

"""The vendor-neutral knobs this portal's runtime settings implement (`MockPack.knobs`).

Only `page_size`: HubSpot has no silent truncation (over-long text is refused) and nothing
to truncate to, so `silent_truncation` and `truncate_overflow` are not offered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _page_size(value: Any) -> dict[str, Any]:
    """Cap list and search pages at `value` records, whatever `limit` a client asks."""
    return {"page_size": int(value) if value else None}


KNOBS: dict[str, Callable[[Any], dict[str, Any]]] = {"page_size": _page_size}

__all__ = ["KNOBS"]

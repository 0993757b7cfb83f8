"""The vendor-neutral knobs this org's runtime settings implement (`MockPack.knobs`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _page_size(value: Any) -> dict[str, Any]:
    return {"default_query_batch": int(value)}


KNOBS: dict[str, Callable[[Any], dict[str, Any]]] = {"page_size": _page_size}

__all__ = ["KNOBS"]

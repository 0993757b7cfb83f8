"""The vendor-neutral knobs this system's runtime settings implement (`MockPack.knobs`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mocks.sap.schema import ENTITY_TYPES


def _page_size(value: Any) -> dict[str, Any]:
    size = int(value)
    if size < 1:
        raise ValueError(f"page_size must be >= 1, got {value!r}")
    return {"page_size": size}


def _silent_truncation(value: Any) -> dict[str, Any]:
    """Cut over-long values of the named properties, silently, and stop advertising every
    MaxLength in `$metadata` (as a system that applies limits it does not publish)."""
    limits: dict[str, int] = {}
    for obj, paths in dict(value).items():
        etype = ENTITY_TYPES.get(obj)
        if etype is None:
            raise ValueError(f"unknown entity set {obj!r}; known: {sorted(ENTITY_TYPES)}")
        for path, limit in dict(paths).items():
            name = str(path).split(".")[-1]
            if name not in etype.by_name:
                raise ValueError(f"{obj} has no property {name!r}")
            limits[f"{obj}.{name}"] = int(limit)
    return {"silent_truncation": limits, "advertise_max_lengths": False}


def _truncate_overflow(value: Any) -> dict[str, Any]:
    return {"on_overflow": "truncate" if value else "reject"}


KNOBS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "page_size": _page_size,
    "silent_truncation": _silent_truncation,
    "truncate_overflow": _truncate_overflow,
}

__all__ = ["KNOBS"]

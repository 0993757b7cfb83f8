"""The vendor-neutral knobs this account's runtime settings implement (`MockPack.knobs`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mocks.netsuite.schema import CUSTOMER


def _silent_truncation(value: Any) -> dict[str, Any]:
    """Cut over-long customer values and stop advertising the limits. Paths are plain
    (`addressBook.0.addressBookAddress.city`); the settings key them without list indexes."""
    limits: dict[str, int] = {}
    for obj, paths in dict(value).items():
        if obj != CUSTOMER.name:
            raise ValueError(f"silent truncation is offered on {CUSTOMER.name} only, not {obj}")
        for path, limit in dict(paths).items():
            key = ".".join(part for part in str(path).split(".") if not part.isdigit())
            limits[key] = int(limit)
    return {"on_overflow": "truncate", "max_lengths": limits, "advertise_max_lengths": False}


def _truncate_overflow(value: Any) -> dict[str, Any]:
    return {"on_overflow": "truncate" if value else "reject"}


KNOBS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "silent_truncation": _silent_truncation,
    "truncate_overflow": _truncate_overflow,
}

__all__ = ["KNOBS"]

"""Folding the values of a SuiteQL group and dropping repeated rows: the pure parts of
GROUP BY and DISTINCT (`relational`)."""

from __future__ import annotations

import math
from typing import Any

from mocks.netsuite.query.joins import hash_key
from mocks.netsuite.query.suiteql import SuiteQLError

__all__ = ["distinct_rows", "fold"]


def fold(name: str, values: list[Any]) -> Any:
    if name == "COUNT":
        return len(values)
    if not values:
        return None
    try:
        if name in ("SUM", "AVG"):
            numbers = [v if isinstance(v, int | float) else float(v) for v in values]
            # fsum, rounded past binary noise: NetSuite sums decimals, not binary floats.
            total = round(math.fsum(numbers), 9)
            return total if name == "SUM" else round(total / len(numbers), 9)
        return min(values) if name == "MIN" else max(values)
    except (TypeError, ValueError) as exc:
        raise SuiteQLError(f"{name} cannot combine these values: {exc}") from None


def distinct_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """The first of each set of equal rows, in order (so ORDER BY still holds)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for row in rows:
        key = tuple(hash_key(v) for v in row)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out

"""Oracle's ROWNUM pseudo-column in a SuiteQL WHERE (`WHERE ROWNUM <= 10`).

SuiteQL speaks Oracle SQL (NetSuite help, "SuiteQL Syntax and Examples"), where ROWNUM
numbers the rows that pass the WHERE, 1, 2, 3..., before any ORDER BY or grouping; a row
is numbered only once it passes, so `ROWNUM <= 3` keeps the first three rows and
`ROWNUM > 1` keeps none (the first candidate is always number 1). Rows are numbered in
the order the table is read (internal id order here), after any joins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from mocks.netsuite.query.nodes import walk
from mocks.netsuite.query.suiteql import Column

__all__ = ["ROWNUM", "is_rownum", "mentions_rownum", "numbered"]

ROWNUM = "rownum"
_R = TypeVar("_R")


def is_rownum(node: Any) -> bool:
    """Whether `node` is the ROWNUM pseudo-column (unqualified: `t.rownum` is a column)."""
    return isinstance(node, Column) and node.name == ROWNUM and node.qualifier is None


def mentions_rownum(node: Any) -> bool:
    return node is not None and any(is_rownum(part) for part in walk(node))


def numbered(rows: Sequence[_R], passes: Callable[[_R, int], bool]) -> list[_R]:
    """The rows that pass, each tested with the number it would get (the count of rows
    kept before it, plus one)."""
    kept: list[_R] = []
    for row in rows:
        if passes(row, len(kept) + 1):
            kept.append(row)
    return kept

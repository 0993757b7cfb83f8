"""Joins of a SuiteQL query: a hash join on an `=` between the new table and the ones
before it, reading only the rows an indexed column names; any other ON condition tried on
every pair of rows, up to `MAX_PAIRS`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mocks.netsuite.query.nodes import walk
from mocks.netsuite.query.suiteql import Column, Compare, Logical, SuiteQLError

if TYPE_CHECKING:
    from mocks.netsuite.query.relational import JoinEnv

__all__ = ["MAX_PAIRS", "columns_of", "hash_key", "join"]

MAX_PAIRS = 5_000_000  # row pairs a join without an `=` between the two sides may try


def hash_key(value: Any) -> Any:
    """A value as a hash key that matches where `=` would: numbers compare as numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return float(value)


def columns_of(node: Any, env: JoinEnv) -> set[int]:
    """The sources (by position) whose columns `node` reads."""
    return {env.locate(n)[0] for n in walk(node) if isinstance(n, Column)}


def _equi_pair(on: Any, new: int, env: JoinEnv) -> tuple[Any, Any] | None:
    """(earlier side, new side) of an `a = b` in the ON condition (alone or ANDed) that
    pairs the new table with the tables before it, else None."""
    parts = on.items if isinstance(on, Logical) and on.op == "AND" else (on,)
    for part in parts:
        if not (isinstance(part, Compare) and part.op == "="):
            continue
        left, right = columns_of(part.left, env), columns_of(part.right, env)
        if left and right and max(left) < new and right == {new}:
            return part.left, part.right
        if left and right and max(right) < new and left == {new}:
            return part.right, part.left
    return None


def join(env: JoinEnv, rows: list[tuple[Any, ...]], new: int, on: Any, outer: bool) -> list[Any]:
    table = env.sources[new].table
    pad = (None,) * new
    pair = _equi_pair(on, new, env)
    keyed = table.keyed
    own_column = pair is not None and isinstance(pair[1], Column) and pair[1].name
    if pair is not None and keyed is not None and own_column == keyed.column:
        # An equality on the joined table's indexed column: read only the rows it names.
        wanted = {env.value(pair[0], row) for row in rows} - {None}
        right = keyed.rows(env.store, wanted)
    else:
        right = list(table.rows(env.store))
    if pair is not None:
        earlier, own = pair
        index: dict[Any, list[Any]] = {}
        for rec in right:
            key = env.value(own, (*pad, rec))
            if key is not None:
                index.setdefault(hash_key(key), []).append(rec)

        def candidates(row: tuple[Any, ...]) -> list[Any]:
            key = env.value(earlier, row)
            return [] if key is None else index.get(hash_key(key), [])
    else:
        if len(rows) * len(right) > MAX_PAIRS:
            raise SuiteQLError(f"the join would compare more than {MAX_PAIRS} row pairs; join"
                               " on an equality between the two tables")  # fmt: skip

        def candidates(row: tuple[Any, ...]) -> list[Any]:
            return right

    out: list[Any] = []
    for row in rows:
        matched = [(*row, rec) for rec in candidates(row) if env.truth(on, (*row, rec)) is True]
        out.extend(matched if matched or not outer else [(*row, None)])
    return out

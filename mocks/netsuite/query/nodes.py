"""The SuiteQL query tree walked: the nodes under a node, not looking inside subqueries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mocks.netsuite.query.suiteql import InQuery, Logical

__all__ = ["children", "conjuncts", "walk"]


def children(node: Any) -> list[Any]:
    """The nodes right under `node`; a subquery's own nodes are not among them."""
    if isinstance(node, InQuery):
        return [node.expr]
    if not hasattr(node, "__dataclass_fields__"):
        return []
    parts = [
        p
        for child in vars(node).values()
        for p in (child if isinstance(child, tuple) else (child,))
    ]
    return [part for part in parts if hasattr(part, "__dataclass_fields__")]


def walk(node: Any) -> Iterator[Any]:
    """`node` and every node under it, not looking inside subqueries."""
    yield node
    for child in children(node):
        yield from walk(child)


def conjuncts(node: Any) -> list[Any]:
    """The conditions a WHERE ANDs together (`node` itself when it is no AND)."""
    if isinstance(node, Logical) and node.op == "AND":
        return [c for item in node.items for c in conjuncts(item)]
    return [node]

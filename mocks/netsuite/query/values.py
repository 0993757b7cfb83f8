"""SuiteQL values: output formatting, the functions, value expressions compiled once per
query into one function of a row (column getter, literal or function call chosen up front),
and what a WHERE clause pins down. Whole columns at once live in `suiteql_compile`.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from mocks.netsuite.dates import oracle_format, oracle_parse, parse_loose, user_date_formatter
from mocks.netsuite.query.suiteql import (
    Column,
    Compare,
    CountStar,
    Func,
    InList,
    Literal,
    Logical,
    SelectItem,
    SuiteQLError,
)
from mocks.netsuite.query.tables import Getter, Table

_V = TypeVar("_V", int, str)


def format_value(value: Any, date_format: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return user_date_formatter(date_format)(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_date(text: str, date_format: str) -> datetime:
    moment = parse_loose(text, date_format)
    if moment is None:
        raise SuiteQLError(f"{text!r} is not a valid date (expected {date_format})")
    return moment


def call_function(name: str, args: list[Any], date_format: str) -> Any:
    """A SuiteQL function applied to evaluated arguments."""
    first = args[0]
    if name == "NVL":
        return first if first is not None else args[1]
    if first is None:
        return None
    fmt = args[1] if len(args) > 1 else None
    try:
        if name in ("TO_DATE", "TO_TIMESTAMP"):
            if isinstance(first, datetime):
                return first
            return oracle_parse(str(first), str(fmt)) if fmt else as_date(str(first), date_format)
        if name == "TO_CHAR":
            if isinstance(first, datetime):
                return oracle_format(first, str(fmt)) if fmt else format_value(first, date_format)
            return format_value(first, date_format)
    except ValueError as exc:
        raise SuiteQLError(str(exc)) from exc
    return str(first).upper() if name == "UPPER" else str(first).lower()


def compile_value(node: Any, table: Table, date_format: str) -> Getter:
    """A row -> value function for a value expression; errors surface when it is called."""
    if isinstance(node, Column):
        getter = table.columns.get(node.name)
        if getter is None:
            return partial(_raise, KeyError(node.name))
        return getter
    if isinstance(node, Literal):
        constant = None if node.value == "" else node.value
        return lambda row: constant
    if isinstance(node, Func):
        name = node.name
        args = [compile_value(a, table, date_format) for a in node.args]
        return lambda row: call_function(name, [get(row) for get in args], date_format)
    return partial(_raise, SuiteQLError("a condition cannot be used as a value"))


def _raise(error: Exception, row: Any) -> Any:
    raise error


def item_key(item: SelectItem, position: int) -> str:
    if item.alias:
        return item.alias
    if isinstance(item.expr, Column):
        return item.expr.name
    return f"expr{position}"


def external_ids(where: Any) -> list[str] | None:
    """The string values of an `externalid IN (...)` (or `= '...'`) that the WHERE requires
    (alone or ANDed with other conditions); None when it does not pin external ids."""
    return _pinned(where, "externalid", None, str)


def internal_ids(where: Any) -> list[int] | None:
    """The ids of an unqualified `id IN (numbers)` (or `id = number`) the WHERE requires (alone
    or ANDed with other conditions); None when it does not pin internal ids."""
    return pinned_ids(where, "id")


def pinned_ids(
    where: Any, column: str, qualifiers: frozenset[str] = frozenset()
) -> list[int] | None:
    """The numbers a `column IN (numbers)` (or `column = number`) the WHERE requires pins
    the column to (alone or ANDed with other conditions); the column unqualified or
    qualified with one of `qualifiers`. None when the WHERE does not pin it so."""
    return _pinned(where, column, qualifiers, int)


def _pinned(
    where: Any, column: str, qualifiers: frozenset[str] | None, kind: type[_V]
) -> list[_V] | None:
    """The `kind` literals a `column IN (...)` or `column = ...` that the WHERE requires pins
    the column to (`qualifiers` None: whatever its qualifier); None when it does not
    (another kind of literal included)."""
    if isinstance(where, Logical) and where.op == "AND":
        for item in where.items:
            found = _pinned(item, column, qualifiers, kind)
            if found is not None:
                return found
        return None
    if (
        isinstance(where, InList)
        and not where.negated
        and _is_column(where.expr, column, qualifiers)
        and all(isinstance(i, Literal) and type(i.value) is kind for i in where.items)
    ):
        return [i.value for i in where.items]
    if (
        isinstance(where, Compare)
        and where.op == "="
        and _is_column(where.left, column, qualifiers)
        and isinstance(where.right, Literal)
        and type(where.right.value) is kind
    ):
        return [where.right.value]
    return None


def _is_column(node: Any, column: str, qualifiers: frozenset[str] | None) -> bool:
    return (
        isinstance(node, Column)
        and node.name == column
        and (qualifiers is None or node.qualifier is None or node.qualifier in qualifiers)
    )


def contains_count(node: Any) -> bool:
    if isinstance(node, CountStar):
        return True
    if not hasattr(node, "__dataclass_fields__"):
        return False
    parts = [p for c in vars(node).values() for p in (c if isinstance(c, tuple) else (c,))]
    return any(contains_count(p) for p in parts)

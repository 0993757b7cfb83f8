"""Conditions and values over the rows of one SuiteQL table, as Oracle evaluates them.

SQL's three-valued logic (a NULL comparison is unknown, neither true nor false); a string
compared with a date or a number is converted as Oracle would, in the user's date format;
`IN` lists of literals are tested as sets; `ROWNUM` reads the number of the row being
tested (`rownum`). `relational.JoinEnv` extends it to joined rows and groups.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mocks.like import like
from mocks.netsuite.query.rownum import is_rownum, numbered
from mocks.netsuite.query.suiteql import (
    Between,
    Column,
    Compare,
    Func,
    InList,
    IsNull,
    Like,
    Literal,
    Logical,
    Not,
    SuiteQLError,
)
from mocks.netsuite.query.tables import Getter
from mocks.netsuite.query.values import as_date, call_function, format_value

if TYPE_CHECKING:
    from mocks.netsuite.query.execute import Executor

__all__ = ["SqlEnv"]


class SqlEnv:
    """Evaluates conditions and values over rows of one table (`relational` extends it)."""

    def __init__(self, executor: Executor, columns: dict[str, Getter]) -> None:
        self.date_format = executor.date_format
        self.columns = columns
        self._sets: dict[int, frozenset[str] | None] = {}
        self._numbers: dict[int, frozenset[int | float] | None] = {}
        # Functions of literals only (the keyset query's TO_TIMESTAMP('...', '...')), by node
        # id: computed for the first row, then reused. A failing one is not kept, so it
        # fails again the same way on every row, as before.
        self._constants: dict[int, Any] = {}
        self.rownum: int | None = None  # the row's ROWNUM while a WHERE naming it is tested

    def value(self, node: Any, rec: Any) -> Any:
        if isinstance(node, Column):
            get = self.columns.get(node.name)
            if get is not None:
                return get(rec)
            if is_rownum(node) and self.rownum is not None:
                return self.rownum
            raise SuiteQLError(f"Field '{node.name}' was not found")
        if isinstance(node, Literal):
            return None if node.value == "" else node.value
        if isinstance(node, Func):
            key = id(node)
            if key in self._constants:
                return self._constants[key]
            args = [self.value(a, rec) for a in node.args]
            result = call_function(node.name, args, self.date_format)
            if all(isinstance(a, Literal) or id(a) in self._constants for a in node.args):
                self._constants[key] = result
            return result
        raise SuiteQLError("a condition cannot be used as a value")

    def numbered(self, condition: Any, rows: list[Any]) -> list[Any]:
        """The rows meeting `condition`, which names ROWNUM, each numbered as it passes."""

        def passes(row: Any, number: int) -> bool:
            self.rownum = number
            return self.truth(condition, row) is True

        try:
            return numbered(rows, passes)
        finally:
            self.rownum = None

    def _as_date(self, text: str) -> datetime:
        return as_date(text, self.date_format)

    def compare(self, a: Any, b: Any) -> int | None:
        if a is None or b is None:
            return None
        if isinstance(a, datetime) or isinstance(b, datetime):
            a, b = (self._as_date(x) if isinstance(x, str) else x for x in (a, b))
        elif isinstance(a, int | float) != isinstance(b, int | float):
            a, b = (_number(x) if isinstance(x, str) else x for x in (a, b))
        if type(a) is not type(b) and not (
            isinstance(a, int | float) and isinstance(b, int | float)
        ):
            raise SuiteQLError(f"cannot compare {a!r} with {b!r}")
        return (a > b) - (a < b)

    def truth(self, node: Any, rec: Any) -> bool | None:
        if isinstance(node, Logical):
            results = [self.truth(item, rec) for item in node.items]
            decisive = node.op == "OR"  # OR is decided by a True, AND by a False
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        if isinstance(node, Not):
            inner = self.truth(node.expr, rec)
            return None if inner is None else not inner
        if isinstance(node, IsNull):
            return (self.value(node.expr, rec) is None) != node.negated
        if isinstance(node, Compare):
            sign = self.compare(self.value(node.left, rec), self.value(node.right, rec))
            return None if sign is None else _SIGN_TESTS[node.op](sign)
        if isinstance(node, InList):
            left = self.value(node.expr, rec)
            literals = self._string_set(node)
            if literals is not None and isinstance(left, str):
                # An external-id lookup lists hundreds of strings: test membership once.
                return (left in literals) != node.negated
            numbers = self._number_set(node)
            if numbers is not None and _is_number(left):
                # A page of internal ids (`parent IN (...)`): the same, by number.
                return (left in numbers) != node.negated
            signs = [self.compare(left, self.value(i, rec)) for i in node.items]
            found = True if 0 in signs else (None if None in signs else False)
            return None if found is None else found != node.negated
        if isinstance(node, Like):
            return self._like(node, rec)
        if isinstance(node, Between):
            value = self.value(node.expr, rec)
            low = self.compare(value, self.value(node.low, rec))
            high = self.compare(value, self.value(node.high, rec))
            if low is None or high is None:
                return None
            return (low >= 0 and high <= 0) != node.negated
        raise SuiteQLError("expected a condition")

    def _number_set(self, node: InList) -> frozenset[int | float] | None:
        """The IN list as a set when every item is a number literal (else None)."""
        key = id(node)
        if key not in self._numbers:
            items = node.items
            plain = all(isinstance(i, Literal) and _is_number(i.value) for i in items)
            self._numbers[key] = frozenset(i.value for i in items) if plain else None
        return self._numbers[key]

    def _string_set(self, node: InList) -> frozenset[str] | None:
        """The IN list as a set when every item is a non-empty string literal (else None)."""
        key = id(node)
        if key not in self._sets:
            items = node.items
            plain = all(isinstance(i, Literal) and isinstance(i.value, str) and i.value
                        for i in items)  # fmt: skip
            self._sets[key] = frozenset(str(i.value) for i in items) if plain else None
        return self._sets[key]

    def _like(self, node: Like, rec: Any) -> bool | None:
        value = format_value(self.value(node.expr, rec), self.date_format)
        pattern = self.value(node.pattern, rec)
        if value is None or pattern is None:
            return None
        # Linear whatever the pattern (a `.*` regex backtracks for minutes on many `%`).
        matched = like(value, str(pattern), ignore_case=False, backslash_escapes=False)
        return matched != node.negated


_SIGN_TESTS: dict[str, Callable[[int], bool]] = {
    "=": lambda s: s == 0,
    "<>": lambda s: s != 0,
    "<": lambda s: s < 0,
    "<=": lambda s: s <= 0,
    ">": lambda s: s > 0,
    ">=": lambda s: s >= 0,
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SuiteQLError(f"invalid number {text!r}") from None

"""A SuiteQL subset: tokenizer and parser producing a small syntax tree.

    SELECT [DISTINCT] * | expr [[AS] alias], ...
    FROM table [[AS] alias]
    { [INNER] JOIN | LEFT [OUTER] JOIN } table [[AS] alias] ON condition ...
    [WHERE condition]
    [GROUP BY expr, ... [HAVING condition]]
    [ORDER BY expr|alias|position [ASC|DESC], ...]

Conditions: comparisons (= <> != < <= > >=), [NOT] IN (...), [NOT] IN (SELECT ...),
[NOT] LIKE, IS [NOT] NULL, [NOT] BETWEEN a AND b, AND, OR, NOT and parentheses. Values:
columns (optionally qualified), 'strings', numbers, NULL, the functions in `FUNCTIONS`,
`BUILTIN.DF(column)` and the aggregates COUNT(*), COUNT([DISTINCT] x), SUM, MIN, MAX, AVG.
Single-table queries run in `execute`; joins, groups, subqueries and `BUILTIN.DF` in
`relational`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FUNCTIONS = {"TO_DATE": (1, 2), "TO_TIMESTAMP": (1, 2), "TO_CHAR": (1, 2), "UPPER": (1, 1),
             "LOWER": (1, 1), "NVL": (2, 2)}  # fmt: skip
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG"})
DISPLAY = "BUILTIN.DF"  # the display value of a reference or list column
KEYWORDS = {"SELECT", "FROM", "WHERE", "ORDER", "BY", "ASC", "DESC", "AND", "OR", "NOT", "IN",
            "LIKE", "IS", "NULL", "AS", "BETWEEN", "GROUP", "HAVING", "UNION", "JOIN", "ON",
            "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "DISTINCT"}  # fmt: skip
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_][A-Za-z0-9_$#]*)"
    r'|(?P<qident>"[^"]+")|(?P<op><>|!=|<=|>=|[=<>(),*.\-]))'
)
COMPARISONS = {"=", "<>", "!=", "<", "<=", ">", ">="}


class SuiteQLError(ValueError):
    """The query is outside the supported subset or malformed."""


@dataclass(frozen=True)
class Column:
    name: str  # lowercase
    qualifier: str | None = None


@dataclass(frozen=True, eq=False)
class Literal:
    value: Any  # str, int, float or None

    # Equal only with the same type too: `1` and `1.0` are different SuiteQL (UPPER(1.0) is
    # '1.0', TO_DATE(2024.0, 'YYYY') is refused), and the result and row caches key on queries.
    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Literal)
            and type(other.value) is type(self.value)
            and other.value == self.value
        )

    def __hash__(self) -> int:
        return hash((type(self.value), self.value))


@dataclass(frozen=True)
class Func:
    name: str  # uppercase
    args: tuple[Any, ...]


@dataclass(frozen=True)
class CountStar:
    pass


@dataclass(frozen=True)
class Aggregate:
    """COUNT(x), COUNT(DISTINCT x), SUM, MIN, MAX or AVG of a value (COUNT(*) is CountStar)."""

    name: str  # uppercase
    arg: Any
    distinct: bool = False


@dataclass(frozen=True)
class Compare:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class InList:
    expr: Any
    items: tuple[Any, ...]
    negated: bool


@dataclass(frozen=True)
class InQuery:
    """`expr [NOT] IN (SELECT one column ...)`: an uncorrelated subquery."""

    expr: Any
    query: Query
    negated: bool


@dataclass(frozen=True)
class Like:
    expr: Any
    pattern: Any
    negated: bool


@dataclass(frozen=True)
class IsNull:
    expr: Any
    negated: bool


@dataclass(frozen=True)
class Between:
    expr: Any
    low: Any
    high: Any
    negated: bool


@dataclass(frozen=True)
class Logical:
    op: str  # AND or OR
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    expr: Any


@dataclass(frozen=True)
class SelectItem:
    expr: Any
    alias: str | None


@dataclass(frozen=True)
class OrderItem:
    expr: Any
    descending: bool


@dataclass(frozen=True)
class Join:
    table: str  # lowercase
    alias: str | None
    on: Any
    outer: bool  # LEFT [OUTER] JOIN: a left row without a match is kept, its right side NULL


@dataclass(frozen=True)
class Query:
    items: tuple[SelectItem, ...] | None  # None means SELECT *
    table: str  # lowercase
    alias: str | None
    where: Any | None
    order_by: tuple[OrderItem, ...]
    joins: tuple[Join, ...] = ()
    group_by: tuple[Any, ...] = ()
    having: Any | None = None
    distinct: bool = False  # SELECT DISTINCT: repeated result rows appear once


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise SuiteQLError(f"unexpected character {text[pos:].strip()[:1]!r} at {pos}")
        kind = match.lastgroup or "op"
        value = match.group(kind)
        if kind == "qident":
            kind, value = "ident", value[1:-1]
        tokens.append((kind, value))
        pos = match.end()
    return tokens


def parse(text: str) -> Query:
    """Parse one SELECT statement; SuiteQLError names what is wrong."""
    return _Parser(tokenize(text)).statement()


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    # -- token helpers -----------------------------------------------------------------------

    def _peek(self, ahead: int = 0) -> tuple[str, str]:
        i = self.pos + ahead
        return self.tokens[i] if i < len(self.tokens) else ("eof", "")

    def _is(self, word: str, ahead: int = 0) -> bool:
        kind, value = self._peek(ahead)
        return (kind == "ident" and value.upper() == word) or (kind == "op" and value == word)

    def _accept(self, word: str) -> bool:
        if self._is(word):
            self.pos += 1
            return True
        return False

    def _expect(self, word: str) -> None:
        if not self._accept(word):
            found = self._peek()[1] or "end of query"
            raise SuiteQLError(f"expected {word} but found {found!r}")

    def _name(self, what: str) -> str:
        kind, value = self._peek()
        if kind != "ident" or value.upper() in KEYWORDS:
            raise SuiteQLError(f"expected {what} but found {value or 'end of query'!r}")
        self.pos += 1
        return value

    # -- grammar -----------------------------------------------------------------------------

    def query(self) -> Query:
        self._expect("SELECT")
        distinct = self._accept("DISTINCT")
        star = self._accept("*")
        items = None if star else tuple(self._list(self._select_item))
        self._expect("FROM")
        table, alias = self._source()
        joins = []
        while (join := self._join()) is not None:
            joins.append(join)
        where = self.condition() if self._accept("WHERE") else None
        group: tuple[Any, ...] = ()
        having = None
        if self._accept("GROUP"):
            self._expect("BY")
            group = tuple(self._list(self.value))
            having = self.condition() if self._accept("HAVING") else None
        order: tuple[OrderItem, ...] = ()
        if self._accept("ORDER"):
            self._expect("BY")
            order = tuple(self._list(self._order_item))
        if self._peek()[0] != "eof" and not self._is(")"):
            raise SuiteQLError(f"unexpected {self._peek()[1]!r}; this subset has no such clause")
        return Query(items, table, alias, where, order, tuple(joins), group, having, distinct)

    def statement(self) -> Query:
        """The whole text as one query (a subquery stops at its closing parenthesis)."""
        query = self.query()
        if self._peek()[0] != "eof":
            raise SuiteQLError(f"unexpected {self._peek()[1]!r} after the query")
        return query

    def _source(self) -> tuple[str, str | None]:
        table = self._name("a table name").lower()
        alias = None
        if self._accept("AS") or (self._peek()[0] == "ident" and not self._keyword()):
            alias = self._name("a table alias").lower()
        return table, alias

    def _join(self) -> Join | None:
        if self._is("RIGHT") or self._is("FULL") or self._is("CROSS"):
            raise SuiteQLError(f"{self._peek()[1].upper()} JOIN is not supported by this mock")
        outer = self._accept("LEFT")
        if outer:
            self._accept("OUTER")
            self._expect("JOIN")
        elif self._accept("INNER"):
            self._expect("JOIN")
        elif not self._accept("JOIN"):
            return None
        table, alias = self._source()
        self._expect("ON")
        return Join(table, alias, self.condition(), outer)

    def _keyword(self) -> bool:
        return self._peek()[1].upper() in KEYWORDS

    def _list(self, parse_one: Any) -> list[Any]:
        out = [parse_one()]
        while self._accept(","):
            out.append(parse_one())
        return out

    def _select_item(self) -> SelectItem:
        expr = self.value()
        alias = None
        if self._accept("AS") or (self._peek()[0] == "ident" and not self._keyword()):
            alias = self._name("a column alias").lower()
        return SelectItem(expr, alias)

    def _order_item(self) -> OrderItem:
        expr = self.value()
        descending = self._accept("DESC")
        if not descending:
            self._accept("ASC")
        return OrderItem(expr, descending)

    def condition(self) -> Any:
        items = [self._and()]
        while self._accept("OR"):
            items.append(self._and())
        return items[0] if len(items) == 1 else Logical("OR", tuple(items))

    def _and(self) -> Any:
        items = [self._not()]
        while self._accept("AND"):
            items.append(self._not())
        return items[0] if len(items) == 1 else Logical("AND", tuple(items))

    def _not(self) -> Any:
        if self._accept("NOT"):
            return Not(self._not())
        return self._predicate()

    def _predicate(self) -> Any:
        if self._accept("("):
            inner = self.condition()
            self._expect(")")
            return inner
        left = self.value()
        kind, op = self._peek()
        if kind == "op" and op in COMPARISONS:
            self.pos += 1
            return Compare("<>" if op == "!=" else op, left, self.value())
        if self._accept("IS"):
            negated = self._accept("NOT")
            self._expect("NULL")
            return IsNull(left, negated)
        negated = self._accept("NOT")
        if self._accept("IN"):
            self._expect("(")
            if self._is("SELECT"):
                sub = self.query()
                self._expect(")")
                return InQuery(left, sub, negated)
            items = tuple(self._list(self.value))
            self._expect(")")
            return InList(left, items, negated)
        if self._accept("LIKE"):
            return Like(left, self.value(), negated)
        if self._accept("BETWEEN"):
            low = self.value()
            self._expect("AND")
            return Between(left, low, self.value(), negated)
        raise SuiteQLError(f"expected a comparison but found {op or 'end of query'!r}")

    def value(self) -> Any:
        kind, text = self._peek()
        if kind == "str":
            self.pos += 1
            return Literal(text[1:-1].replace("''", "'"))
        if kind == "num" or (text == "-" and self._peek(1)[0] == "num"):
            sign = -1 if text == "-" else 1
            self.pos += 2 if text == "-" else 1
            number = self.tokens[self.pos - 1][1]
            return Literal(sign * (float(number) if "." in number else int(number)))
        if self._accept("("):
            inner = self.value()
            self._expect(")")
            return inner
        if self._accept("NULL"):
            return Literal(None)
        if kind != "ident" or text.upper() in KEYWORDS:
            raise SuiteQLError(f"expected a value but found {text or 'end of query'!r}")
        if self._is("(", 1):
            return self._call()
        if text.upper() == "BUILTIN" and self._is(".", 1):
            return self._builtin()
        self.pos += 1
        if self._accept("."):
            return Column(self._name("a column name").lower(), text.lower())
        return Column(text.lower())

    def _builtin(self) -> Func:
        self.pos += 2  # BUILTIN .
        name = f"BUILTIN.{self._name('a BUILTIN function').upper()}"
        if name != DISPLAY:
            raise SuiteQLError(f"unsupported function {name}; supported: {DISPLAY}")
        self._expect("(")
        arg = self.value()
        self._expect(")")
        return Func(name, (arg,))

    def _call(self) -> Any:
        name = self._peek()[1].upper()
        self.pos += 2
        if name == "COUNT" and self._accept("*"):
            self._expect(")")
            return CountStar()
        if name in AGGREGATES:
            distinct = self._accept("DISTINCT")
            arg = self.value()
            self._expect(")")
            return Aggregate(name, arg, distinct)
        if name not in FUNCTIONS:
            raise SuiteQLError(f"unsupported function {name}; supported: {sorted(FUNCTIONS)}")
        args = () if self._is(")") else tuple(self._list(self.value))
        self._expect(")")
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            raise SuiteQLError(f"{name} takes {low} to {high} arguments, not {len(args)}")
        return Func(name, args)

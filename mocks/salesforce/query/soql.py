"""A SOQL subset: parser and syntax tree (tokens: `soql_lexer`; evaluation: `soql_eval`).

Grammar (keywords and field names are case-insensitive)::

    SELECT item, ... | COUNT() FROM Object [WHERE cond] [GROUP BY path, ... [HAVING cond]]
        [ORDER BY key [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
    item := path | aggregate [alias] | FIELDS(ALL|STANDARD|CUSTOM) | (subquery)
    path := field | Relationship.path                -- parent fields: Account.Owner.Name
    aggregate := COUNT() | COUNT(path) | COUNT_DISTINCT(path) | SUM|AVG|MIN|MAX(path)
    subquery := SELECT item, ... FROM ChildRelationship [WHERE ...] [ORDER BY ...] [LIMIT n]
    cond := term {AND term} | term {OR term}      -- mixing needs parentheses, as in SOQL
    term := NOT term | '(' cond ')' | key op value | key [NOT] IN (value, ...)
          | key [NOT] IN (SELECT path FROM Object ...)   -- a semi-join (anti-join)
          | key LIKE 'pattern'
    key := path | aggregate                          -- aggregates in HAVING and ORDER BY

Errors carry Salesforce's layout: the query line, a caret, `ERROR at Row:r:Column:c`, and
the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from mocks.salesforce.query.lexer import SoqlError, Token, tokenize

LiteralKind = Literal["string", "number", "boolean", "null", "date", "datetime", "relative"]
KEYWORDS = frozenset({
    "SELECT", "FROM", "WHERE", "ORDER", "BY", "ASC", "DESC", "NULLS", "FIRST", "LAST", "LIMIT",
    "OFFSET", "AND", "OR", "NOT", "IN", "LIKE", "GROUP", "HAVING",
})  # fmt: skip
AGGREGATES = frozenset({"COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX"})
FIELDS_MACROS = frozenset({"ALL", "STANDARD", "CUSTOM"})
RELATIVE_DATES = frozenset({"TODAY", "YESTERDAY", "TOMORROW"})
RELATIVE_N_DATES = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS"})
COMPARISONS = frozenset({"=", "!=", "<>", "<", "<=", ">", ">="})
_T = TypeVar("_T")


@dataclass(frozen=True)
class FieldRef:
    name: str
    pos: int


@dataclass(frozen=True)
class Value:
    kind: LiteralKind
    value: Any  # str, int/float, bool, None, ISO text, or (NAME, n) for relative dates
    pos: int
    text: str


@dataclass(frozen=True)
class Aggregate:
    """`SUM(Amount) total`: the function, its field (None for `COUNT()`) and the alias."""

    function: str
    field: FieldRef | None
    alias: str | None
    pos: int


@dataclass(frozen=True)
class FieldsMacro:
    """`FIELDS(ALL)`, `FIELDS(STANDARD)` or `FIELDS(CUSTOM)`."""

    kind: str
    pos: int


@dataclass(frozen=True)
class Comparison:
    field: FieldRef | Aggregate
    op: str  # one of COMPARISONS (<> normalized to !=), "IN", "NOT IN" or "LIKE"
    values: tuple[Value, ...]
    subquery: Query | None = None  # a semi-join: `Id IN (SELECT AccountId FROM Contact)`


@dataclass(frozen=True)
class BoolOp:
    op: Literal["AND", "OR", "NOT"]
    items: tuple[Condition, ...]


Condition = Comparison | BoolOp


@dataclass(frozen=True)
class OrderItem:
    field: FieldRef | Aggregate
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class Query:
    source: str
    fields: tuple[FieldRef, ...]  # empty for COUNT()
    count: bool
    sobject: str
    sobject_pos: int
    where: Condition | None
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None
    # Child subqueries in the select list: `(SELECT Id FROM OrderItems)`; `sobject` is the
    # relationship name there.
    subqueries: tuple[Query, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()
    macros: tuple[FieldsMacro, ...] = ()
    # The select list in the order written (fields, aggregates, macros and subqueries).
    items: tuple[SelectItem, ...] = ()
    group_by: tuple[FieldRef, ...] = ()
    having: Condition | None = None
    pos: int = 0  # where SELECT starts
    limit_pos: int = 0  # where LIMIT starts (when there is one)


SelectItem = FieldRef | Aggregate | FieldsMacro | Query


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def fail(self, tok: Token | None = None) -> SoqlError:
        tok = tok or self.tok
        return SoqlError("MALFORMED_QUERY", f"unexpected token: {tok.text}", self.source, tok.pos)

    def expect_kw(self, word: str) -> Token:
        if not self.tok.is_kw(word):
            raise self.fail()
        return self.advance()

    def expect_punct(self, ch: str) -> Token:
        if self.tok.kind != "punct" or self.tok.text != ch:
            raise self.fail()
        return self.advance()

    def field(self) -> FieldRef:
        tok = self.tok
        if tok.kind != "ident" or tok.text.upper() in KEYWORDS:
            raise self.fail()
        self.advance()
        return FieldRef(tok.text, tok.pos)

    def integer(self) -> int:
        tok = self.advance()
        if tok.kind != "number" or not isinstance(tok.value, int) or tok.value < 0:
            raise self.fail(tok)
        return tok.value

    def parse(self) -> Query:
        query = self.select(nested=False)
        if self.tok.kind != "eof":
            raise self.fail()
        return query

    def at_call(self, names: frozenset[str]) -> bool:
        """An identifier in `names` followed by `(`: a function call, not a field."""
        return self.tok.is_kw(*names) and self.tokens[self.i + 1].text == "("

    def aggregate(self) -> Aggregate:
        """`COUNT()`, `COUNT(path)`, `SUM(path)`, ...; the alias is read by the caller."""
        name = self.advance()
        self.advance()  # (
        ref = None
        if name.text.upper() != "COUNT" or self.tok.text != ")":
            ref = self.field()
        self.expect_punct(")")
        return Aggregate(name.text.upper(), ref, None, name.pos)

    def fields_macro(self) -> FieldsMacro:
        start = self.advance()
        self.advance()  # (
        kind = self.advance()
        if kind.kind != "ident" or kind.text.upper() not in FIELDS_MACROS:
            raise self.fail(kind)
        self.expect_punct(")")
        return FieldsMacro(kind.text.upper(), start.pos)

    def select_item(self, nested: bool) -> SelectItem:
        """A field path, an aggregate with its optional alias, a FIELDS() macro or (at the
        top level) a parenthesised child subquery."""
        if not nested and self.tok.kind == "punct" and self.tok.text == "(":
            self.advance()
            sub = self.select(nested=True)
            self.expect_punct(")")
            return sub
        if self.at_call(frozenset({"FIELDS"})):
            return self.fields_macro()
        if self.at_call(AGGREGATES):
            agg = self.aggregate()
            if self.tok.kind == "ident" and self.tok.text.upper() not in KEYWORDS:
                agg = Aggregate(agg.function, agg.field, self.advance().text, agg.pos)
            return agg
        return self.field()

    def select(self, *, nested: bool) -> Query:
        start = self.expect_kw("SELECT")
        items = [self.select_item(nested)]
        while self.tok.text == ",":
            self.advance()
            items.append(self.select_item(nested))
        self.expect_kw("FROM")
        obj = self.tok
        # `Order` is an object name as well as a keyword: after FROM it names the object.
        if obj.kind != "ident" or obj.text.upper() in KEYWORDS - {"ORDER"}:
            raise self.fail()
        self.advance()
        where = self.condition() if self.keyword("WHERE") else None
        group_by: list[FieldRef] = []
        having = None
        if self.keyword("GROUP"):
            self.expect_kw("BY")
            group_by = self.comma_list(self.field)
            having = self.condition() if self.keyword("HAVING") else None
        order = self.comma_list(self.order_item) if self.keyword("ORDER", then="BY") else []
        limit_pos = self.tok.pos
        limit = self.integer() if self.keyword("LIMIT") else None
        offset = self.integer() if self.keyword("OFFSET") else None
        count = any(isinstance(i, Aggregate) and i.field is None for i in items)
        return Query(
            self.source,
            tuple(i for i in items if isinstance(i, FieldRef)),
            count,
            obj.text,
            obj.pos,
            where,
            tuple(order),
            limit,
            offset,
            subqueries=tuple(i for i in items if isinstance(i, Query)),
            aggregates=tuple(i for i in items if isinstance(i, Aggregate)),
            macros=tuple(i for i in items if isinstance(i, FieldsMacro)),
            items=tuple(items),
            group_by=tuple(group_by),
            having=having,
            pos=start.pos,
            limit_pos=limit_pos,
        )

    def keyword(self, word: str, then: str | None = None) -> bool:
        """Consume `word` (and the `then` word that must follow it) if it comes next."""
        if not self.tok.is_kw(word):
            return False
        self.advance()
        if then is not None:
            self.expect_kw(then)
        return True

    def comma_list(self, item: Callable[[], _T]) -> list[_T]:
        out = [item()]
        while self.tok.text == ",":
            self.advance()
            out.append(item())
        return out

    def key(self) -> FieldRef | Aggregate:
        """What a condition or ORDER BY item tests: a field path or an aggregate."""
        return self.aggregate() if self.at_call(AGGREGATES) else self.field()

    def order_item(self) -> OrderItem:
        ref = self.key()
        descending = False
        if self.tok.is_kw("ASC", "DESC"):
            descending = self.advance().text.upper() == "DESC"
        nulls_last = False
        if self.tok.is_kw("NULLS"):
            self.advance()
            if not self.tok.is_kw("FIRST", "LAST"):
                raise self.fail()
            nulls_last = self.advance().text.upper() == "LAST"
        return OrderItem(ref, descending, nulls_last)

    def condition(self) -> Condition:
        items = [self.term()]
        joiner: str | None = None
        while self.tok.is_kw("AND", "OR"):
            word = self.tok.text.upper()
            if joiner is not None and word != joiner:
                raise self.fail()
            joiner = word
            self.advance()
            items.append(self.term())
        if joiner is None:
            return items[0]
        return BoolOp("AND" if joiner == "AND" else "OR", tuple(items))

    def term(self) -> Condition:
        if self.tok.is_kw("NOT"):
            self.advance()
            return BoolOp("NOT", (self.term(),))
        if self.tok.text == "(":
            self.advance()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        ref = self.key()
        tok = self.tok
        if tok.kind == "op":
            self.advance()
            op = "!=" if tok.text == "<>" else tok.text
            return Comparison(ref, op, (self.value(),))
        if tok.is_kw("LIKE"):
            self.advance()
            return Comparison(ref, "LIKE", (self.value(),))
        negated = self.keyword("NOT")
        if not self.tok.is_kw("IN"):
            raise self.fail()
        self.advance()
        self.expect_punct("(")
        op = "NOT IN" if negated else "IN"
        if self.tok.is_kw("SELECT"):
            sub = self.select(nested=True)
            self.expect_punct(")")
            return Comparison(ref, op, (), sub)
        values = self.comma_list(self.value)
        self.expect_punct(")")
        return Comparison(ref, op, tuple(values))

    def value(self) -> Value:
        tok = self.advance()
        if tok.kind in ("string", "number", "date", "datetime"):
            return Value(tok.kind, tok.value, tok.pos, tok.text)  # type: ignore[arg-type]
        if tok.kind == "ident":
            word = tok.text.upper()
            if word in ("TRUE", "FALSE"):
                return Value("boolean", word == "TRUE", tok.pos, tok.text)
            if word == "NULL":
                return Value("null", None, tok.pos, tok.text)
            if word in RELATIVE_DATES:
                return Value("relative", (word, None), tok.pos, tok.text)
            if word in RELATIVE_N_DATES:
                if self.tok.text != ":":
                    raise self.fail()
                self.advance()
                n = self.integer()
                return Value("relative", (word, n), tok.pos, f"{tok.text}:{n}")
        raise self.fail(tok)


def parse(source: str) -> Query:
    """Parse a SOQL statement or raise `SoqlError` (MALFORMED_QUERY)."""
    if not source or not source.strip():
        raise SoqlError("MALFORMED_QUERY", "A query string must be provided.")
    return _Parser(source).parse()


__all__ = [
    "Aggregate",
    "BoolOp",
    "Comparison",
    "Condition",
    "FieldRef",
    "FieldsMacro",
    "OrderItem",
    "Query",
    "SelectItem",
    "SoqlError",
    "Value",
    "parse",
]

"""A SOQL subset: parser and syntax tree (tokens: `soql_lexer`; evaluation: `soql_eval`).

Grammar (keywords and field names are case-insensitive)::

    SELECT field | (subquery), ... | COUNT() FROM Object [WHERE cond]
        [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
    subquery := SELECT field, ... FROM ChildRelationship [WHERE ...] [ORDER BY ...] [LIMIT n]
    cond := term {AND term} | term {OR term}      -- mixing needs parentheses, as in SOQL
    term := NOT term | '(' cond ')' | field op value | field [NOT] IN (value, ...)
          | field LIKE 'pattern'

Errors carry Salesforce's layout: the query line, a caret, `ERROR at Row:r:Column:c`, and
the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mocks.salesforce.query.lexer import SoqlError, Token, tokenize

LiteralKind = Literal["string", "number", "boolean", "null", "date", "datetime", "relative"]
KEYWORDS = frozenset({
    "SELECT", "FROM", "WHERE", "ORDER", "BY", "ASC", "DESC", "NULLS", "FIRST", "LAST", "LIMIT",
    "OFFSET", "AND", "OR", "NOT", "IN", "LIKE",
})  # fmt: skip
RELATIVE_DATES = frozenset({"TODAY", "YESTERDAY", "TOMORROW"})
RELATIVE_N_DATES = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS"})
COMPARISONS = frozenset({"=", "!=", "<>", "<", "<=", ">", ">="})


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
class Comparison:
    field: FieldRef
    op: str  # one of COMPARISONS (<> normalized to !=), "IN", "NOT IN" or "LIKE"
    values: tuple[Value, ...]


@dataclass(frozen=True)
class BoolOp:
    op: Literal["AND", "OR", "NOT"]
    items: tuple[Condition, ...]


Condition = Comparison | BoolOp


@dataclass(frozen=True)
class OrderItem:
    field: FieldRef
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

    def select_item(self, fields: list[FieldRef], subqueries: list[Query], nested: bool) -> None:
        """A field, or (at the top level) a parenthesised child subquery."""
        if not nested and self.tok.kind == "punct" and self.tok.text == "(":
            self.advance()
            subqueries.append(self.select(nested=True))
            self.expect_punct(")")
        else:
            fields.append(self.field())

    def select(self, *, nested: bool) -> Query:
        self.expect_kw("SELECT")
        fields: list[FieldRef] = []
        subqueries: list[Query] = []
        count = False
        if self.tok.is_kw("COUNT") and self.tokens[self.i + 1].text == "(":
            self.advance()
            self.advance()
            if self.tok.text != ")":
                raise SoqlError(
                    "MALFORMED_QUERY", "only COUNT() is supported among aggregate functions",
                    self.source, self.tok.pos,
                )  # fmt: skip
            self.advance()
            count = True
        else:
            self.select_item(fields, subqueries, nested)
            while self.tok.text == ",":
                self.advance()
                self.select_item(fields, subqueries, nested)
        self.expect_kw("FROM")
        obj = self.tok
        # `Order` is an object name as well as a keyword: after FROM it names the object.
        if obj.kind != "ident" or obj.text.upper() in KEYWORDS - {"ORDER"}:
            raise self.fail()
        self.advance()
        where = None
        if self.tok.is_kw("WHERE"):
            self.advance()
            where = self.condition()
        order: list[OrderItem] = []
        if self.tok.is_kw("ORDER"):
            self.advance()
            self.expect_kw("BY")
            order.append(self.order_item())
            while self.tok.text == ",":
                self.advance()
                order.append(self.order_item())
        limit = offset = None
        if self.tok.is_kw("LIMIT"):
            self.advance()
            limit = self.integer()
        if self.tok.is_kw("OFFSET"):
            self.advance()
            offset = self.integer()
        return Query(
            self.source, tuple(fields), count, obj.text, obj.pos, where, tuple(order), limit,
            offset, tuple(subqueries),
        )  # fmt: skip

    def order_item(self) -> OrderItem:
        ref = self.field()
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
        ref = self.field()
        tok = self.tok
        if tok.kind == "op":
            self.advance()
            op = "!=" if tok.text == "<>" else tok.text
            return Comparison(ref, op, (self.value(),))
        if tok.is_kw("LIKE"):
            self.advance()
            return Comparison(ref, "LIKE", (self.value(),))
        negated = False
        if tok.is_kw("NOT"):
            self.advance()
            negated = True
        if not self.tok.is_kw("IN"):
            raise self.fail()
        self.advance()
        self.expect_punct("(")
        values = [self.value()]
        while self.tok.text == ",":
            self.advance()
            values.append(self.value())
        self.expect_punct(")")
        return Comparison(ref, "NOT IN" if negated else "IN", tuple(values))

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
    "BoolOp",
    "Comparison",
    "Condition",
    "FieldRef",
    "OrderItem",
    "Query",
    "SoqlError",
    "Value",
    "parse",
]

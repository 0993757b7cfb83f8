"""`$filter` as SAP Gateway reads it, compiled once per request into a predicate.

Comparison (eq ne gt ge lt le), logic (and or not) with parentheses, the string functions
`substringof`, `startswith`, `endswith`, `tolower`, `toupper`, `trim`, `length`, and typed
literals (`datetime'..'`, `datetimeoffset'..'`, `time'..'`, `guid'..'`, `12.5M`, `''`
escapes). A malformed filter is a 400 naming the position."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mocks.sap.errors import SapError, bad_request
from mocks.sap.odata.model import EntityType
from mocks.sap.odata.values import comparable, parse_datetime, parse_time

Row = dict[str, Any]
Expr = Callable[[Row], Any]

_TOKEN = re.compile(
    r"\s*(?:(?P<typed>(?:datetimeoffset|datetime|time|guid|binary|X)'(?:[^']|'')*')"
    r"|(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[MmLlDdFf]?)"
    r"|(?P<name>[A-Za-z_][\w/]*)"
    r"|(?P<punct>[(),]))"
)
_COMPARE = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}
_FUNCS: dict[str, tuple[int, Callable[..., Any]]] = {
    "substringof": (2, lambda needle, hay: needle in hay if None not in (needle, hay) else False),
    "startswith": (2, lambda s, p: s.startswith(p) if None not in (s, p) else False),
    "endswith": (2, lambda s, p: s.endswith(p) if None not in (s, p) else False),
    "tolower": (1, lambda s: s.lower() if s is not None else None),
    "toupper": (1, lambda s: s.upper() if s is not None else None),
    "trim": (1, lambda s: s.strip() if s is not None else None),
    "length": (1, lambda s: len(s) if s is not None else None),
}


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Tok]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            where = len(text[:pos]) + len(text[pos:]) - len(text[pos:].lstrip())
            raise _error(f"Invalid token at position {where + 1}")
        kind = match.lastgroup or "punct"
        tokens.append(Tok(kind, match.group(kind), match.start(kind)))
        pos = match.end()
    return tokens


def _error(message: str) -> SapError:
    return bad_request(f"Invalid filter expression: {message}", "filter")


def _literal(tok: Tok) -> Any:
    text = tok.text
    try:
        if tok.kind == "str":
            return text[1:-1].replace("''", "'")
        if tok.kind == "num":
            core = text.rstrip("MmLlDdFf")
            if text[-1] in "Mm" or "." in core:
                return Decimal(core)
            return int(core)
        prefix, _, rest = text.partition("'")
        body = rest[:-1].replace("''", "'")
        if prefix in ("datetime", "datetimeoffset"):
            return parse_datetime(body)
        if prefix == "time":
            return parse_time(body)
        return body.lower() if prefix == "guid" else body
    except (ValueError, InvalidOperation) as exc:
        raise _error(f"Invalid literal {text} at position {tok.pos + 1}") from exc


class _Parser:
    def __init__(self, text: str, etype: EntityType) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.etype = etype
        self.end = len(text)

    def peek(self) -> Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> Tok:
        tok = self.peek()
        if tok is None:
            raise _error(f"Unexpected end of expression at position {self.end + 1}")
        if expected is not None and tok.text != expected:
            raise _error(f"Expected '{expected}' at position {tok.pos + 1}, found '{tok.text}'")
        self.i += 1
        return tok

    def word(self, *words: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok.kind == "name" and tok.text in words:
            self.i += 1
            return tok.text
        return None

    def parse(self) -> Expr:
        expr = self.or_expr()
        tok = self.peek()
        if tok is not None:
            raise _error(f"Unexpected token '{tok.text}' at position {tok.pos + 1}")
        return expr

    def or_expr(self) -> Expr:
        left = self.and_expr()
        while self.word("or"):
            left = _either(left, self.and_expr())
        return left

    def and_expr(self) -> Expr:
        left = self.not_expr()
        while self.word("and"):
            left = _both(left, self.not_expr())
        return left

    def not_expr(self) -> Expr:
        if self.word("not"):
            inner = self.not_expr()
            return lambda r: not inner(r)
        return self.compare()

    def compare(self) -> Expr:
        left = self.operand()
        tok = self.peek()
        if tok is not None and tok.kind == "name" and tok.text in _COMPARE:
            self.i += 1
            right = self.operand()
            test = _COMPARE[tok.text]
            return lambda r: test(*_align(left(r), right(r)))
        return left

    def operand(self) -> Expr:
        tok = self.take()
        if tok.text == "(":
            inner = self.or_expr()
            self.take(")")
            return inner
        if tok.kind in ("str", "num", "typed"):
            value = _literal(tok)
            return lambda _r: value
        if tok.kind == "name":
            return self.name(tok)
        raise _error(f"Unexpected token '{tok.text}' at position {tok.pos + 1}")

    def name(self, tok: Tok) -> Expr:
        text = tok.text
        if text in ("true", "false"):
            flag = text == "true"
            return lambda _r: flag
        if text == "null":
            return lambda _r: None
        nxt = self.peek()
        if text in _FUNCS and nxt is not None and nxt.text == "(":
            return self.call(tok)
        prop = self.etype.by_name.get(text)
        if prop is None:
            raise _error(
                f"Property '{text}' at position {tok.pos + 1} is not defined"
                f" in {self.etype.type_name}"
            )
        return lambda r: comparable(prop, r.get(prop.name))

    def call(self, tok: Tok) -> Expr:
        arity, fn = _FUNCS[tok.text]
        self.take("(")
        args = [self.or_expr()]
        while self.peek() is not None and self.peek().text == ",":  # type: ignore[union-attr]
            self.take(",")
            args.append(self.or_expr())
        self.take(")")
        if len(args) != arity:
            raise _error(
                f"Function '{tok.text}' at position {tok.pos + 1} takes {arity}"
                f" argument(s), got {len(args)}"
            )
        return lambda r: fn(*(a(r) for a in args))


def _either(a: Expr, b: Expr) -> Expr:
    return lambda r: bool(a(r)) or bool(b(r))


def _both(a: Expr, b: Expr) -> Expr:
    return lambda r: bool(a(r)) and bool(b(r))


def _align(left: Any, right: Any) -> tuple[Any, Any]:
    """Bring a literal to the property's type (a number against a decimal, text against a
    date) so comparisons never mix types; a mismatch compares as unequal."""
    if left is None or right is None or type(left) is type(right):
        return left, right
    for a, b, swap in ((left, right, False), (right, left, True)):
        if isinstance(a, Decimal) and isinstance(b, int | float | str):
            try:
                pair = (a, Decimal(str(b)))
            except InvalidOperation:
                continue
            return (pair[1], pair[0]) if swap else pair
        if isinstance(a, datetime | timedelta) and isinstance(b, str):
            try:
                conv = parse_datetime(b) if isinstance(a, datetime) else parse_time(b)
            except ValueError:
                continue
            return (conv, a) if swap else (a, conv)
    if isinstance(left, int | float | Decimal) and isinstance(right, int | float | Decimal):
        return left, right
    return left, right if type(left) is type(right) else _Mismatch()


class _Mismatch:
    """Compares unequal (and unordered) with everything."""

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __gt__(self, other: object) -> bool:
        return False

    __lt__ = __ge__ = __le__ = __gt__


def compile_filter(text: str, etype: EntityType) -> Callable[[Row], bool]:
    """A predicate over stored fields; SapError 400 on a malformed expression."""
    expr = _Parser(text, etype).parse()

    def test(row: Row) -> bool:
        try:
            return bool(expr(row))
        except (TypeError, AttributeError) as exc:  # a string function given a number, ...
            raise _error(f"Invalid argument types in $filter: {text}") from exc

    return test


__all__ = ["compile_filter", "tokenize"]

"""SOQL lexer: turns a statement into tokens and formats errors the way Salesforce does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
    |(?P<date>\d{4}-\d{2}-\d{2})
    |(?P<number>-?\d+(?:\.\d+)?)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
    |(?P<op>!=|<>|<=|>=|=|<|>)
    |(?P<punct>[(),:])
    |(?P<string>')""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class SoqlError(Exception):
    """MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ... with Salesforce's message layout."""

    def __init__(self, code: str, detail: str, source: str = "", pos: int | None = None) -> None:
        self.code = code
        self.detail = detail
        if pos is None:
            message = detail
        else:
            row = source.count("\n", 0, pos) + 1
            line_start = source.rfind("\n", 0, pos) + 1
            line_end = source.find("\n", pos)
            line = source[line_start : line_end if line_end >= 0 else len(source)]
            col = pos - line_start + 1
            message = f"\n{line}\n{' ' * (col - 1)}^\nERROR at Row:{row}:Column:{col}\n{detail}"
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Token:
    kind: str  # ident, string, number, date, datetime, op, punct, eof
    text: str
    pos: int
    value: Any = None

    def is_kw(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


def _read_string(source: str, start: int) -> tuple[str, int]:
    """Decode a quoted string starting at the opening quote; return (value, end index).

    `\\%` and `\\_` stay escaped so LIKE can tell them from wildcards; elsewhere they compare
    as the two characters, as in Salesforce.
    """
    out: list[str] = []
    i = start + 1
    while i < len(source):
        ch = source[i]
        if ch == "'":
            return "".join(out), i + 1
        if ch == "\\":
            nxt = source[i + 1 : i + 2]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
            elif nxt in ("%", "_"):
                out.append("\\" + nxt)
            else:
                raise SoqlError(
                    "MALFORMED_QUERY", "Invalid string literal: illegal escape sequence", source, i
                )
            i += 2
            continue
        out.append(ch)
        i += 1
    raise SoqlError(
        "MALFORMED_QUERY", "unexpected token: <EOF> (unterminated string)", source, start
    )


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: {source[pos]}", source, pos)
        kind = match.lastgroup or ""
        if kind == "string":
            text, end = _read_string(source, pos)
            tokens.append(Token("string", source[pos:end], pos, text))
            pos = end
            continue
        if kind != "ws":
            raw = match.group()
            value: Any = raw
            if kind == "number":
                value = float(raw) if "." in raw else int(raw)
            tokens.append(Token(kind, raw, pos, value))
        pos = match.end()
    tokens.append(Token("eof", "<EOF>", len(source)))
    return tokens

"""SQL `LIKE` matching in time linear in the pattern times the value, never exponential.

A pattern is cut at every `%` into pieces of fixed length (`_` matches any one character).
The first piece must sit at the start of the value, the last at its end, and the ones in
between are placed left to right at their earliest fit: a piece has a fixed length, so the
earliest fit always leaves the most room for the pieces after it, and no choice is ever
revisited. A regex built from the pattern (`.*` per `%`) backtracks instead, and a few
hundred `%` against a long value that does not match never finishes.

Both mocks use it: SOQL (case-insensitive, `\\%` and `\\_` escape a wildcard) and SuiteQL
(case-sensitive, no escape character, as Oracle without an `ESCAPE` clause).
"""

from __future__ import annotations

from dataclasses import dataclass

ANY_ONE: None = None  # a `_` inside a piece


@dataclass(frozen=True)
class LikePattern:
    """A parsed pattern: the fixed pieces between its `%` signs.

    `pieces[0]` is anchored at the start and `pieces[-1]` at the end; with no `%` at all
    there is a single piece that must be the whole value. Each piece is a tuple of
    characters, with `ANY_ONE` where the pattern had `_`.
    """

    pieces: tuple[tuple[str | None, ...], ...]
    ignore_case: bool

    def matches(self, value: str) -> bool:
        text = _fold(value) if self.ignore_case else value
        first, *middle_and_last = self.pieces
        if not middle_and_last:  # no `%`: the single piece is the whole value
            return len(text) == len(first) and _fits_at(text, first, 0)
        *middle, last = middle_and_last
        start, end = len(first), len(text) - len(last)
        if end < start or not _fits_at(text, first, 0) or not _fits_at(text, last, end):
            return False
        for piece in middle:
            found = _earliest_fit(text, piece, start, end)
            if found < 0:
                return False
            start = found + len(piece)
        return True


def compile_like(pattern: str, *, ignore_case: bool, backslash_escapes: bool) -> LikePattern:
    """Parse `pattern`; with `backslash_escapes`, `\\%` and `\\_` stand for the characters
    themselves (SOQL), otherwise a backslash is an ordinary character (SuiteQL)."""
    pieces: list[tuple[str | None, ...]] = []
    current: list[str | None] = []
    text = _fold(pattern) if ignore_case else pattern
    i = 0
    while i < len(text):
        ch = text[i]
        if backslash_escapes and ch == "\\" and text[i + 1 : i + 2] in ("%", "_"):
            current.append(text[i + 1])
            i += 2
            continue
        if ch == "%":
            pieces.append(tuple(current))
            current = []
        else:
            current.append(ANY_ONE if ch == "_" else ch)
        i += 1
    pieces.append(tuple(current))
    return LikePattern(tuple(pieces), ignore_case)


def like(value: str, pattern: str, *, ignore_case: bool, backslash_escapes: bool) -> bool:
    """Whether `value` matches the SQL `LIKE` `pattern` (see `compile_like`)."""
    return compile_like(
        pattern, ignore_case=ignore_case, backslash_escapes=backslash_escapes
    ).matches(value)


def _fold(text: str) -> str:
    """Lower case one character at a time, keeping the length (`_` counts characters, and
    `str.lower` turns a few characters, such as 'İ', into two)."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _fits_at(text: str, piece: tuple[str | None, ...], at: int) -> bool:
    return all(p is ANY_ONE or text[at + k] == p for k, p in enumerate(piece))


def _earliest_fit(text: str, piece: tuple[str | None, ...], start: int, end: int) -> int:
    """The first position in [start, end] where `piece` fits wholly before `end`, or -1."""
    if not piece:
        return start
    limit = end - len(piece)
    if ANY_ONE not in piece:  # plain text: let str.find do it
        return text.find("".join(p for p in piece if p is not None), start, end)
    for at in range(start, limit + 1):
        if _fits_at(text, piece, at):
            return at
    return -1


__all__ = ["LikePattern", "compile_like", "like"]

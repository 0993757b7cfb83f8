"""SOSL: `FIND {terms} [IN ... FIELDS] [RETURNING Object(fields ...), ...] [LIMIT n]`.

The search expression inside the braces is words and "quoted phrases" joined by AND, OR and
AND NOT (side by side means AND), with parentheses; `*` stands for any characters and `?`
for one, within a word. A word is matched against the words of the searched text fields,
ignoring case, so `acme` finds "Acme Corp" and `jane@acme.com` finds that address. The
characters that are operators of the search syntax must be escaped with a backslash to be
searched for; an unescaped one, a bad escape or a one-letter word is MALFORMED_SEARCH.

Each RETURNING clause is an ordinary SOQL select over its object (fields, WHERE, ORDER BY,
LIMIT, OFFSET), run over the records the terms matched; the route builds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from mocks.like import LikePattern, compile_like
from mocks.salesforce.query.lexer import SoqlError, Token, tokenize
from mocks.salesforce.schema import STRING_TYPES, FieldDef, SObjectDef

Scope = Literal["ALL", "NAME", "EMAIL", "PHONE"]
# Reserved in the search syntax: escape them to search for them. `*`, `?`, `"`, `(` and `)`
# are the syntax's own operators; `-` and `'` are searched as word breaks.
_MUST_ESCAPE = frozenset("&|!{}[]^~:+")
_ESCAPABLE = _MUST_ESCAPE | frozenset("?*()\\\"'-")
_WORD = re.compile(r"[\w*?]+")
_TEXT_WORD = re.compile(r"\w+")
DEFAULT_LIMIT = 2000


def search_error(detail: str) -> SoqlError:
    return SoqlError("MALFORMED_SEARCH", detail)


@dataclass(frozen=True)
class Phrase:
    """Consecutive words, each a LIKE-style pattern (`*` and `?` translated)."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Op:
    op: Literal["AND", "OR", "AND NOT"]
    left: Term
    right: Term


Term = Phrase | Op


@dataclass(frozen=True)
class Returning:
    sobject: str
    soql: str  # `SELECT <fields> FROM <object> <clauses>`


@dataclass(frozen=True)
class Search:
    term: Term
    scope: Scope
    returning: tuple[Returning, ...]  # empty: every searchable object, ids only
    limit: int


def _phrase(text: str) -> Phrase:
    words = []
    for word in _WORD.findall(text.casefold()):
        pattern = word.replace("%", "\\%").replace("_", "\\_").replace("*", "%").replace("?", "_")
        words.append(pattern)
    if not words:
        raise search_error(f"search term must be longer than one character: {text}")
    return Phrase(tuple(words))


def _lex_terms(body: str) -> list[str | Phrase]:
    """Words and phrases as `Phrase`, operators and parentheses as strings."""
    out: list[str | Phrase] = []
    word: list[str] = []

    def flush() -> None:
        if word:
            text = "".join(word)
            out.append(text.upper() if text.upper() in ("AND", "OR", "NOT") else _phrase(text))
            word.clear()

    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1 : i + 2]
            if nxt not in _ESCAPABLE or not nxt:
                raise search_error(f"Invalid escape sequence in search term: \\{nxt}")
            word.append(" ")  # searched for as itself: a break between words
            i += 2
            continue
        if ch in _MUST_ESCAPE:
            raise search_error(
                f"reserved character '{ch}' in the search term must be escaped with a backslash"
            )
        if ch.isspace() or ch in '()"':
            flush()
            if ch == '"':
                end = body.find('"', i + 1)
                if end < 0:
                    raise search_error("unterminated quoted phrase in the search term")
                out.append(_phrase(body[i + 1 : end]))
                i = end + 1
                continue
            if ch in "()":
                out.append(ch)
        else:
            word.append(ch)
        i += 1
    flush()
    return out


class _TermParser:
    def __init__(self, items: list[str | Phrase]) -> None:
        self.items = items
        self.i = 0

    def peek(self) -> str | Phrase | None:
        return self.items[self.i] if self.i < len(self.items) else None

    def parse(self) -> Term:
        term = self.disjunction()
        if self.peek() is not None:
            raise search_error(f"unexpected token in search term: {self.peek()}")
        return term

    def disjunction(self) -> Term:
        term = self.conjunction()
        while self.peek() == "OR":
            self.i += 1
            term = Op("OR", term, self.conjunction())
        return term

    def conjunction(self) -> Term:
        term = self.atom()
        while (nxt := self.peek()) is not None and nxt not in ("OR", ")"):
            op: Literal["AND", "AND NOT"] = "AND"
            if nxt == "AND":
                self.i += 1
                if self.peek() == "NOT":
                    self.i += 1
                    op = "AND NOT"
            term = Op(op, term, self.atom())
        return term

    def atom(self) -> Term:
        item = self.peek()
        self.i += 1
        if isinstance(item, Phrase):
            return item
        if item == "(":
            inner = self.disjunction()
            if self.peek() != ")":
                raise search_error("missing ')' in the search term")
            self.i += 1
            return inner
        raise search_error(f"unexpected token in search term: {item or '<EOF>'}")


_SCOPES: dict[str, Scope] = {"ALL": "ALL", "NAME": "NAME", "EMAIL": "EMAIL", "PHONE": "PHONE"}
_CLAUSES = ("WHERE", "ORDER", "LIMIT", "OFFSET")


def _braced(source: str) -> tuple[str, str]:
    """The text between `FIND {` and its closing brace, and what follows it."""
    match = re.match(r"\s*FIND\s*\{", source, re.IGNORECASE)
    if match is None:
        raise search_error("No search term found. The search term must be enclosed in braces.")
    i = match.end()
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "}":
            return source[match.end() : i], source[i + 1 :]
        i += 1
    raise search_error("No search term found. The search term must be enclosed in braces.")


def _returning(rest: str, start: int, tokens: list[Token], stop: int) -> tuple[Returning, int]:
    """One `Object[(fields [clauses])]` of RETURNING, from token `start`; the next index."""
    obj = tokens[start]
    if obj.kind != "ident":
        raise search_error(f"unexpected token: {obj.text}")
    i = start + 1
    if i < stop and tokens[i].text == "(":
        depth, j = 0, i
        while j < stop:
            depth += {"(": 1, ")": -1}.get(tokens[j].text, 0) if tokens[j].kind == "punct" else 0
            if depth == 0:
                break
            j += 1
        if j >= stop:
            raise search_error("missing ')' in RETURNING")
        inner = rest[tokens[i].pos + 1 : tokens[j].pos]
        cut = next((t.pos - tokens[i].pos - 1 for t in tokens[i + 1 : j]
                    if t.is_kw(*_CLAUSES)), len(inner))  # fmt: skip
        fields, clauses = inner[:cut].strip() or "Id", inner[cut:]
        return Returning(obj.text, f"SELECT {fields} FROM {obj.text} {clauses}"), j + 1
    return Returning(obj.text, f"SELECT Id FROM {obj.text}"), i


def parse_terms(text: str) -> Term:
    """The search expression alone (what goes between the braces). One letter alone (or
    with wildcards) is no search; inside a longer term a one-letter word is kept."""
    if len(re.sub(r"[\s*?\"()\\]", "", text)) < 2:
        raise search_error(f"search term must be longer than one character: {text.strip()}")
    return _TermParser(_lex_terms(text)).parse()


def parse_search(source: str) -> Search:
    """Parse a SOSL statement or raise `SoqlError` (MALFORMED_SEARCH)."""
    body, rest = _braced(source)
    term = parse_terms(body)
    tokens = tokenize(rest)
    i, scope = 0, "ALL"
    if tokens[i].is_kw("IN"):
        if not (tokens[i + 1].text.upper() in _SCOPES and tokens[i + 2].is_kw("FIELDS")):
            raise search_error(f"unexpected token: {tokens[i + 1].text}")
        scope, i = tokens[i + 1].text.upper(), i + 3
    returning: list[Returning] = []
    stop = next((k for k in range(i, len(tokens)) if tokens[k].is_kw("LIMIT")), len(tokens) - 1)
    if tokens[i].is_kw("RETURNING"):
        i += 1
        while True:
            spec, i = _returning(rest, i, tokens, stop)
            returning.append(spec)
            if tokens[i].text != ",":
                break
            i += 1
    limit = DEFAULT_LIMIT
    if tokens[i].is_kw("LIMIT"):
        value = tokens[i + 1]
        if value.kind != "number" or not isinstance(value.value, int) or value.value < 1:
            raise search_error(f"unexpected token: {value.text}")
        limit, i = min(value.value, DEFAULT_LIMIT), i + 2
    if tokens[i].kind != "eof":
        raise search_error(f"unexpected token: {tokens[i].text}")
    return Search(term, _SCOPES[scope], tuple(returning), limit)


def searched_fields(sobject: SObjectDef, scope: Scope) -> tuple[FieldDef, ...]:
    """The text fields a scope searches on `sobject`."""
    text = [fd for fd in sobject.fields if fd.type in STRING_TYPES]
    if scope == "NAME":
        parts = set(sobject.compound_name[1]) if sobject.compound_name else set()
        return tuple(fd for fd in text if fd.name_field or fd.name in parts)
    if scope == "EMAIL":
        return tuple(fd for fd in text if fd.type == "email")
    if scope == "PHONE":
        return tuple(fd for fd in text if fd.type == "phone")
    return tuple(text)


class Matcher:
    """Whether a record's searched fields satisfy the search term."""

    def __init__(self, term: Term) -> None:
        self.term = term
        self._patterns: dict[str, LikePattern] = {}

    def _like(self, pattern: str) -> LikePattern:
        found = self._patterns.get(pattern)
        if found is None:
            found = compile_like(pattern, ignore_case=True, backslash_escapes=True)
            self._patterns[pattern] = found
        return found

    def _phrase_in(self, phrase: Phrase, words: list[str]) -> bool:
        likes = [self._like(p) for p in phrase.words]
        span = len(likes)
        return any(
            all(like.matches(words[k + n]) for n, like in enumerate(likes))
            for k in range(len(words) - span + 1)
        )

    def matches_values(self, values: list[object]) -> bool:
        """Whether the searched fields' `values` satisfy the term. A substring test on the
        whole text first rules most records out before any value is split into words."""
        text = "\n".join(str(v).casefold() for v in values if v is not None)
        if not text or not self._may_match(text, self.term):
            return False
        return self.matches([words_of(v) for v in values])

    def _may_match(self, text: str, term: Term) -> bool:
        """A necessary condition: each phrase's first word's fixed start occurs in `text`."""
        if isinstance(term, Phrase):
            head = re.split(r"(?<!\\)[%_]", term.words[0], maxsplit=1)[0].replace("\\", "")
            return head in text
        left = self._may_match(text, term.left)
        if term.op == "OR":
            return left or self._may_match(text, term.right)
        if term.op == "AND":
            return left and self._may_match(text, term.right)
        return left

    def matches(self, texts: list[list[str]], term: Term | None = None) -> bool:
        """`texts`: the words of each searched field value, folded."""
        term = term or self.term
        if isinstance(term, Phrase):
            return any(self._phrase_in(term, words) for words in texts)
        left = self.matches(texts, term.left)
        if term.op == "OR":
            return left or self.matches(texts, term.right)
        if term.op == "AND":
            return left and self.matches(texts, term.right)
        return left and not self.matches(texts, term.right)


def words_of(value: object) -> list[str]:
    return _TEXT_WORD.findall(str(value).casefold()) if value is not None else []


__all__ = [
    "DEFAULT_LIMIT", "Matcher", "Returning", "Scope", "Search", "parse_search", "parse_terms",
    "searched_fields", "words_of",
]  # fmt: skip

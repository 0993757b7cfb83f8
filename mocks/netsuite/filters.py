"""The record list's `q` parameter: `field OPERATOR value` conditions joined by AND / OR.

AND binds tighter than OR. Values are "double-quoted", 'single-quoted', bare words or
`[a, b]` lists (for ANY_OF). Text comparisons ignore case. Date operands are ISO dates or
times, or dates in the user's date preference; a date without a time compares by day (UTC).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mocks.netsuite.dates import parse_loose, second
from mocks.netsuite.errors import NetSuiteError, invalid_parameter
from mocks.netsuite.render import timestamp
from mocks.netsuite.schema import FieldSpec, RecordSpec
from mocks.store import StoredRecord

Predicate = Callable[[StoredRecord], bool]

_TOKEN = re.compile(
    r"""\s*(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>[^']*)'|\[(?P<list>[^\]]*)\]|(?P<word>[^\s\[\]"']+))"""
)
_NO_VALUE = {"EMPTY", "EMPTY_NOT"}
_EQUALITY = {"EQUAL", "IS", "EQUAL_NOT", "IS_NOT", "ANY_OF", "ANY_OF_NOT"}
_TEXT = _EQUALITY | {"START_WITH", "START_WITH_NOT", "CONTAIN", "CONTAIN_NOT"} | _NO_VALUE
_NUMBER = _EQUALITY | {"GREATER", "GREATER_OR_EQUAL", "LESS", "LESS_OR_EQUAL"} | _NO_VALUE
_DATE = {"AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE", "EQUAL", "IS"} | _NO_VALUE
OPERATORS: dict[str, set[str]] = {
    "string": _TEXT,
    "country": _TEXT,
    "id": _NUMBER,
    "number": _NUMBER,
    "boolean": {"IS", "EQUAL", "IS_NOT", "EQUAL_NOT"},
    "ref": _EQUALITY | _NO_VALUE,
    "datetime": _DATE,
    "date": _DATE,
}


def _error(message: str) -> NetSuiteError:
    return invalid_parameter(f"Invalid value for query parameter 'q': {message}", "q")


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _error(f"cannot read {text[pos:]!r}.")
        kind = m.lastgroup or "word"
        raw = m.group(kind)
        if kind == "list":
            items = [v.strip().strip("\"'") for v in raw.split(",") if v.strip()]
            out.append(("list", items))
        else:
            out.append(("word" if kind == "word" else "str", raw))
        pos = m.end()
    return out


def parse_q(text: str, spec: RecordSpec, date_format: str) -> Predicate:
    """Compile `q` into a predicate over stored records of `spec`."""
    tokens = _tokens(text)
    groups: list[list[Predicate]] = [[]]
    i = 0
    while True:
        if i + 1 >= len(tokens):
            raise _error("expected 'field OPERATOR value'.")
        field = spec.field_ci(str(tokens[i][1]))
        if field is None or field.kind not in OPERATORS:
            raise _error(f"unknown or unfilterable field {tokens[i][1]!r}.")
        op = str(tokens[i + 1][1]).upper()
        if op not in OPERATORS[field.kind]:
            raise _error(f"operator {op} is not valid for field {field.name}.")
        i += 2
        value: Any = None
        if op not in _NO_VALUE:
            if i >= len(tokens):
                raise _error(f"operator {op} needs a value.")
            value = tokens[i][1]
            i += 1
        groups[-1].append(_condition(field, op, value, date_format))
        if i >= len(tokens):
            break
        joiner = str(tokens[i][1]).upper()
        if joiner == "OR":
            groups.append([])
        elif joiner != "AND":
            raise _error(f"expected AND or OR, found {tokens[i][1]!r}.")
        i += 1
    return lambda rec: any(all(p(rec) for p in group) for group in groups)


def _field_value(field: FieldSpec, rec: StoredRecord) -> Any:
    if field.kind == "id":
        return int(rec.id) if rec.id.isdigit() else rec.id
    if field.kind == "datetime":
        when = timestamp(rec, field.name)
        return None if when is None else second(when)
    value = rec.fields.get(field.name)
    if field.kind == "date" and value:
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
    return None if value == "" else value


def _condition(field: FieldSpec, op: str, value: Any, date_format: str) -> Predicate:
    if op in _NO_VALUE:
        want_empty = op == "EMPTY"
        return lambda rec: (_field_value(field, rec) is None) == want_empty
    negate = op.endswith("_NOT")
    base = op.removesuffix("_NOT")
    raw_values = value if isinstance(value, list) else [value]
    if field.kind in ("datetime", "date"):
        test = _date_test(base, str(value), date_format)
    else:
        operands = [_coerce(field, str(v)) for v in raw_values]
        test = _value_test(field, base, operands)

    def predicate(rec: StoredRecord) -> bool:
        actual = _field_value(field, rec)
        return (actual is not None and test(actual)) != negate

    return predicate


def _coerce(field: FieldSpec, text: str) -> Any:
    if field.kind in ("id", "number"):
        try:
            return float(text)
        except ValueError:
            raise _error(f"{text!r} is not a number (field {field.name}).") from None
    if field.kind == "boolean":
        lowered = text.lower()
        if lowered not in ("true", "false", "t", "f"):
            raise _error(f"{text!r} is not a boolean (field {field.name}).")
        return lowered in ("true", "t")
    return text if field.kind == "ref" else text.lower()


def _value_test(field: FieldSpec, op: str, operands: list[Any]) -> Callable[[Any], bool]:
    first = operands[0]
    if field.kind in ("string", "country"):
        if op == "START_WITH":
            return lambda v: str(v).lower().startswith(first)
        if op == "CONTAIN":
            return lambda v: first in str(v).lower()
        return lambda v: str(v).lower() in operands
    if field.kind in ("id", "number"):
        compare: dict[str, Callable[[float], bool]] = {
            "GREATER": lambda v: v > first,
            "GREATER_OR_EQUAL": lambda v: v >= first,
            "LESS": lambda v: v < first,
            "LESS_OR_EQUAL": lambda v: v <= first,
        }
        return compare.get(op, lambda v: v in operands)
    if field.kind == "ref":
        return lambda v: str(v) in operands
    return lambda v: v == first


def _date_test(op: str, text: str, date_format: str) -> Callable[[datetime], bool]:
    moment = parse_loose(text, date_format)
    if moment is None:
        raise _error(f"{text!r} is not a date; use {date_format} or ISO 8601.")
    if ":" not in text:  # a day: compare calendar dates
        day = moment.date()
        by_day: dict[str, Callable[[datetime], bool]] = {
            "AFTER": lambda v: v.date() > day,
            "BEFORE": lambda v: v.date() < day,
            "ON_OR_AFTER": lambda v: v.date() >= day,
            "ON_OR_BEFORE": lambda v: v.date() <= day,
        }
        return by_day.get(op, lambda v: v.date() == day)
    at = second(moment)
    by_time: dict[str, Callable[[datetime], bool]] = {
        "AFTER": lambda v: v > at,
        "BEFORE": lambda v: v < at,
        "ON_OR_AFTER": lambda v: v >= at,
        "ON_OR_BEFORE": lambda v: v <= at,
    }
    return by_time.get(op, lambda v: v == at)

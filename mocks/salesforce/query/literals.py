"""SOQL literals: checked against the field's type and turned into comparable values, and
the comparison of one (folded) field value against one operand.

Date literals such as `TODAY` and `LAST_N_DAYS:n` stand for whole UTC days, so they become a
half-open range that `=`, `<`, `>` and the rest compare against as Salesforce does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from mocks.salesforce.ids import InvalidId, normalize_id
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.soql import Value
from mocks.salesforce.query.sort import fold
from mocks.salesforce.records import parse_datetime
from mocks.salesforce.schema import NUMBER_TYPES, STRING_TYPES, FieldDef

ErrorFor = Callable[[str, str, int], SoqlError]


def _type_name(fd: FieldDef) -> str:
    if fd.type in STRING_TYPES:
        return "string"
    if fd.type in NUMBER_TYPES:
        return "integer" if fd.type == "int" else "double"
    return {"id": "id", "reference": "id", "datetime": "dateTime"}.get(fd.type, fd.type)


def _relative_days(name: str, n: int | None, today: date) -> tuple[date, date]:
    """The half-open day range [start, end) a date literal stands for."""
    one = timedelta(days=1)
    if name == "TODAY":
        return today, today + one
    if name == "YESTERDAY":
        return today - one, today
    if name == "TOMORROW":
        return today + one, today + 2 * one
    if name == "LAST_N_DAYS":
        return today - (n or 0) * one, today + one
    return today + one, today + (1 + (n or 0)) * one  # NEXT_N_DAYS


def literal_operand(fd: FieldDef, lit: Value, today: date, error: ErrorFor) -> Any:
    """The literal as a comparable value, a (start, end) range for date literals, or None."""
    if lit.kind == "null":
        return None
    kind = lit.kind
    ok = {
        "string": kind == "string" and fd.type in STRING_TYPES | {"id", "reference"},
        "number": kind == "number" and fd.type in NUMBER_TYPES,
        "boolean": kind == "boolean" and fd.type == "boolean",
        "date": kind == "date" and fd.type == "date",
        "datetime": kind == "datetime" and fd.type == "datetime",
        "relative": kind == "relative" and fd.type in ("date", "datetime"),
    }[kind]
    if not ok:
        quoted = "should" if _type_name(fd) in ("string", "id") else "should not"
        raise error(
            "INVALID_FIELD",
            f"value of filter criterion for field '{fd.name}' must be of type "
            f"{_type_name(fd)} and {quoted} be enclosed in quotes",
            lit.pos,
        )
    if kind == "string" and fd.type in ("id", "reference"):
        try:
            return normalize_id(lit.value)
        except InvalidId:
            raise error(
                "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {lit.value}", lit.pos
            ) from None
    if kind == "string":
        return fold(fd)(lit.value)
    if kind == "date":
        return date.fromisoformat(lit.value)
    if kind == "datetime":
        return parse_datetime(lit.value)
    if kind == "relative":
        name, n = lit.value
        start, end = _relative_days(name, n, today)
        if fd.type == "date":
            return (start, end)
        return (datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC))
    return lit.value


def value_test(op: str, operand: Any) -> Callable[[Any], bool]:
    """A check of one (already folded) field value against one operand."""
    if isinstance(operand, tuple):
        lo, hi = operand
        return {
            "=": lambda v: v is not None and lo <= v < hi,
            "!=": lambda v: v is None or not lo <= v < hi,
            "<": lambda v: v is not None and v < lo,
            "<=": lambda v: v is not None and v < hi,
            ">": lambda v: v is not None and v >= hi,
            ">=": lambda v: v is not None and v >= lo,
        }[op]
    if operand is None:
        return {"=": lambda v: v is None, "!=": lambda v: v is not None}.get(op, lambda v: False)
    return {
        "=": lambda v: v is not None and v == operand,
        "!=": lambda v: v is None or v != operand,
        "<": lambda v: v is not None and v < operand,
        "<=": lambda v: v is not None and v <= operand,
        ">": lambda v: v is not None and v > operand,
        ">=": lambda v: v is not None and v >= operand,
    }[op]


def membership_test(operands: list[Any]) -> Callable[[Any], bool] | None:
    """`IN (operands)` over one (already folded) field value as a set lookup: what testing
    `=` against each operand in turn answers, in one step. None when an operand is null or a
    date range (those keep their own tests). A value that cannot be hashed is compared one
    operand at a time, as before; hashing agrees with `==` for every value a field holds."""
    if any(operand is None or isinstance(operand, tuple) for operand in operands):
        return None
    try:
        members = frozenset(operands)
    except TypeError:
        return None

    def test(value: Any) -> bool:
        if value is None:
            return False
        try:
            return value in members
        except TypeError:
            return any(value == operand for operand in operands)

    return test


__all__ = ["ErrorFor", "literal_operand", "membership_test", "value_test"]

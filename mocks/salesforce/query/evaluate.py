"""Binding a parsed SOQL query to the schema, then filtering, sorting and slicing records.

Salesforce semantics kept here: text comparisons and sorting ignore case; `!=` and `NOT IN`
match nulls; nulls sort first unless `NULLS LAST`; id literals may be 15 or 18 characters;
literals must have the field's type (quoted text, unquoted numbers, dates and datetimes);
date literals such as `TODAY` and `LAST_N_DAYS:n` stand for whole UTC days.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from mocks.salesforce.ids import InvalidId, normalize_id
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.soql import Comparison, Condition, FieldRef, Query, Value, parse
from mocks.salesforce.query.sort import fold as _fold
from mocks.salesforce.query.sort import sort_rows
from mocks.salesforce.records import parse_datetime
from mocks.salesforce.schema import NUMBER_TYPES, STRING_TYPES, FieldDef, SObjectDef, get_sobject
from mocks.store import StoredRecord

GetterFor = Callable[[FieldDef], Callable[[StoredRecord], Any]]
Predicate = Callable[[StoredRecord], bool]
MAX_OFFSET = 2000
_SUFFIX_HINT = (
    "If you are attempting to use a custom {what}, be sure to append the '__c' after the"
    " custom {what} name. Please reference your WSDL or the describe call for the appropriate"
    " names."
)


def _type_name(fd: FieldDef) -> str:
    if fd.type in STRING_TYPES:
        return "string"
    if fd.type in NUMBER_TYPES:
        return "integer" if fd.type == "int" else "double"
    return {"id": "id", "reference": "id", "datetime": "dateTime"}.get(fd.type, fd.type)


def _like_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and pattern[i + 1 : i + 2] in ("%", "_"):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


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


@dataclass(frozen=True)
class ChildQuery:
    """A child subquery bound to its relationship: rows are the child records whose
    `parent_field` holds the parent's id."""

    relationship: str
    parent_field: FieldDef
    query: BoundQuery


@dataclass
class BoundQuery:
    """A query checked against the schema, ready to run over any records of its object."""

    sobject: SObjectDef
    fields: tuple[FieldDef, ...]
    count: bool
    predicate: Predicate | None
    order: tuple[tuple[FieldDef, bool, bool], ...]
    limit: int | None
    offset: int | None
    getter_for: GetterFor
    children: tuple[ChildQuery, ...] = ()

    def run(self, records: Iterable[StoredRecord]) -> list[StoredRecord]:
        pred = self.predicate
        rows = [r for r in records if pred(r)] if pred else list(records)
        sort_rows(rows, self.order, self.getter_for)
        start = self.offset or 0
        end = None if self.limit is None else start + self.limit
        return rows[start:end]


class _Binder:
    def __init__(self, query: Query, sobject: SObjectDef, now: datetime, getter_for: GetterFor):
        self.query = query
        self.sobject = sobject
        self.today = now.astimezone(UTC).date()
        self.getter_for = getter_for

    def error(self, code: str, detail: str, pos: int) -> SoqlError:
        return SoqlError(code, detail, self.query.source, pos)

    def field(self, ref: FieldRef) -> FieldDef:
        if "." in ref.name:
            head = ref.name.split(".", 1)[0]
            raise self.error(
                "INVALID_FIELD",
                f"Didn't understand relationship '{head}' in field path. "
                + _SUFFIX_HINT.format(what="relationship").replace("'__c'", "'__r'"),
                ref.pos,
            )
        fd = self.sobject.field(ref.name)
        if fd is None:
            raise self.error(
                "INVALID_FIELD",
                f"No such column '{ref.name}' on entity '{self.sobject.name}'. "
                + _SUFFIX_HINT.format(what="field"),
                ref.pos,
            )
        return fd

    def operand(self, fd: FieldDef, lit: Value) -> Any:
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
            raise self.error(
                "INVALID_FIELD",
                f"value of filter criterion for field '{fd.name}' must be of type "
                f"{_type_name(fd)} and {quoted} be enclosed in quotes",
                lit.pos,
            )
        if kind == "string" and fd.type in ("id", "reference"):
            try:
                return normalize_id(lit.value)
            except InvalidId:
                raise self.error(
                    "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {lit.value}", lit.pos
                ) from None
        if kind == "string":
            return lit.value.casefold()
        if kind == "date":
            return date.fromisoformat(lit.value)
        if kind == "datetime":
            return parse_datetime(lit.value)
        if kind == "relative":
            name, n = lit.value
            start, end = _relative_days(name, n, self.today)
            if fd.type == "date":
                return (start, end)
            return (datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC))
        return lit.value

    def test(self, fd: FieldDef, op: str, operand: Any) -> Callable[[Any], bool]:
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
            return {"=": lambda v: v is None, "!=": lambda v: v is not None}.get(
                op, lambda v: False
            )
        return {
            "=": lambda v: v is not None and v == operand,
            "!=": lambda v: v is None or v != operand,
            "<": lambda v: v is not None and v < operand,
            "<=": lambda v: v is not None and v <= operand,
            ">": lambda v: v is not None and v > operand,
            ">=": lambda v: v is not None and v >= operand,
        }[op]

    def comparison(self, cmp: Comparison) -> Predicate:
        fd = self.field(cmp.field)
        if not fd.filterable:
            raise self.error(
                "INVALID_FIELD", f"field '{fd.name}' can not be filtered in query call",
                cmp.field.pos,
            )  # fmt: skip
        get, fold = self.getter_for(fd), _fold(fd)

        def folded(rec: StoredRecord) -> Any:
            value = get(rec)
            return None if value is None else fold(value)

        if cmp.op == "LIKE":
            lit = cmp.values[0]
            if fd.type not in STRING_TYPES or lit.kind != "string":
                raise self.error("INVALID_FIELD", f"invalid operator on field: {fd.name}", lit.pos)
            regex = _like_regex(lit.value)
            return lambda rec: (v := get(rec)) is not None and bool(regex.fullmatch(v))
        if cmp.op in ("IN", "NOT IN"):
            tests = [self.test(fd, "=", self.operand(fd, lit)) for lit in cmp.values]
            if cmp.op == "IN":
                return lambda rec: any(t(v) for v in (folded(rec),) for t in tests)
            return lambda rec: not any(t(v) for v in (folded(rec),) for t in tests)
        check = self.test(fd, cmp.op, self.operand(fd, cmp.values[0]))
        return lambda rec: check(folded(rec))

    def condition(self, cond: Condition) -> Predicate:
        if isinstance(cond, Comparison):
            return self.comparison(cond)
        parts = [self.condition(item) for item in cond.items]
        if cond.op == "NOT":
            inner = parts[0]
            return lambda rec: not inner(rec)
        if cond.op == "AND":
            return lambda rec: all(p(rec) for p in parts)
        return lambda rec: any(p(rec) for p in parts)


def compile_query(source: str, *, now: datetime, getter_for: GetterFor) -> BoundQuery:
    """Parse and bind `source`; raise `SoqlError` with Salesforce's code and message."""
    query = parse(source)
    sobject = get_sobject(query.sobject)
    if sobject is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"sObject type '{query.sobject}' is not supported. "
            + _SUFFIX_HINT.format(what="object").replace("custom object name", "entity name"),
            source,
            query.sobject_pos,
        )
    return _bind(query, sobject, now, getter_for)


def _child(parent: SObjectDef, sub: Query, now: datetime, getter_for: GetterFor) -> ChildQuery:
    found = next((c for c in parent.children if c[0].lower() == sub.sobject.lower()), None)
    child = get_sobject(found[1]) if found else None
    if found is None or child is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"Didn't understand relationship '{sub.sobject}' in FROM part of query call. "
            + _SUFFIX_HINT.format(what="relationship").replace("'__c'", "'__r'"),
            sub.source,
            sub.sobject_pos,
        )
    parent_field = child.field(found[2])
    assert parent_field is not None
    return ChildQuery(found[0], parent_field, _bind(sub, child, now, getter_for))


def _bind(query: Query, sobject: SObjectDef, now: datetime, getter_for: GetterFor) -> BoundQuery:
    binder = _Binder(query, sobject, now, getter_for)
    fields: list[FieldDef] = []
    for ref in query.fields:
        fd = binder.field(ref)
        if fd in fields:
            raise binder.error("MALFORMED_QUERY", f"duplicate field selected: {fd.name}", ref.pos)
        fields.append(fd)
    order = []
    for item in query.order_by:
        fd = binder.field(item.field)
        if not fd.sortable:
            raise binder.error(
                "INVALID_FIELD", f"field '{fd.name}' can not be sorted in a query call",
                item.field.pos,
            )  # fmt: skip
        order.append((fd, item.descending, item.nulls_last))
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise SoqlError(
            "NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}"
        )
    predicate = binder.condition(query.where) if query.where is not None else None
    children = tuple(_child(sobject, sub, now, getter_for) for sub in query.subqueries)
    return BoundQuery(
        sobject, tuple(fields), query.count, predicate, tuple(order), query.limit, query.offset,
        getter_for, children,
    )  # fmt: skip

"""Binding a parsed SOQL query to the schema, then filtering, sorting and slicing records.

Salesforce semantics kept here: text comparisons and sorting ignore case; `!=` and `NOT IN`
match nulls; nulls sort first unless `NULLS LAST`; id literals may be 15 or 18 characters;
literals must have the field's type (quoted text, unquoted numbers, dates and datetimes,
see `literals`); a field may be a parent path (`Account.Owner.Name`, see `paths`), read
through the records given as `records`; `Id IN (SELECT AccountId FROM Contact)` is a
semi-join over the same records. Aggregate queries bind through `aggregate`, the select list
of the others (FIELDS() included) through `select`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mocks.like import compile_like
from mocks.salesforce.query.aggregate import (
    Grouping,
    bind_grouping,
    check_clauses,
    is_aggregate_query,
)
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.literals import literal_operand, membership_test, value_test
from mocks.salesforce.query.paths import (
    FieldPath,
    Getter,
    PathError,
    Source,
    path_getter,
    resolve_path,
)
from mocks.salesforce.query.plan import Seek, find_seek
from mocks.salesforce.query.select import select_paths
from mocks.salesforce.query.soql import (
    Aggregate,
    Comparison,
    Condition,
    FieldRef,
    Query,
    Value,
    parse,
)
from mocks.salesforce.query.sort import SortKey, sort_rows
from mocks.salesforce.query.sort import fold as _fold
from mocks.salesforce.schema import STRING_TYPES, FieldDef, SObjectDef, get_sobject
from mocks.store import StoredRecord

GetterFor = Callable[[FieldDef], Callable[[StoredRecord], Any]]
Predicate = Callable[[Any], bool]
KeyOf = Callable[[FieldRef | Aggregate], tuple[FieldDef, str]]
MAX_OFFSET = 2000
_SUFFIX_HINT = (
    "If you are attempting to use a custom {what}, be sure to append the '__c' after the"
    " custom {what} name. Please reference your WSDL or the describe call for the appropriate"
    " names."
)


@dataclass(frozen=True)
class ChildQuery:
    """A child subquery bound to its relationship: rows are the child records whose
    `parent_field` holds the parent's id."""

    relationship: str
    parent_field: FieldDef
    query: BoundQuery


@dataclass
class BoundQuery:
    """A query checked against the schema, ready to run over any records of its object.

    `fields` are the selected fields of the object itself; `paths` is the whole select list
    in order, parent fields (`Account.Name`) included; `grouping` is set for an aggregate
    query, whose rows come from `aggregate`."""

    sobject: SObjectDef
    fields: tuple[FieldDef, ...]
    count: bool
    predicate: Predicate | None
    order: tuple[SortKey, ...]
    limit: int | None
    offset: int | None
    getter_for: GetterFor
    children: tuple[ChildQuery, ...] = ()
    paths: tuple[FieldPath, ...] = ()
    grouping: Grouping | None = None
    objects: frozenset[str] = frozenset()  # every object the query reads
    seek: Seek | None = None  # the equality an index can serve (`plan.query_rows`)

    @property
    def has_parents(self) -> bool:
        return any(p.steps for p in self.paths)

    def run(self, records: Iterable[StoredRecord]) -> list[StoredRecord]:
        pred = self.predicate
        rows = [r for r in records if pred(r)] if pred else list(records)
        if self.grouping is not None:
            return rows  # grouping sorts and slices its own rows
        sort_rows(rows, self.order)
        start = self.offset or 0
        end = None if self.limit is None else start + self.limit
        return rows[start:end]

    def aggregate(self, records: Iterable[StoredRecord]) -> list[dict[str, Any]]:
        """The `AggregateResult` rows of an aggregate query over `records`."""
        assert self.grouping is not None
        return self.grouping.run(self.run(records))


class _Binder:
    def __init__(
        self,
        query: Query,
        sobject: SObjectDef,
        now: datetime,
        getter_for: GetterFor,
        source: Source | None,
    ) -> None:
        self.query = query
        self.sobject = sobject
        self.now = now
        self.today = now.astimezone(UTC).date()
        self.getter_for = getter_for
        self.source = source
        self.objects: set[str] = {sobject.name}

    def error(self, code: str, detail: str, pos: int) -> SoqlError:
        return SoqlError(code, detail, self.query.source, pos)

    def resolve(self, ref: FieldRef) -> FieldPath:
        try:
            path = resolve_path(self.sobject, ref.name)
        except PathError as exc:
            hint = ""
            if exc.detail.startswith("Didn't understand"):
                hint = " " + _SUFFIX_HINT.format(what="relationship").replace("'__c'", "'__r'")
            elif exc.detail.startswith("No such column"):
                hint = " " + _SUFFIX_HINT.format(what="field")
            raise self.error(exc.code, exc.detail + hint, ref.pos) from None
        self.objects |= path.objects
        return path

    def field(self, ref: FieldRef) -> FieldDef:
        return self.resolve(ref).leaf

    def getter(self, path: FieldPath) -> Getter:
        try:
            return path_getter(path, self.getter_for, self.source)
        except PathError as exc:
            raise self.error(exc.code, exc.detail, 0) from None

    def operand(self, fd: FieldDef, lit: Value) -> Any:
        return literal_operand(fd, lit, self.today, self.error)

    def test(self, fd: FieldDef, op: str, operand: Any) -> Callable[[Any], bool]:
        return value_test(op, operand)

    def where_key(self, item: FieldRef | Aggregate) -> tuple[FieldDef, Getter]:
        if isinstance(item, Aggregate):
            raise self.error("MALFORMED_QUERY", "Aggregate functions are not allowed in a"
                             " WHERE clause; use HAVING", item.pos)  # fmt: skip
        path = self.resolve(item)
        return path.leaf, self.getter(path)

    def comparison(self, cmp: Comparison) -> Predicate:
        fd, get = self.where_key(cmp.field)
        pos = cmp.field.pos
        if not fd.filterable:
            raise self.error(
                "INVALID_FIELD", f"field '{fd.name}' can not be filtered in query call", pos
            )
        if cmp.subquery is not None:
            return self.semi_join(fd, get, cmp)
        return self.match(fd, get, cmp)

    def match(self, fd: FieldDef, get: Callable[[Any], Any], cmp: Comparison) -> Predicate:
        """`cmp` over the value `get` reads, of type `fd`."""
        fold = _fold(fd)

        def folded(rec: Any) -> Any:
            value = get(rec)
            return None if value is None else fold(value)

        if cmp.op == "LIKE":
            lit = cmp.values[0]
            if fd.type not in STRING_TYPES or lit.kind != "string":
                raise self.error("INVALID_FIELD", f"invalid operator on field: {fd.name}", lit.pos)
            # Linear in the value, whatever the pattern: a regex of `.*` backtracks for
            # minutes on a few hundred `%` (issue #13).
            pattern = compile_like(lit.value, ignore_case=True, backslash_escapes=True)
            return lambda rec: (v := get(rec)) is not None and pattern.matches(v)
        if cmp.op in ("IN", "NOT IN"):
            operands = [self.operand(fd, lit) for lit in cmp.values]
            member = membership_test(operands)
            if member is not None:  # one set lookup a row, not one test per value
                if cmp.op == "IN":
                    return lambda rec: member(folded(rec))
                return lambda rec: not member(folded(rec))
            tests = [self.test(fd, "=", operand) for operand in operands]
            if cmp.op == "IN":
                return lambda rec: any(t(v) for v in (folded(rec),) for t in tests)
            return lambda rec: not any(t(v) for v in (folded(rec),) for t in tests)
        check = self.test(fd, cmp.op, self.operand(fd, cmp.values[0]))
        return lambda rec: check(folded(rec))

    def semi_join(self, fd: FieldDef, get: Getter, cmp: Comparison) -> Predicate:
        """`Id IN (SELECT AccountId FROM Contact ...)`: the ids the inner query selects."""
        sub = cmp.subquery
        assert sub is not None
        if fd.type not in ("id", "reference"):
            raise self.error("MALFORMED_QUERY", f"semi join sub-selects are only allowed on id"
                             f" fields, not on {fd.name}", cmp.field.pos)  # fmt: skip
        inner = compile_bound(sub, now=self.now, getter_for=self.getter_for, source=self.source)
        if (
            len(inner.paths) != 1
            or inner.paths[0].leaf.type not in ("id", "reference")
            or (inner.children or inner.grouping or inner.count)
        ):
            raise self.error("MALFORMED_QUERY", "semi join sub-selects must select one id field",
                             sub.pos)  # fmt: skip
        if self.source is None:
            raise self.error("MALFORMED_QUERY", "semi joins need the org's records", sub.pos)
        self.objects |= inner.objects
        read, source = self.getter(inner.paths[0]), self.source
        found: list[set[Any]] = []  # the inner ids, read once, when the query first runs

        def ids() -> set[Any]:
            if not found:
                rows = inner.run(source.records(inner.sobject.name))
                found.append({v for r in rows if (v := read(r)) is not None})
            return found[0]

        if cmp.op == "IN":
            return lambda rec: get(rec) in ids()
        return lambda rec: get(rec) not in ids()

    def having(self, cond: Condition, key_of: KeyOf) -> Predicate:
        """HAVING over group rows: each key names a grouped field or an aggregate."""
        if isinstance(cond, Comparison):
            if cond.subquery is not None:
                raise self.error("MALFORMED_QUERY", "semi joins are not allowed in HAVING",
                                 cond.field.pos)  # fmt: skip
            fd, key = key_of(cond.field)
            return self.match(fd, lambda row: row[key], cond)
        parts = [self.having(item, key_of) for item in cond.items]
        return _combine(cond.op, parts)

    def condition(self, cond: Condition) -> Predicate:
        if isinstance(cond, Comparison):
            return self.comparison(cond)
        return _combine(cond.op, [self.condition(item) for item in cond.items])

    def order(self) -> tuple[SortKey, ...]:
        keys = []
        for item in self.query.order_by:
            fd, get = self.where_key(item.field)
            if not fd.sortable:
                raise self.error("INVALID_FIELD", f"field '{fd.name}' can not be sorted in a"
                                 " query call", item.field.pos)  # fmt: skip
            plain = isinstance(item.field, FieldRef) and "." not in item.field.name
            keys.append(SortKey(fd, get, item.descending, item.nulls_last, plain))
        return tuple(keys)


def _combine(op: str, parts: list[Predicate]) -> Predicate:
    if op == "NOT":
        inner = parts[0]
        return lambda rec: not inner(rec)
    if op == "AND":
        return lambda rec: all(p(rec) for p in parts)
    return lambda rec: any(p(rec) for p in parts)


def compile_query(
    source: str, *, now: datetime, getter_for: GetterFor, records: Source | None = None
) -> BoundQuery:
    """Parse and bind `source`; raise `SoqlError` with Salesforce's code and message.

    `records` reads parent records (relationship paths) and semi-join rows; without it a
    query using either is refused."""
    return compile_bound(parse(source), now=now, getter_for=getter_for, source=records)


def compile_bound(
    query: Query, *, now: datetime, getter_for: GetterFor, source: Source | None
) -> BoundQuery:
    sobject = get_sobject(query.sobject)
    if sobject is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"sObject type '{query.sobject}' is not supported. "
            + _SUFFIX_HINT.format(what="object").replace("custom object name", "entity name"),
            query.source,
            query.sobject_pos,
        )
    return _bind(_Binder(query, sobject, now, getter_for, source))


def _child(parent: _Binder, sub: Query) -> ChildQuery:
    found = next((c for c in parent.sobject.children if c[0].lower() == sub.sobject.lower()), None)
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
    bound = _bind(_Binder(sub, child, parent.now, parent.getter_for, parent.source))
    if bound.grouping is not None or bound.count:
        raise parent.error("MALFORMED_QUERY", "aggregate functions are not allowed in a"
                           " child relationship subquery", sub.pos)  # fmt: skip
    parent.objects |= bound.objects
    return ChildQuery(found[0], parent_field, bound)


def _bind(binder: _Binder) -> BoundQuery:
    query, sobject = binder.query, binder.sobject
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise SoqlError(
            "NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}"
        )
    if query.count and len(query.items) > 1:
        bare = next(a for a in query.aggregates if a.field is None)
        raise binder.error("MALFORMED_QUERY", "COUNT() must be the only element in the SELECT"
                           " list", bare.pos)  # fmt: skip
    check_clauses(query, binder)
    predicate = binder.condition(query.where) if query.where is not None else None
    seek = find_seek(query.where, binder)
    if is_aggregate_query(query):
        grouping = bind_grouping(query, binder)
        return BoundQuery(sobject, (), False, predicate, (), None, None, binder.getter_for,
                          grouping=grouping, objects=frozenset(binder.objects),
                          seek=seek)  # fmt: skip
    paths = select_paths(query, sobject, binder)
    children = tuple(_child(binder, sub) for sub in query.subqueries)
    return BoundQuery(
        sobject,
        tuple(p.leaf for p in paths if not p.steps),
        query.count,
        predicate,
        binder.order(),
        query.limit,
        query.offset,
        binder.getter_for,
        children,
        paths,
        objects=frozenset(binder.objects),
        seek=seek,
    )

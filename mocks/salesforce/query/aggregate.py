"""Aggregate SOQL: GROUP BY, HAVING and COUNT/COUNT_DISTINCT/SUM/AVG/MIN/MAX over the rows a
WHERE kept, answered as `AggregateResult` rows.

Salesforce's rules kept here: every selected field must be grouped or aggregated; an
aggregate without an alias is named `expr0`, `expr1`, ... in the order such aggregates appear
(aliased ones do not take a number); a grouped field is named by its own field name
(`Account.Name` answers as `Name`); with no GROUP BY there is exactly one row, even over no
records; text groups ignore case, as text comparisons do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.paths import FieldPath, Getter
from mocks.salesforce.query.soql import Aggregate, Condition, FieldRef, FieldsMacro, Query
from mocks.salesforce.query.sort import SortKey, sort_fold, sort_rows
from mocks.salesforce.records import format_datetime
from mocks.salesforce.schema import NUMBER_TYPES, FieldDef
from mocks.store import StoredRecord

Row = dict[str, Any]
_COUNT_FIELD = FieldDef("expr", "expr", "int")
_AVERAGE_FIELD = FieldDef("expr", "expr", "double")


class Binder(Protocol):
    """What aggregate binding needs from the query binder (`evaluate._Binder`)."""

    def resolve(self, ref: FieldRef) -> FieldPath: ...

    def getter(self, path: FieldPath) -> Getter: ...

    def error(self, code: str, detail: str, pos: int) -> SoqlError: ...

    def having(
        self, cond: Condition, key: Callable[[FieldRef | Aggregate], tuple[FieldDef, str]]
    ) -> Callable[[Any], bool]: ...


@dataclass(frozen=True)
class _Measure:
    key: str
    function: str
    getter: Getter | None  # None for COUNT()
    fd: FieldDef  # the type of the result
    source: FieldDef | None = None  # the aggregated field (its type decides folding)


def is_aggregate_query(query: Query) -> bool:
    return bool(query.group_by) or any(a.field is not None for a in query.aggregates)


def check_clauses(query: Query, binder: Binder) -> None:
    """Refuse the clauses Salesforce refuses beside aggregates (SOQL and SOSL Reference):

    - COUNT() with GROUP BY (API 19.0 and later) or with ORDER BY: "COUNT() and
      COUNT(fieldName)", developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/
      sforce_api_calls_soql_select_count.htm ("Use COUNT(fieldName) instead"); COUNT() with
      LIMIT is allowed there.
    - LIMIT on a query with an aggregate function but no GROUP BY: "LIMIT",
      .../sforce_api_calls_soql_select_limit.htm (`SELECT MAX(CreatedDate) FROM Account
      LIMIT 1` is its example of an invalid query), and "Considerations for GROUP BY".
    """
    if query.count and query.group_by:
        raise binder.error("MALFORMED_QUERY", "COUNT() can not be used with GROUP BY; use"
                           " COUNT(fieldName) instead", query.group_by[0].pos)  # fmt: skip
    if query.count and query.order_by:
        raise binder.error("MALFORMED_QUERY", "COUNT() can not be used with ORDER BY; use"
                           " COUNT(fieldName) instead", query.order_by[0].field.pos)  # fmt: skip
    if query.limit is not None and not query.group_by and is_aggregate_query(query):
        raise binder.error("MALFORMED_QUERY", "LIMIT can not be used in a query with an"
                           " aggregate function and no GROUP BY", query.limit_pos)  # fmt: skip


def _expression_key(item: FieldRef | Aggregate, binder: Binder) -> tuple[str, FieldPath | None]:
    if isinstance(item, FieldRef):
        field_path = binder.resolve(item)
        return f"F:{field_path.key}", field_path
    path = binder.resolve(item.field) if item.field is not None else None
    return f"{item.function}({path.key if path else ''})", path


def _measure(agg: Aggregate, binder: Binder) -> _Measure:
    key, path = _expression_key(agg, binder)
    if path is None:
        return _Measure(key, agg.function, None, _COUNT_FIELD)
    fd = path.leaf
    numeric_only = agg.function in ("SUM", "AVG")
    if (numeric_only and fd.type not in NUMBER_TYPES) or not fd.filterable or fd.type == "textarea":
        raise binder.error(
            "MALFORMED_QUERY",
            f"field {fd.name} does not support aggregate operator {agg.function}",
            agg.pos,
        )
    result = {"COUNT": _COUNT_FIELD, "COUNT_DISTINCT": _COUNT_FIELD, "AVG": _AVERAGE_FIELD}
    return _Measure(key, agg.function, binder.getter(path), result.get(agg.function, fd), fd)


def _compute(measure: _Measure, rows: Sequence[StoredRecord]) -> Any:
    if measure.getter is None:
        return len(rows)
    values = [v for r in rows if (v := measure.getter(r)) is not None]
    function = measure.function
    if function == "COUNT":
        return len(values)
    folded = sort_fold(measure.source or measure.fd)
    if function == "COUNT_DISTINCT":
        return len({folded(v) for v in values})
    if not values:
        return None
    if function == "SUM":
        return sum(values)
    if function == "AVG":
        return sum(values) / len(values)
    return (min if function == "MIN" else max)(values, key=folded)


def _wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class Grouping:
    """A bound aggregate query: run it over the rows its WHERE kept."""

    groups: tuple[tuple[str, FieldDef, Getter], ...]
    measures: tuple[_Measure, ...]
    outputs: tuple[tuple[str, str], ...]  # (name in the row, expression key)
    having: Callable[[Any], bool] | None
    order: tuple[SortKey, ...]
    limit: int | None
    offset: int | None

    def run(self, records: Sequence[StoredRecord]) -> list[Row]:
        buckets: dict[tuple[Any, ...], list[StoredRecord]] = {}
        firsts: dict[tuple[Any, ...], list[Any]] = {}
        for rec in records:
            raw = [get(rec) for _, _, get in self.groups]
            folded = tuple(None if v is None else sort_fold(fd)(v)
                           for v, (_, fd, _) in zip(raw, self.groups, strict=True))  # fmt: skip
            buckets.setdefault(folded, []).append(rec)
            firsts.setdefault(folded, raw)
        if not self.groups:
            buckets.setdefault((), [])
            firsts.setdefault((), [])
        rows: list[Row] = []
        for bucket_key, members in buckets.items():
            row = {key: value for (key, _, _), value in zip(self.groups, firsts[bucket_key],
                                                            strict=True)}  # fmt: skip
            row.update({m.key: _compute(m, members) for m in self.measures})
            if self.having is None or self.having(row):
                rows.append(row)
        sort_rows(rows, self.order)
        start = self.offset or 0
        end = None if self.limit is None else start + self.limit
        return [self._render(row) for row in rows[start:end]]

    def _render(self, row: Row) -> Row:
        out: Row = {"attributes": {"type": "AggregateResult"}}
        for name, key in self.outputs:
            out[name] = _wire(row[key])
        return out


def bind_grouping(query: Query, binder: Binder) -> Grouping:
    """Check the select list, GROUP BY, HAVING and ORDER BY of an aggregate query."""
    groups: dict[str, tuple[str, FieldDef, Getter]] = {}
    for ref in query.group_by:
        key, path = _expression_key(ref, binder)
        assert path is not None
        fd = path.leaf
        if (
            not fd.filterable
            or fd.type in ("textarea", "datetime")
            or fd.type in NUMBER_TYPES - {"int"}
        ):
            message = f"field '{fd.name}' can not be grouped in a query call"
            raise binder.error("INVALID_FIELD", message, ref.pos)
        groups[key] = (key, fd, binder.getter(path))
    measures: dict[str, _Measure] = {}
    outputs: list[tuple[str, str]] = []
    unnamed = 0
    for item in query.items:
        if isinstance(item, Query | FieldsMacro):
            pos = item.pos if isinstance(item, FieldsMacro) else item.sobject_pos
            raise binder.error("MALFORMED_QUERY", "aggregate queries cannot select FIELDS() or "
                               "child relationships", pos)  # fmt: skip
        if isinstance(item, FieldRef):
            key, path = _expression_key(item, binder)
            if key not in groups:
                raise binder.error("MALFORMED_QUERY", f"Field must be grouped or aggregated: "
                                   f"{item.name}", item.pos)  # fmt: skip
            outputs.append((path.leaf.name if path else item.name, key))
            continue
        measure = _measure(item, binder)
        measures[measure.key] = measure
        name = item.alias or f"expr{unnamed}"
        unnamed += item.alias is None
        outputs.append((name, measure.key))
    return _finish(query, binder, groups, measures, outputs)


def _finish(
    query: Query,
    binder: Binder,
    groups: dict[str, tuple[str, FieldDef, Getter]],
    measures: dict[str, _Measure],
    outputs: list[tuple[str, str]],
) -> Grouping:
    """Bind HAVING and ORDER BY, which may name grouped fields or any aggregate."""

    def key_of(item: FieldRef | Aggregate) -> tuple[FieldDef, str]:
        key, _ = _expression_key(item, binder)
        if key in groups:
            return groups[key][1], key
        if isinstance(item, FieldRef):
            raise binder.error("MALFORMED_QUERY", f"Field must be grouped or aggregated: "
                               f"{item.name}", item.pos)  # fmt: skip
        measure = measures.get(key) or _measure(item, binder)
        measures[key] = measure
        return measure.fd, key

    having = binder.having(query.having, key_of) if query.having is not None else None
    order = []
    for item in query.order_by:
        fd, key = key_of(item.field)
        order.append(SortKey(fd, _row_getter(key), item.descending, item.nulls_last))
    return Grouping(tuple(groups.values()), tuple(measures.values()), tuple(outputs), having,
                    tuple(order), query.limit, query.offset)  # fmt: skip


def _row_getter(key: str) -> Callable[[Row], Any]:
    return lambda row: row[key]


__all__ = ["Grouping", "bind_grouping", "check_clauses", "is_aggregate_query"]

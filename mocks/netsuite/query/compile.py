"""SuiteQL columns compiled once per query and computed a whole column at a time: the select
items of a page (`compile_projection`) and the ORDER BY keys of a result set (`value_vector`).

A column read straight from a record field gets a reader chosen for its kind up front. It
checks the types a column holds at once (the usual case: all text, ids all digits) and then
copies or maps values without a Python call per row. Any other value goes through the
generic rules (`plain_value`, then `format_value`), so the output matches them exactly.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, eq, ge, is_, is_not, le, mod
from typing import Any

from mocks.netsuite.dates import oracle_writer, second, user_date_formatter, user_date_template
from mocks.netsuite.query.suiteql import Column, Compare, Func, Literal, SelectItem
from mocks.netsuite.query.tables import Table, all_digits, plain_value
from mocks.netsuite.query.values import compile_value, format_value, item_key
from mocks.netsuite.render import timestamp_getter
from mocks.netsuite.schema.spec import FieldSpec

# A whole column at once: rows -> one value per row.
Vector = Callable[[list[Any]], list[Any]]
# Output texts of a column for a page: (rows, their `fields` dicts when rows are records).
TextVector = Callable[[list[Any], list[dict[str, Any]]], list[str | None]]
_TEXT = frozenset({str, type(None)})
_FLAG = frozenset({bool, type(None)})
_FLAGS = {True: "T", False: "F", None: None}
_CODED = ("boolean", "ref", "date")  # output depends on the stored text alone
_ID = attrgetter("id")
_FIELDS = attrgetter("fields")
_ZONE = attrgetter("tzinfo")
_YEAR, _MONTH, _DAY = attrgetter("year"), attrgetter("month"), attrgetter("day")
_PRESENT = partial(is_not, None)  # _PRESENT(v) is `None is not v`
_ABSENT = partial(is_, None)
# A SuiteQL row's `links` is always an empty array. One shared empty tuple (JSON `[]` too)
# keeps each row a dict of strings only, which the garbage collector does not track: paging
# a large result set then adds nothing for the collector's full passes to walk.
_NO_LINKS = ()


def _field(node: Any, table: Table) -> FieldSpec | None:
    """The record field behind a column whose getter reads it straight (rows are records)."""
    return table.fields.get(node.name) if isinstance(node, Column) else None


def _reader(name: str) -> Callable[[list[dict[str, Any]]], list[Any]]:
    return lambda fields: list(map(dict.get, fields, repeat(name)))


def value_vector(node: Any, table: Table, date_format: str) -> Vector:
    """Values of `node` as the row getters return them, for many rows: a sort key."""
    field = _field(node, table)
    if field is not None and field.kind == "id":

        def ids(recs: list[Any]) -> list[Any]:
            texts = list(map(_ID, recs))
            if all_digits(texts):
                return list(map(int, texts))
            return [int(i) if i.isdigit() else i for i in texts]

        return ids
    if field is not None and field.kind not in ("datetime", *_CODED):
        kind, read = field.kind, _reader(field.name)

        def stored(recs: list[Any]) -> list[Any]:
            values = read(list(map(_FIELDS, recs)))
            if set(map(type, values)) <= _TEXT:
                return [v or None for v in values]
            return [plain_value(kind, v) for v in values]

        return stored
    get = compile_value(node, table, date_format)
    return lambda rows: list(map(get, rows))


def text_vector(node: Any, table: Table, date_format: str) -> TextVector:
    """Output strings (None: left out of the row) of a column for many rows."""
    stamped = _stamp_format(node, table)
    if stamped is not None:
        return _stamp_texts(*stamped)
    field = _field(node, table)
    if field is None:
        get = compile_value(node, table, date_format)
        return lambda rows, _: [format_value(v, date_format) for v in map(get, rows)]
    if field.kind == "id":
        return _id_texts
    if field.kind == "datetime":
        return _day_texts(field.name, date_format)
    kind, read = field.kind, _reader(field.name)

    def generic(value: Any) -> str | None:
        return format_value(plain_value(kind, value), date_format)

    def coded(recs: list[Any], fields: list[dict[str, Any]]) -> list[str | None]:
        values = read(fields)
        types = set(map(type, values))
        if kind == "boolean" and types <= _FLAG:
            return list(map(_FLAGS.__getitem__, values))
        if types <= _TEXT:  # each distinct text formatted once
            texts = {v: generic(v) for v in set(values)}
            return list(map(texts.__getitem__, values))
        return list(map(generic, values))

    def texts(recs: list[Any], fields: list[dict[str, Any]]) -> list[str | None]:
        values = read(fields)  # text, numbers, countries: as stored
        if set(map(type, values)) <= _TEXT:
            return [v or None for v in values] if None in values or "" in values else values
        return list(map(generic, values))

    return coded if kind in _CODED else texts


def _id_texts(recs: list[Any], _: list[dict[str, Any]]) -> list[str | None]:
    ids = list(map(_ID, recs))
    if all_digits(ids, canonical=True):
        return ids  # str(int(i)) == i
    return [str(int(i)) if i.isdigit() else (i or None) for i in ids]


def _day_texts(name: str, date_format: str) -> TextVector:
    """A record timestamp as its UTC date in the user's date preference."""
    moment = timestamp_getter(name)
    render = user_date_formatter(date_format)
    fill = user_date_template(date_format).format  # of (year, month, day, year % 100)

    def texts(recs: list[Any], _: list[dict[str, Any]]) -> list[str | None]:
        if moment is None:
            return [None] * len(recs)
        moments = list(map(moment, recs))
        if None in moments or set(map(_ZONE, moments)) != {UTC}:
            return [
                None if w is None else render(w if w.tzinfo is UTC else w.astimezone(UTC))
                for w in moments
            ]
        years = list(map(_YEAR, moments))
        centuries = map(mod, years, repeat(100))
        return list(map(fill, years, map(_MONTH, moments), map(_DAY, moments), centuries))

    return texts


def _stamp_format(node: Any, table: Table) -> tuple[str, Callable[[datetime], str]] | None:
    """(field, writer) of `TO_CHAR(<record timestamp>, '<format>')` with a format SuiteQL
    knows; None for any other expression. Such a call cannot fail on any row (its format
    is checked here, its value is a timestamp or NULL), so it may be computed a column at
    a time like a plain column, in the same texts `call_function` gives."""
    if not (isinstance(node, Func) and node.name == "TO_CHAR" and len(node.args) == 2):
        return None
    column, fmt = node.args
    field = _field(column, table)
    if field is None or field.kind != "datetime" or timestamp_getter(field.name) is None:
        return None
    if not (isinstance(fmt, Literal) and isinstance(fmt.value, str) and fmt.value):
        return None
    try:
        return field.name, oracle_writer(fmt.value)
    except ValueError:  # an unknown format element: refused row by row, as SQL reads
        return None


def _stamp_texts(name: str, write: Callable[[datetime], str]) -> TextVector:
    moment = timestamp_getter(name)
    assert moment is not None  # `_stamp_format` chose a field with a timestamp

    def texts(recs: list[Any], _: list[dict[str, Any]]) -> list[str | None]:
        seconds = [None if m is None else second(m) for m in map(moment, recs)]
        # Each distinct second written once; an empty text is NULL, as `format_value` has it.
        written = {s: write(s) or None for s in set(seconds) if s is not None}
        return [None if s is None else written[s] for s in seconds]

    return texts


def equal_texts(conditions: list[Any], table: Table, date_format: str, recs: list[Any]
                ) -> tuple[list[Any], list[Any]]:  # fmt: skip
    """`recs` narrowed by the ANDed `conditions` of the form `column = 'text'`, tested a
    column at a time, and the conditions left to test row by row.

    Such a test is plain string equality when the column holds only text and NULL in
    `recs` (a NULL equals nothing), as the row-by-row comparison decides it; a column
    holding anything else (numbers, dates) keeps its condition for the row test, which
    converts or refuses as before. A row an equality drops is not tested by the other
    conditions, so one that cannot compare its values (`lastmodifieddate > 5`) is refused
    only when some row reaches it: Oracle refuses it whatever the rows (a known gap, as
    for a table with no rows at all)."""
    rest: list[Any] = []
    for condition in conditions:
        pair = _column_text(condition)
        if pair is not None and pair[0].name not in table.columns:
            pair = None  # not a column (ROWNUM): the row test reads it
        values = value_vector(pair[0], table, date_format)(recs) if pair else None
        if pair is None or values is None or not set(map(type, values)) <= _TEXT:
            rest.append(condition)
            continue
        recs = list(compress(recs, map(eq, values, repeat(pair[1]))))
    return recs, rest


def _column_text(node: Any) -> tuple[Column, str] | None:
    """(column, text) of a `column = 'text'` condition (either way round), else None."""
    if not isinstance(node, Compare) or node.op != "=":
        return None
    for column, text in ((node.left, node.right), (node.right, node.left)):
        if isinstance(column, Column) and isinstance(text, Literal):
            value = text.value
            return (column, value) if isinstance(value, str) and value != "" else None
    return None


def _vectorised(node: Any, table: Table) -> bool:
    """Whether a select item is filled a column at a time (`text_vector`)."""
    return isinstance(node, Column | Literal) or _stamp_format(node, table) is not None


def read_in_order(node: Any, table: Table, recs: list[Any]) -> bool:
    """Whether records as a table of records reads them (in `_id_order`, then filtered) are
    already in ascending order of `node`: its id column, every id ASCII digits."""
    field = _field(node, table)
    return field is not None and field.kind == "id" and all_digits(list(map(_ID, recs)))


def ordered(rows: list[Any], keys: list[Any], descending: bool) -> list[Any]:
    """`rows` stably sorted by `keys`; Oracle puts NULLs last when ascending and first when
    descending. Keys already in order (a table read in id order, ORDER BY id) cost no sort."""
    if None in keys:
        present = [i for i, key in enumerate(keys) if key is not None]
        missing = [row for row, key in zip(rows, keys, strict=True) if key is None]
        kept = ordered([rows[i] for i in present], [keys[i] for i in present], descending)
        return missing + kept if descending else kept + missing
    if all(map(ge if descending else le, keys, keys[1:])):
        return rows
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
    return [rows[i] for i in order]


def compile_projection(
    items: tuple[SelectItem, ...], table: Table, date_format: str
) -> Callable[[list[Any]], list[dict[str, Any]]]:
    """rows -> output rows: `{"links": (), column: text, ...}`, NULL columns left out.

    Columns and literals are filled a column at a time (reading a column can fail only
    with a ValueError on a malformed stored value, whichever row comes first). A function
    can fail with a message about its row, so a query selecting one runs row by row, items
    in order, as SQL reads; `TO_CHAR` of a record timestamp in a known format cannot, and
    is filled a column at a time too (a span or key query selects it)."""
    keys = tuple(item_key(item, i) for i, item in enumerate(items, 1))
    if all(_vectorised(item.expr, table) for item in items):
        vectors = [text_vector(item.expr, table, date_format) for item in items]
        # Rows are records when a column reads a record field: their dicts, once a page.
        records = any(_field(item.expr, table) is not None for item in items)

        if len(set(keys)) == len(keys):  # every row starts as a copy of a full-size row
            template: dict[str, Any] = dict.fromkeys(("links", *keys))
            template["links"] = _NO_LINKS

            def by_template(rows: list[Any]) -> list[dict[str, Any]]:
                out = list(map(dict.copy, repeat(template, len(rows))))
                fields = list(map(_FIELDS, rows)) if records else []
                for key, vector in zip(keys, vectors, strict=True):
                    values = vector(rows, fields)
                    deque(map(dict.__setitem__, out, repeat(key), values), maxlen=0)
                    if None in values:  # NULL: the column is left out of the row
                        absent = compress(out, map(_ABSENT, values))
                        deque(map(dict.__delitem__, absent, repeat(key)), maxlen=0)
                return out

            return by_template

        def by_column(rows: list[Any]) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = [{"links": _NO_LINKS} for _ in rows]
            fields = list(map(_FIELDS, rows)) if records else []
            for key, vector in zip(keys, vectors, strict=True):
                values = vector(rows, fields)
                targets: Iterable[dict[str, Any]] = out
                if None in values:
                    present = list(map(_PRESENT, values))
                    targets, values = compress(out, present), list(compress(values, present))
                deque(map(dict.__setitem__, targets, repeat(key), values), maxlen=0)
            return out

        return by_column
    getters = [compile_value(item.expr, table, date_format) for item in items]

    def by_row(rows: list[Any]) -> list[dict[str, Any]]:
        out = []
        for rec in rows:
            row: dict[str, Any] = {"links": _NO_LINKS}
            for key, get in zip(keys, getters, strict=True):
                text = format_value(get(rec), date_format)
                if text is not None:
                    row[key] = text
            out.append(row)
        return out

    return by_row

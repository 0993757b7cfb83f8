"""The tables SuiteQL can read, built over the record types, as NetSuite's analytics layer
exposes them.

- one table per entity-like record type (`customer`, `contact`, `subsidiary`, `location`);
- `item`: inventory items, with `itemtype` = 'InvtPart';
- `transaction`: sales orders, invoices and customer payments together, told apart by
  `type` ('SalesOrd', 'CustInvc', 'CustPymt');
- `transactionline`: per sales order and invoice a main line (`mainline` = 'T', the total,
  positive) and one row per item line with NetSuite's posting signs: `quantity`,
  `foreignamount` and `netamount` are negative on sales lines (`rate` stays positive);
- `inventoryitemlocations` (item, location, quantities) and `pricing` (item, price level,
  currency, unit price): the inventoryItem sublists;
- `previoustransactionlinelink`: which document each one came from: an invoice from its
  sales order (`linktype` 'OrdBill'), a payment's application to an invoice ('Payment',
  `foreignamount` applied);
- a customer's addresses (`addresses`): `customeraddressbook` (one row per address book
  line), the address itself in `customeraddressbookentityaddress` and `entityaddress`, and
  the customer's `defaultbillingaddress` / `defaultshippingaddress` keys into them.

Every table says which of its columns are references (`Table.refs`: the record type or
built-in list a value points at, for `BUILTIN.DF`).

A row of a table of records (one per record: the entity tables, `item`, `transaction`) is
the `StoredRecord` itself; a row of a line table is a `Row` (record, line, line number). A
column is a getter of a row returning the Oracle-like value the executor formats (numbers,
text, 'T'/'F', UTC datetimes, None).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from operator import attrgetter, le
from typing import Any, NamedTuple

from mocks.netsuite.dates import second
from mocks.netsuite.render import timestamp
from mocks.netsuite.schema import RECORD_TYPES, FieldSpec, RecordSpec
from mocks.netsuite.schema.transactions import TRANSACTION_TYPES
from mocks.store import RecordStore, StoredRecord


class Row(NamedTuple):
    """A row of a line table."""

    rec: StoredRecord
    line: dict[str, Any] | None = None
    number: int = 0  # line number; 0 for a record or a main line


Getter = Callable[[Any], Any]  # row (a StoredRecord or a Row, by table) -> value
# row -> the record type or built-in list a reference column points at (None: not a reference)
RefTarget = Callable[[Any], str | None]
COUNTRY = "country"  # a RefTarget answer: the value is an ISO country code


@dataclass(frozen=True)
class Parents:
    """How a table reads the rows holding some values of one column without reading the
    whole table, in its own row order: a line table's rows by parent record id (a page's
    lines ask for a thousand parents of many), or an address table's by key (`keyed`)."""

    column: str
    rows: Callable[[RecordStore, Iterable[int]], list[Any]]


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, Getter]
    rows: Callable[[RecordStore], Iterable[Any]]
    # Record types whose records are this table's rows (one row per record, the record
    # itself), so a query naming external ids can start from the store's externalId index.
    record_types: tuple[str, ...] = ()
    # Columns whose getter is `column_value(field, record)`: compiled readers may read the
    # record field themselves (`suiteql_compile`).
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    refs: Mapping[str, RefTarget] = field(default_factory=dict)
    parents: Parents | None = None  # a line table's rows by parent record
    # Rows by the values of one column, as an index would serve them: a join on that column
    # reads only the rows the joined rows name, not the whole table.
    keyed: Parents | None = None

    def rows_by_external_id(self, store: RecordStore, values: Iterable[str]) -> list[Any]:
        """The rows (records) carrying one of `values` as externalId, in id order."""
        found = {
            rec.id: rec for t in self.record_types for v in values
            for rec in store.find(t, "externalId", v)
        }  # fmt: skip
        return _in_id_order(list(found.values()))

    def rows_by_id(self, store: RecordStore, ids: Iterable[int]) -> list[Any]:
        """The rows (records) with one of `ids`, in id order: a page's names or lines asked
        by id read those records, not the whole table."""
        found = {
            rec.id: rec for t in self.record_types for i in set(ids)
            if (rec := store.get(t, str(i))) is not None
        }  # fmt: skip
        return _in_id_order(list(found.values()))


def plain_value(kind: str, value: Any) -> Any:
    """A stored value in SuiteQL terms ('' is NULL; booleans 'T'/'F'; dates as datetimes)."""
    if value is None or value == "":
        return None
    if kind == "boolean":
        return "T" if value else "F"
    if kind == "ref":
        return int(value) if str(value).isdigit() else str(value)
    if kind == "date":
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
    return value


def column_value(field: FieldSpec, rec: StoredRecord) -> Any:
    """A record's value in SuiteQL terms."""
    if field.kind == "id":
        return int(rec.id) if rec.id.isdigit() else rec.id
    if field.kind == "datetime":
        when = timestamp(rec, field.name)
        return None if when is None else second(when)
    return plain_value(field.kind, rec.fields.get(field.name))


def _record_getter(spec: FieldSpec) -> Getter:
    return partial(column_value, spec)


def _id_order(rec: StoredRecord) -> tuple[int, int, str]:
    return (0, int(rec.id), "") if rec.id.isdigit() else (1, 0, rec.id)


_DIGITS = re.compile(r"[0-9]+(?:/[0-9]+)*")
_NUMBERS = re.compile(r"(?:0|[1-9][0-9]*)(?:/(?:0|[1-9][0-9]*))*")


def all_digits(texts: list[str], *, canonical: bool = False) -> bool:
    """Every text is ASCII digits (so `int` reads it and `isdigit` holds); `canonical`: also
    without leading zeros (so `str(int(text)) == text`). One scan of the texts joined."""
    joined = "/".join(texts)
    if joined.count("/") != len(texts) - 1:  # empty, or a text holds the separator
        return False
    return (_NUMBERS if canonical else _DIGITS).fullmatch(joined) is not None


def _in_id_order(records: list[StoredRecord]) -> list[StoredRecord]:
    """`sorted(records, key=_id_order)`, cheap when every id is ASCII digits (the usual
    case): numbers compared without a Python key call, no sort when already in order."""
    ids = list(map(_ID, records))
    if not all_digits(ids):
        return sorted(records, key=_id_order)
    numbers = list(map(int, ids))
    if all(map(le, numbers, numbers[1:])):
        return records
    return [records[i] for i in sorted(range(len(numbers)), key=numbers.__getitem__)]


_ID = attrgetter("id")


def _records(*types: str) -> Callable[[RecordStore], list[StoredRecord]]:
    def rows(store: RecordStore) -> list[StoredRecord]:
        if len(types) == 1:
            return _in_id_order(store.records(types[0]))
        return _in_id_order([rec for t in types for rec in store.records(t)])

    return rows


def by_parent(
    types: tuple[str, ...], lines: Callable[[StoredRecord], Iterable[Any]]
) -> Callable[[RecordStore, Iterable[int]], list[Any]]:
    """The rows of the parent records (of `types`) with the given ids, in the order a scan
    of the whole table yields them (`_records(*types)` order, each record's `lines`)."""

    def rows(store: RecordStore, ids: Iterable[int]) -> list[Any]:
        wanted = set(ids)
        found = [rec for t in types for i in wanted if (rec := store.get(t, str(i))) is not None]
        return [row for rec in _in_id_order(found) for row in lines(rec)]

    return rows


def _to(target: str | None) -> RefTarget:
    return lambda row: target


def _field_refs(fields: Mapping[str, FieldSpec]) -> dict[str, RefTarget]:
    refs = {col: _to(f.ref_type) for col, f in fields.items() if f.kind == "ref" and f.ref_type}
    refs.update({col: _to(COUNTRY) for col, f in fields.items() if f.kind == "country"})
    return refs


def _record_table(name: str, spec: RecordSpec, extra: Mapping[str, Getter] | None = None) -> Table:
    """One row per record of `spec`; `extra` columns are computed from the record too."""
    fields = spec.columns()
    columns = {col: _record_getter(f) for col, f in fields.items()}
    refs = _field_refs(fields)
    return Table(
        name, {**columns, **(extra or {})}, _records(spec.name), (spec.name,), fields, refs
    )


def _union_getter(column: str, specs: list[RecordSpec]) -> Getter:
    by_type = {s.name: s.columns().get(column) for s in specs}

    def get(rec: StoredRecord) -> Any:
        field = by_type.get(rec.obj)
        return None if field is None else column_value(field, rec)

    return get


def _transaction_table() -> Table:
    specs = [RECORD_TYPES[name] for name in TRANSACTION_TYPES]
    names = list(dict.fromkeys(col for s in specs for col in s.columns()))
    columns = {col: _union_getter(col, specs) for col in names}
    columns["type"] = lambda rec: TRANSACTION_TYPES[rec.obj]
    by_type = {s.name: _field_refs(s.columns()) for s in specs}

    def union_ref(column: str) -> RefTarget:
        return lambda rec: by_type[rec.obj][column](rec) if column in by_type[rec.obj] else None

    refs = {col: union_ref(col) for col in {c for r in by_type.values() for c in r}}
    return Table("transaction", columns, _records(*TRANSACTION_TYPES), tuple(TRANSACTION_TYPES),
                 refs=refs)  # fmt: skip


def _negated(value: Any) -> Any:
    return -value if isinstance(value, int | float) else value


_LINE_TYPES = ("salesOrder", "invoice")


def _transaction_lines(rec: StoredRecord) -> Iterator[Row]:
    yield Row(rec)
    for number, line in enumerate(rec.fields.get("item") or [], start=1):
        yield Row(rec, line, number)


def _line_rows(store: RecordStore) -> Iterator[Row]:
    for rec in _records(*_LINE_TYPES)(store):
        yield from _transaction_lines(rec)


def _line_field(name: str, kind: str, *, signed: bool = False) -> Getter:
    def get(row: Row) -> Any:
        if row.line is None:
            return None
        value = plain_value(kind, row.line.get(name))
        return _negated(value) if signed else value

    return get


def _line_id(row: Row) -> Any:
    """A line's id: the `line` the record service shows on it (0 for the main line)."""
    if row.line is None:
        return 0
    given = plain_value("number", row.line.get("line"))
    return row.number if given is None else given


def _amount(row: Row) -> Any:
    if row.line is None:
        return plain_value("number", row.rec.fields.get("total"))
    return _negated(plain_value("number", row.line.get("amount")))


def _transactionline_table() -> Table:
    columns: dict[str, Getter] = {
        "id": _line_id,
        "transaction": lambda row: int(row.rec.id) if row.rec.id.isdigit() else row.rec.id,
        "linesequencenumber": lambda row: row.number,
        "mainline": lambda row: "T" if row.line is None else "F",
        "taxline": lambda row: "F",
        "item": _line_field("item", "ref"),
        "quantity": _line_field("quantity", "number", signed=True),
        "rate": _line_field("rate", "number"),
        "foreignamount": _amount,
        "netamount": _amount,
        "memo": _line_field("description", "string"),
        "entity": lambda row: plain_value("ref", row.rec.fields.get("entity")),
        "createdfrom": lambda row: plain_value("ref", row.rec.fields.get("createdFrom")),
        "subsidiary": lambda row: plain_value("ref", row.rec.fields.get("subsidiary")),
    }
    refs = {"transaction": _own_type, "item": _to("inventoryItem"), "entity": _to("customer"),
            "createdfrom": _to("salesOrder"), "subsidiary": _to("subsidiary")}  # fmt: skip
    parents = Parents("transaction", by_parent(_LINE_TYPES, _transaction_lines))
    return Table("transactionline", columns, _line_rows, refs=refs, parents=parents)


def _own_type(row: Row) -> str:
    return row.rec.obj


def _sublist_table(name: str, record_type: str, sublist: str, parent: str) -> Table:
    field = RECORD_TYPES[record_type].field(sublist)
    assert field is not None and field.kind == "sublist"

    def lines(rec: StoredRecord) -> Iterator[Row]:
        for number, line in enumerate(rec.fields.get(sublist) or [], start=1):
            yield Row(rec, line, number)

    def rows(store: RecordStore) -> Iterator[Row]:
        for rec in _records(record_type)(store):
            yield from lines(rec)

    columns: dict[str, Getter] = {parent: lambda row: int(row.rec.id)}
    refs = {parent: _to(record_type)}
    for child in field.children:
        if child.column:
            columns[child.column] = _line_field(child.name, child.kind)
            if child.kind == "ref":
                refs[child.column] = _to(child.ref_type)
    parents = Parents(parent, by_parent((record_type,), lines))
    return Table(name, columns, rows, refs=refs, parents=parents)


def _link_rows(store: RecordStore) -> Iterator[Row]:
    """Invoice <- sales order ('OrdBill') and payment -> invoice ('Payment') links."""
    for rec in _records("invoice", "customerPayment")(store):
        fields = rec.fields
        if rec.obj == "invoice":
            if fields.get("createdFrom"):
                link = {"doc": fields["createdFrom"], "amount": fields.get("total")}
                yield Row(rec, link, 0)
            continue
        for number, line in enumerate(fields.get("apply") or [], start=1):
            if line.get("apply", True) and line.get("doc"):
                yield Row(rec, line, number)


def _link_table(name: str) -> Table:
    columns: dict[str, Getter] = {
        "previousdoc": _line_field("doc", "ref"),
        "nextdoc": lambda row: int(row.rec.id) if row.rec.id.isdigit() else row.rec.id,
        "nextline": lambda row: row.number,
        "linktype": lambda row: "OrdBill" if row.rec.obj == "invoice" else "Payment",
        "foreignamount": _line_field("amount", "number"),
        "linkdate": lambda row: plain_value("date", row.rec.fields.get("tranDate")),
    }
    refs = {"nextdoc": _own_type, "previousdoc": _previous_type}
    return Table(name, columns, _link_rows, refs=refs)


def _previous_type(row: Row) -> str:
    return "salesOrder" if row.rec.obj == "invoice" else "invoice"


def _build() -> dict[str, Table]:
    from mocks.netsuite.query import addresses  # it builds on this module's shapes

    tables: dict[str, Table] = {}
    for spec in RECORD_TYPES.values():
        if spec.transaction or spec.name == "inventoryItem":
            continue
        if spec.name != "customer":
            tables[spec.name.lower()] = _record_table(spec.name.lower(), spec)
    customer = RECORD_TYPES["customer"]
    tables["customer"] = _record_table("customer", customer, addresses.customer_defaults())
    tables.update(addresses.address_tables())
    item = RECORD_TYPES["inventoryItem"]
    tables["item"] = _record_table("item", item, {"itemtype": lambda rec: "InvtPart"})
    tables["transaction"] = _transaction_table()
    tables["transactionline"] = _transactionline_table()
    tables["inventoryitemlocations"] = _sublist_table(
        "inventoryitemlocations", "inventoryItem", "locations", "item"
    )
    tables["pricing"] = _sublist_table("pricing", "inventoryItem", "price", "item")
    tables["previoustransactionlinelink"] = _link_table("previoustransactionlinelink")
    return tables


TABLES: dict[str, Table] = _build()


def find_table(name: str) -> Table | None:
    """The table called `name` (SuiteQL table names are case-insensitive)."""
    return TABLES.get(name.lower())

"""Which record fields SuiteQL can serve, and the queries that serve them. Pure, no I/O.

The record service spells fields in camelCase (`companyName`); SuiteQL's analytics tables in
lower case, mostly the same word (`companyname`). Where the two differ, or a field lives
elsewhere, this module holds NetSuite's knowledge of it:

- renamed columns (`COLUMN_NAMES`: an invoice's `total` is `foreigntotal`, ...);
- fields with no column in their record's table (`NO_COLUMN`): a transaction's `subsidiary`
  and an invoice's `createdFrom` are read from its main line in `transactionline`; an item's
  `basePrice` and a payment's `subsidiary` have no SuiteQL home at all;
- sublists with a table (`suiteql_rows.SUBLISTS`): a customer's `addressBook`, a sales
  order's or invoice's `item` lines.

A plan (`plan_bodies`) is built from the record type's metadata-catalog JSON schema, the
same schema `describe` reads, so a field the account adds (a custom field) is served under
its lower-case name. A wanted field the plan cannot serve is named in `BodyPlan.unserved`;
the reader then takes those records from the record service instead.

Values come back as the record service would send them: numbers as numbers, `T`/`F` as
booleans, datetimes and dates through `TO_CHAR` in ISO form, a reference as its id with
`BUILTIN.DF`'s display name as `refName`, a NULL column left out (the record service leaves
an empty field out too). One difference SuiteQL cannot avoid: it prints a whole number stored
as a float (`5000.0`) as `5000`, which reads back as the int 5000 - equal as a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sync.connectors.netsuite.shapes import wire_field

ColumnKind = Literal["id", "text", "number", "boolean", "date", "datetime", "ref", "status"]
TO_CHAR_DATETIME = 'YYYY-MM-DD"T"HH24:MI:SS'
TO_CHAR_DATE = "YYYY-MM-DD"

# record type (lower case) -> record-service field -> SuiteQL column, where the names differ.
COLUMN_NAMES: dict[str, dict[str, str]] = {
    "inventoryitem": {"salesDescription": "description"},
    "salesorder": {"orderStatus": "status", "total": "foreigntotal"},
    "invoice": {"total": "foreigntotal", "amountRemaining": "foreignamountremaining"},
    "customerpayment": {"customer": "entity", "payment": "foreigntotal",
                        "checkNum": "otherrefnum"},
}  # fmt: skip
# Fields whose table has no column for them (some are served by a line table instead).
NO_COLUMN: dict[str, frozenset[str]] = {
    "inventoryitem": frozenset({"basePrice"}),
    "salesorder": frozenset({"subsidiary"}),
    "invoice": frozenset({"subsidiary", "createdFrom"}),
    "customerpayment": frozenset({"subsidiary"}),
}
# A status shows in BUILTIN.DF as "<record type> : <status>"; the record service's refName
# is the status alone.
STATUS_COLUMNS = frozenset({"status"})


# record type -> field read from the main line (`mainline` = 'T') -> transactionline column
MAIN_LINE_FIELDS: dict[str, dict[str, str]] = {
    "salesorder": {"subsidiary": "subsidiary"},
    "invoice": {"subsidiary": "subsidiary", "createdFrom": "createdfrom"},
}


@dataclass(frozen=True)
class ColumnRead:
    """One body field read from one column of the record's own table."""

    field: str  # record-service name
    column: str  # SuiteQL column
    kind: ColumnKind
    alias: str  # the column's name in the result rows

    def select(self) -> list[str]:
        """The select-list expressions: the value (and, for a reference, its display name)."""
        if self.kind == "datetime":
            return [f"TO_CHAR({self.column}, '{TO_CHAR_DATETIME}') AS {self.alias}"]
        if self.kind == "date":
            return [f"TO_CHAR({self.column}, '{TO_CHAR_DATE}') AS {self.alias}"]
        return [f"{self.column} AS {self.alias}"]

    @property
    def is_reference(self) -> bool:
        return self.kind in ("ref", "status")


@dataclass(frozen=True)
class BodyPlan:
    """How a page of records of one type, with the wanted fields, is read through SuiteQL."""

    obj: str
    columns: tuple[ColumnRead, ...]
    sublists: tuple[str, ...]  # sublist sources (`suiteql_rows.SUBLISTS` keys) to query
    main_line: tuple[str, ...]  # fields read from the main line of `transactionline`
    unserved: tuple[str, ...]  # wanted fields SuiteQL cannot serve

    @property
    def servable(self) -> bool:
        return not self.unserved

    @property
    def displays(self) -> tuple[ColumnRead, ...]:
        """The reference columns, whose display names (`refName`) come from `display_query`."""
        return tuple(column for column in self.columns if column.is_reference)


def column_kind(name: str, prop: Mapping[str, Any]) -> ColumnKind | None:
    """How a catalog property reads from a column; None for sublists and subrecords."""
    if name == "id":
        return "id"
    json_type = prop.get("type")
    if isinstance(json_type, list):
        json_type = next((t for t in json_type if t != "null"), "string")
    if json_type == "object" or (json_type is None and "$ref" in prop):
        props = prop.get("properties") or {}
        return "ref" if "id" in props and "items" not in props else None
    if json_type == "boolean":
        return "boolean"
    if json_type in ("number", "integer"):
        return "number"
    fmt = str(prop.get("format", ""))
    return {"date-time": "datetime", "date": "date"}.get(fmt, "text")  # type: ignore[return-value]


def wanted_fields(properties: Mapping[str, Any], fields: Sequence[str] | None) -> list[str]:
    """The catalog fields a read keeps (`dialect.record_from_wire`'s rule): all of them for
    None, else each requested field's top-level name (`terms_refName` -> `terms`)."""
    names = [n for n in properties if n != "links"]
    if fields is None:
        return names
    keep = {"id", *(wire_field(f.split(".")[0]) for f in fields)}
    return [n for n in names if n in keep]


def plan_bodies(
    obj: str, schema: Mapping[str, Any], fields: Sequence[str] | None, sublists: Mapping[str, Any]
) -> BodyPlan:
    """The plan for reading `fields` of `obj` (its catalog JSON `schema`) through SuiteQL;
    `sublists` are the sublist sources known for this record type (by sublist field)."""
    kind_of = obj.lower()
    properties: Mapping[str, Any] = schema.get("properties") or {}
    renamed = COLUMN_NAMES.get(kind_of, {})
    no_column = NO_COLUMN.get(kind_of, frozenset())
    columns: list[ColumnRead] = []
    sources: list[str] = []
    main_line: list[str] = []
    unserved: list[str] = []
    for name in wanted_fields(properties, fields):
        kind = column_kind(name, properties[name])
        if name in sublists:
            sources.append(name)
        elif kind is None:
            unserved.append(name)
        elif name in no_column:
            (main_line if name in MAIN_LINE_FIELDS.get(kind_of, {}) else unserved).append(name)
        elif name != "id":
            column = renamed.get(name, name.lower())
            kind = "status" if kind == "ref" and column in STATUS_COLUMNS else kind
            columns.append(ColumnRead(name, column, kind, f"c{len(columns)}"))
    return BodyPlan(obj, tuple(columns), tuple(sources), tuple(main_line), tuple(unserved))


def body_query(
    table: str,
    conditions: Sequence[str],
    plan: BodyPlan,
    *,
    external_ids: bool = False,
    order: str = "lastmodifieddate, id",
) -> str:
    """The key columns (`id`, `modified`, and `externalid` when asked) plus every column the
    plan reads, from `table` under `conditions`, in `order`."""
    select = ["id", f"TO_CHAR(lastmodifieddate, '{TO_CHAR_DATETIME}') AS modified"]
    if external_ids:
        select.append("externalid")
    select += [expr for column in plan.columns for expr in column.select()]
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT {', '.join(select)} FROM {table}{where} ORDER BY {order}"


def display_query(
    table: str, conditions: Sequence[str], plan: BodyPlan, ids: Sequence[str], after: Any = None
) -> str:
    """The display names (`BUILTIN.DF`) of the plan's reference columns for records `ids`.

    Asked apart from the body page, beside the page's line queries: a body query without
    display names stays a plain single-table read, cheap for the account to page through."""
    names = [f"BUILTIN.DF({c.column}) AS {c.alias}" for c in plan.displays]
    listed = ", ".join(i if i.isdigit() else "'" + i.replace("'", "''") + "'" for i in ids)
    where = [*conditions, f"id IN ({listed})", *id_after(after)]
    return f"SELECT id, {', '.join(names)} FROM {table} WHERE {' AND '.join(where)} ORDER BY id"


def id_after(after: Any) -> list[str]:
    """The keyset condition of a query ordered by id, past the id `after` (none for None)."""
    if after is None:
        return []
    text = str(after)
    return [f"id > {text}" if text.isdigit() else "id > '" + text.replace("'", "''") + "'"]


def fold_displays(
    rows: Sequence[Mapping[str, Any]], plan: BodyPlan, bodies: Mapping[str, dict[str, Any]]
) -> None:
    """Give each reference in `bodies` the display name its record's row shows."""
    displays = plan.displays
    for row in rows:
        body = bodies.get(str(row.get("id")))
        if body is None:
            continue
        for column in displays:
            ref, name = body.get(column.field), row.get(column.alias)
            if isinstance(ref, dict) and name is not None:
                text = str(name)
                ref["refName"] = text.split(" : ", 1)[-1] if column.kind == "status" else text


# -- rows -> record-service JSON -----------------------------------------------------------


def number(text: Any) -> int | float:
    """A SuiteQL number (a string) as JSON would carry it: integral text as an int."""
    value = str(text)
    try:
        return int(value)
    except ValueError:
        return float(value)


def iso_datetime(text: Any) -> str:
    """A TO_CHAR'd datetime in the record service's spelling (`...T10:22:00Z`)."""
    return f"{text}Z"


def reference(value: Any, display: Any) -> dict[str, Any]:
    """A reference as the record service writes one: id, and refName when there is one."""
    ref: dict[str, Any] = {"id": str(value)}
    if display is not None:
        ref["refName"] = str(display)
    return ref


def column_value(row: Mapping[str, Any], column: ColumnRead) -> Any:
    """The record-service value of one column of a row; None when SuiteQL left it out."""
    value = row.get(column.alias)
    if value is None:
        return None
    kind = column.kind
    if kind == "number":
        return number(value)
    if kind == "boolean":
        return value == "T"
    if kind == "datetime":
        return iso_datetime(value)
    if column.is_reference:  # its display name comes later (`fold_displays`)
        return reference(value, None)
    return str(value)


def wire_body(row: Mapping[str, Any], plan: BodyPlan) -> dict[str, Any]:
    """The record-service JSON of one body row: `id` and every planned column that is not
    NULL (the record service leaves empty fields out too)."""
    body: dict[str, Any] = {"id": str(row["id"])}
    for column in plan.columns:
        value = column_value(row, column)
        if value is not None:
            body[column.field] = value
    return body


__all__ = [
    "BodyPlan",
    "ColumnRead",
    "body_query",
    "column_kind",
    "plan_bodies",
    "wanted_fields",
    "wire_body",
]

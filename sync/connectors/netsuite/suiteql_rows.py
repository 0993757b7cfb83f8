"""Sublists and main-line fields through SuiteQL line tables: the queries and the rows made
into record-service JSON. Pure, no I/O.

Each `LineSource` serves one record type's lines for a whole page of records at once
(`WHERE <parent> IN (...)`), in the record service's line order:

- a customer's `addressBook`: `customeraddressbook` joined to the address itself in
  `customeraddressbookentityaddress`, lines in address book order (`internalid`);
- a sales order's or invoice's `item` lines: `transactionline`, item lines in
  `linesequencenumber` order, with NetSuite's posting signs undone (a sales line's
  `quantity` and `foreignamount` read negative in SuiteQL, positive in the record); its main
  line (`mainline` = 'T') holds the `subsidiary` and `createdFrom` the `transaction` table
  does not.

An inventory item's `price` and `locations` sublists are not served: their tables
(`pricing`, `inventoryitemlocations`) carry no line number, so the record service's line
order cannot be rebuilt from them; those records are read from the record service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sync.connectors.netsuite.suiteql_plan import MAIN_LINE_FIELDS, number, reference

Row = Mapping[str, Any]
After = tuple[Any, Any] | None  # the (parent, line) key of the last row served, for keyset paging

# The most values one IN list may hold (Oracle's limit, which SuiteQL inherits).
IN_LIST_MAX = 1000
# Every main-line field any record type reads -> its transactionline column.
_MAIN_LINE_COLUMNS = {f: c for fields in MAIN_LINE_FIELDS.values() for f, c in fields.items()}


@dataclass(frozen=True)
class LineSource:
    """One line table serving a record type: the sublist it fills (None: main-line fields
    only), the line fields it knows, the query for a page of parents, and a row's line."""

    sublist: str | None
    children: frozenset[str]
    query: Callable[[Sequence[str], After], str]  # (parents, past this key) -> the query
    line: Callable[[Row], dict[str, Any] | None]  # None: the row is not a sublist line
    main_line: Callable[[Row], dict[str, Any]] | None = None  # main-line fields of a row

    def covers(self, children: Sequence[str]) -> bool:
        """Whether every line field the catalog lists is one this source can fill."""
        return set(children) <= self.children


def literal(value: Any) -> str:
    """An internal id (or line key) as SuiteQL literal: a number, else a quoted string."""
    text = str(value)
    return text if text.isdigit() else "'" + text.replace("'", "''") + "'"


def id_list(ids: Sequence[str]) -> str:
    """Internal ids as an IN list of numbers (an id that is not a number is quoted)."""
    return ", ".join(literal(i) for i in ids)


def past(parent: str, line: str, after: After) -> str:
    """The keyset condition for rows after `after` in (parent, line) order ('' for none):
    line queries page like the key query, never by offset, so a record deleted between
    two pages cannot shift another record's lines past the reader."""
    if after is None:
        return ""
    p, n = literal(after[0]), literal(after[1])
    return f" AND ({parent} > {p} OR ({parent} = {p} AND {line} > {n}))"


def row_after(row: Row) -> After:
    return row.get("parent"), row.get("seq")


def _present(line: dict[str, Any]) -> dict[str, Any]:
    """The record service leaves an empty value out of a line (booleans always show)."""
    return {k: v for k, v in line.items() if v is not None}


# -- customer: addressBook ------------------------------------------------------------------

_ADDRESS_PARTS = ("addr1", "addr2", "city", "state", "zip", "country")


def _address_book_query(ids: Sequence[str], after: After) -> str:
    parts = ", ".join(f"a.{p} AS {p}" for p in _ADDRESS_PARTS)
    return (
        "SELECT ab.entity AS parent, ab.internalid AS seq, ab.defaultbilling AS defaultbilling,"
        f" ab.defaultshipping AS defaultshipping, ab.label AS label, {parts},"
        " a.addrtext AS addrtext FROM customeraddressbook ab"
        " LEFT JOIN customeraddressbookentityaddress a ON a.nkey = ab.addressbookaddress"
        f" WHERE ab.entity IN ({id_list(ids)}){past('ab.entity', 'ab.internalid', after)}"
        " ORDER BY ab.entity, ab.internalid"
    )


def _address_book_line(row: Row) -> dict[str, Any]:
    address = {p: str(row[p]) for p in _ADDRESS_PARTS if row.get(p) is not None}
    # The record service always shows the computed address text, empty or not.
    address["addrText"] = str(row.get("addrtext") or "")
    line = {
        "defaultBilling": row.get("defaultbilling") == "T",
        "defaultShipping": row.get("defaultshipping") == "T",
        "label": None if row.get("label") is None else str(row["label"]),
        "addressBookAddress": address,
    }
    return _present(line)


ADDRESS_BOOK = LineSource(
    sublist="addressBook",
    children=frozenset({"defaultBilling", "defaultShipping", "label", "addressBookAddress"}),
    query=_address_book_query,
    line=_address_book_line,
)


# -- salesOrder / invoice: item lines and the main line ---------------------------------------


def _transaction_lines_query(ids: Sequence[str], after: After) -> str:
    return (
        "SELECT transaction AS parent, linesequencenumber AS seq, mainline, id AS lineid,"
        " item, BUILTIN.DF(item) AS item_df, quantity, rate, foreignamount, memo,"
        " subsidiary, BUILTIN.DF(subsidiary) AS subsidiary_df,"
        " createdfrom, BUILTIN.DF(createdfrom) AS createdfrom_df"
        f" FROM transactionline WHERE transaction IN ({id_list(ids)}) AND taxline = 'F'"
        f"{past('transaction', 'linesequencenumber', after)}"
        " ORDER BY transaction, linesequencenumber"
    )


def _unsigned(value: Any) -> int | float | None:
    """A sales line's posting-signed SuiteQL amount as the record shows it (positive)."""
    return None if value is None else -number(value)


def _item_line(row: Row) -> dict[str, Any] | None:
    if row.get("mainline") == "T":
        return None
    item = row.get("item")
    line = {
        "line": None if row.get("lineid") is None else number(row["lineid"]),
        "item": None if item is None else reference(item, row.get("item_df")),
        "quantity": _unsigned(row.get("quantity")),
        "rate": None if row.get("rate") is None else number(row["rate"]),
        "amount": _unsigned(row.get("foreignamount")),
        "description": None if row.get("memo") is None else str(row["memo"]),
    }
    return _present(line)


def _main_line(row: Row) -> dict[str, Any]:
    if row.get("mainline") != "T":
        return {}
    fields: dict[str, Any] = {}
    for field, column in _MAIN_LINE_COLUMNS.items():
        if row.get(column) is not None:
            fields[field] = reference(row[column], row.get(f"{column}_df"))
    return fields


TRANSACTION_LINES = LineSource(
    sublist="item",
    children=frozenset({"line", "item", "quantity", "rate", "amount", "description"}),
    query=_transaction_lines_query,
    line=_item_line,
    main_line=_main_line,
)

# record type (lower case) -> sublist field -> its source
SUBLISTS: dict[str, dict[str, LineSource]] = {
    "customer": {"addressBook": ADDRESS_BOOK},
    "salesorder": {"item": TRANSACTION_LINES},
    "invoice": {"item": TRANSACTION_LINES},
}


def sublist_sources(obj: str, properties: Mapping[str, Any]) -> dict[str, LineSource]:
    """The sources serving `obj`'s sublists whose catalog line fields they all cover."""
    known = SUBLISTS.get(obj.lower(), {})
    served = {}
    for name, source in known.items():
        item = ((properties.get(name) or {}).get("properties") or {}).get("items") or {}
        children = list((item.get("items") or {}).get("properties") or {})
        if children and source.covers(children):
            served[name] = source
    return served


def main_line_source(obj: str) -> LineSource | None:
    """The line table holding `obj`'s main-line fields (`MAIN_LINE_FIELDS`), if any."""
    return TRANSACTION_LINES if obj.lower() in MAIN_LINE_FIELDS else None


def fold_lines(
    rows: Sequence[Row], source: LineSource, bodies: Mapping[str, dict[str, Any]],
    *, sublist: bool, main_fields: Sequence[str],
) -> None:  # fmt: skip
    """Put each row's line into its parent's body (`sublist`), in row order, and the main
    line's `main_fields` beside the body's own fields."""
    for row in rows:
        body = bodies.get(str(row.get("parent")))
        if body is None:
            continue
        if sublist and source.sublist is not None:
            line = source.line(row)
            if line is not None:
                body[source.sublist]["items"].append(line)
        if main_fields and source.main_line is not None:
            extra = source.main_line(row)
            body.update({k: v for k, v in extra.items() if k in main_fields})


__all__ = [
    "ADDRESS_BOOK",
    "IN_LIST_MAX",
    "SUBLISTS",
    "TRANSACTION_LINES",
    "LineSource",
    "fold_lines",
    "id_list",
    "literal",
    "main_line_source",
    "past",
    "row_after",
    "sublist_sources",
]

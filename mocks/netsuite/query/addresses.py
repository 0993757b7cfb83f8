"""A customer's addresses as SuiteQL reads them: three tables over the `addressBook` sublist.

NetSuite keeps an entity's addresses apart from the entity: `customeraddressbook` holds one
row per address book line (`entity`, `internalid`, `defaultbilling`, `defaultshipping`,
`label`) and points with `addressbookaddress` at the address itself, whose key is `nkey`,
in `customeraddressbookentityaddress` (or the all-entities `entityaddress`). The customer
points at its default addresses with `defaultbillingaddress` / `defaultshippingaddress`.
So the usual integration queries read:

    FROM customer c JOIN customeraddressbook ab ON ab.entity = c.id
    JOIN customeraddressbookentityaddress a ON a.nkey = ab.addressbookaddress

    FROM customer c LEFT JOIN entityaddress a ON a.nkey = c.defaultbillingaddress

The mock stores an address inside its book line, so a line's keys are made from its place:
`internalid` and `nkey` are `customer id * 1000 + line number` (stable while the book is
not reordered; NetSuite's are independent sequences, which no query should rely on).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from mocks.netsuite.query.tables import (
    COUNTRY,
    Getter,
    Parents,
    RefTarget,
    Row,
    Table,
    _records,
    by_parent,
)
from mocks.netsuite.render import address_text
from mocks.store import RecordStore, StoredRecord

_LINES_PER_CUSTOMER = 1000
_ADDRESS_PARTS = ("addr1", "addr2", "city", "state", "zip", "country")


def _key(rec: StoredRecord, number: int) -> int | None:
    return int(rec.id) * _LINES_PER_CUSTOMER + number if rec.id.isdigit() else None


def _book_lines(rec: StoredRecord) -> Iterator[Row]:
    for number, line in enumerate(rec.fields.get("addressBook") or [], start=1):
        yield Row(rec, line, number)


def _book_rows(store: RecordStore) -> Iterator[Row]:
    for rec in _records("customer")(store):
        yield from _book_lines(rec)


def _whole(value: Any) -> int | None:
    """A key as `=` compares it (numbers as numbers, numeric text too); None: no line's key."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() and number > 0 else None


def _flag(name: str) -> Getter:
    return lambda row: "T" if (row.line or {}).get(name) else "F"


def _text(value: Any) -> Any:
    return None if value is None or value == "" else value


def _address_part(name: str) -> Getter:
    return lambda row: _text(((row.line or {}).get("addressBookAddress") or {}).get(name))


def _address_text(row: Row) -> Any:
    return _text(address_text((row.line or {}).get("addressBookAddress") or {}))


def _line_key(row: Row) -> int | None:
    return _key(row.rec, row.number)


def _customer_ref(row: Row) -> str:
    return "customer"


def _address_table(name: str) -> Table:
    columns: dict[str, Getter] = {"nkey": _line_key}
    columns.update({part: _address_part(part) for part in _ADDRESS_PARTS})
    columns["addrtext"] = _address_text
    refs: dict[str, RefTarget] = {"country": lambda row: COUNTRY}
    return Table(name, columns, _book_rows, refs=refs, keyed=Parents("nkey", _lines_by_key))


def _lines_by_key(store: RecordStore, keys: Iterable[int]) -> list[Row]:
    """The address lines whose `nkey` is one of `keys` (a key names its customer and line),
    in the table's own row order."""
    wanted = {n for n in map(_whole, keys) if n is not None}
    parents = {key // _LINES_PER_CUSTOMER for key in wanted}
    lines = by_parent(("customer",), _book_lines)(store, parents)
    return [row for row in lines if _line_key(row) in wanted]


def address_tables() -> dict[str, Table]:
    """`customeraddressbook`, `customeraddressbookentityaddress` and `entityaddress`."""
    book: dict[str, Getter] = {
        "entity": lambda row: int(row.rec.id) if row.rec.id.isdigit() else row.rec.id,
        "internalid": _line_key,
        "defaultbilling": _flag("defaultBilling"),
        "defaultshipping": _flag("defaultShipping"),
        "label": lambda row: _text((row.line or {}).get("label")),
        "addressbookaddress": _line_key,
    }
    return {
        "customeraddressbook": Table(
            "customeraddressbook",
            book,
            _book_rows,
            refs={"entity": _customer_ref},
            parents=Parents("entity", by_parent(("customer",), _book_lines)),
        ),
        "customeraddressbookentityaddress": _address_table("customeraddressbookentityaddress"),
        "entityaddress": _address_table("entityaddress"),
    }


def _default_address(flag: str) -> Getter:
    def get(rec: StoredRecord) -> int | None:
        for number, line in enumerate(rec.fields.get("addressBook") or [], start=1):
            if line.get(flag):
                return _key(rec, number)
        return None

    return get


def customer_defaults() -> dict[str, Getter]:
    """The customer table's keys of its default billing and shipping addresses."""
    return {
        "defaultbillingaddress": _default_address("defaultBilling"),
        "defaultshippingaddress": _default_address("defaultShipping"),
    }

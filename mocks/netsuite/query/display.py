"""`BUILTIN.DF`: what NetSuite shows for a reference or list value instead of its key.

A reference shows the record's name (the `refName` the record service gives the same
reference, so both APIs agree); a country its name; a transaction status its record type
and status ("Sales Order : Pending Fulfillment", as a status reads in NetSuite's lists).
Any other value shows as itself.
"""

from __future__ import annotations

from typing import Any

from mocks.netsuite.query.tables import COUNTRY
from mocks.netsuite.render import Renderer
from mocks.netsuite.schema import BUILT_IN_REFS, RECORD_TYPES, country_name
from mocks.store import RecordStore

# A status list -> the record type whose statuses it holds.
_STATUS_OWNERS = {"salesOrderStatus": "salesOrder", "invoiceStatus": "invoice"}


def display_value(store: RecordStore, target: str | None, value: Any) -> Any:
    """The display text of `value` in a column pointing at `target` (None: not a reference).

    A reference to a record that no longer exists shows nothing (NULL)."""
    if value is None or target is None:
        return value
    key = str(value)
    if target == COUNTRY:
        return country_name(key) or key
    if target in _STATUS_OWNERS:
        status = BUILT_IN_REFS[target].get(key)
        owner = RECORD_TYPES[_STATUS_OWNERS[target]].title
        return None if status is None else f"{owner} : {status}"
    return Renderer(store, "").ref_name(target, key)

"""The read side's pure parts: query options from a view and the service's metadata,
change stamps, and the child paths an update needs, kept from what a read expanded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sync.connectors.sap import dialect
from sync.connectors.sap import values as vals
from sync.connectors.sap.metadata import EntityType, ServiceMetadata
from sync.connectors.sap.views import View

__all__ = [
    "child_links",
    "delta_filter",
    "expandable",
    "generic_view",
    "modified_at",
    "origin",
    "select_list",
]


def expandable(service: ServiceMetadata, entity: EntityType, paths: Sequence[str]) -> list[str]:
    """The `$expand` paths whose every step the metadata declares."""
    kept = []
    for path in paths:
        current: EntityType | None = entity
        for step in path.split("/"):
            nav = current.navigations.get(step) if current else None
            current = service.types.get(nav.target) if nav else None
            if nav is None:
                break
        else:
            kept.append(path)
    return kept


def select_list(view: View, entity: EntityType, fields: Sequence[str] | None) -> list[str] | None:
    """`$select` for a read of plain properties only; None (everything, expanded) when the
    caller wants a derived field or every field."""
    if fields is None or view.key not in entity.properties:
        return None
    if any(f not in entity.properties for f in fields):
        return None
    extra = [view.key, *(s for s in view.stamp or () if s)]
    if view.external_id:
        extra.append(view.external_id)
    return [*fields, *extra]


def delta_filter(
    view: View, entity: EntityType, floor: datetime | None, lookback: timedelta
) -> str | None:
    """Records changed at or after `floor - lookback`: on the date-and-time pair
    (`D gt day or (D eq day and T ge time)`) or on the date-time stamp."""
    if floor is None or view.stamp is None:
        return None
    start = floor - lookback
    date_prop, time_prop = view.stamp
    if time_prop is None:
        edm = entity.properties[date_prop].edm if date_prop in entity.properties else ""
        offset = edm == "Edm.DateTimeOffset"
        literal = vals.datetimeoffset_literal(start) if offset else vals.datetime_literal(start)
        return f"{date_prop} ge {literal}"
    day = vals.datetime_literal(datetime.combine(start.date(), datetime.min.time(), UTC))
    moment = vals.time_literal(start)
    return f"{date_prop} gt {day} or ({date_prop} eq {day} and {time_prop} ge {moment})"


def generic_view(obj: str, service: str, entity: EntityType) -> View:
    props = entity.properties
    stamp: tuple[str, str | None] | None = None
    if "LastChangeDateTime" in props:
        stamp = ("LastChangeDateTime", None)
    elif "LastChangeDate" in props:
        stamp = ("LastChangeDate", "LastChangeTime" if "LastChangeTime" in props else None)
    key = entity.keys[0] if len(entity.keys) == 1 else ""
    return View(obj, service, obj, key, None, stamp)


def modified_at(view: View, plain: Mapping[str, Any]) -> datetime | None:
    if view.stamp is None:
        return None
    date_prop, time_prop = view.stamp
    moment = vals.stamp(plain.get(date_prop), plain.get(time_prop) if time_prop else None)
    if moment is None and date_prop == "LastChangeDate":  # never changed since created
        moment = vals.stamp(plain.get("CreationDate"), plain.get("CreationTime"))
    return moment


def child_links(row: Mapping[str, Any]) -> dict[str, Any]:
    """Paths and ETags of the expanded children a later update may PATCH: the first
    address and its channels, or the items of an order (by item number); and a business
    partner's role codes, so an update adds the customer roles it lacks."""
    links: dict[str, Any] = {}
    addresses = row.get("to_BusinessPartnerAddress")
    rows = addresses.get("results") if isinstance(addresses, dict) else addresses
    if isinstance(rows, list) and rows:
        address = min(rows, key=lambda a: str(a.get("AddressID", "")))
        links["address"] = (
            dialect.uri_path(address),
            dialect.etag_of(address),
            address.get("AddressID"),
        )
        for nav in ("to_EmailAddress", "to_PhoneNumber", "to_MobilePhoneNumber"):
            value = address.get(nav)
            items = value.get("results") if isinstance(value, dict) else value
            if isinstance(items, list) and items:
                chosen = min(items, key=lambda i: str(i.get("OrdinalNumber", "")))
                links[nav] = (dialect.uri_path(chosen), dialect.etag_of(chosen))
    roles = row.get("to_BusinessPartnerRole")
    if isinstance(roles, (dict, list)) and not (isinstance(roles, dict) and "__deferred" in roles):
        links["roles"] = sorted(str(r.get("BusinessPartnerRole")) for r in nav_rows(roles))
    texts = nav_rows(row.get("to_Description"))
    if texts:
        links["to_Description"] = {
            str(t.get("Language")): (dialect.uri_path(t), dialect.etag_of(t)) for t in texts
        }
    items = row.get("to_Item")
    lines = items.get("results") if isinstance(items, dict) else items
    if isinstance(lines, list):
        links["to_Item"] = {
            str(i.get("SalesOrderItem") or i.get("BillingDocumentItem")): (
                dialect.uri_path(i),
                dialect.etag_of(i),
            )
            for i in lines
        }
    return links


def nav_rows(value: Any) -> list[dict[str, Any]]:
    rows = value.get("results") if isinstance(value, dict) else value
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()

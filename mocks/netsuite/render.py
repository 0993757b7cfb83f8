"""Stored records rendered as NetSuite record JSON: links, references and sublists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

from mocks.netsuite.dates import iso_z
from mocks.netsuite.schema import BUILT_IN_REFS, FieldSpec, RecordSpec, country_name, record_spec
from mocks.store import RecordStore, StoredRecord

RECORD_PATH = "/services/rest/record/v1"
_TIMESTAMPS: dict[str, Callable[[StoredRecord], datetime]] = {
    "dateCreated": attrgetter("created_at"),
    "createdDate": attrgetter("created_at"),
    "lastModifiedDate": attrgetter("modified_at"),
}


# What a reference's refName shows, by the first of these the target record has.
_NAME_FIELDS = ("name", "companyName", "entityId", "itemId")
_ENUMS = frozenset({"salesOrderStatus", "invoiceStatus"})


def record_url(base: str, record_type: str, record_id: str | None = None) -> str:
    """Absolute URL of a record type collection or one record."""
    url = f"{base.rstrip('/')}{RECORD_PATH}/{record_type}"
    return url if record_id is None else f"{url}/{record_id}"


def self_link(href: str) -> list[dict[str, str]]:
    return [{"rel": "self", "href": href}]


def timestamp(rec: StoredRecord, name: str) -> datetime | None:
    getter = _TIMESTAMPS.get(name)
    return getter(rec) if getter else None


def timestamp_getter(name: str) -> Callable[[StoredRecord], datetime] | None:
    """What `timestamp(rec, name)` reads, as one function (None: the field has no timestamp)."""
    return _TIMESTAMPS.get(name)


class Renderer:
    """Renders records of one store for clients of one base URL."""

    def __init__(self, store: RecordStore, base: str) -> None:
        self.store = store
        self.base = base

    def record(
        self,
        spec: RecordSpec,
        rec: StoredRecord,
        *,
        expand: bool = False,
        only: Iterable[FieldSpec] | None = None,
    ) -> dict[str, Any]:
        href = record_url(self.base, spec.name, rec.id)
        wanted = None if only is None else {f.name for f in only} | {"id"}
        out: dict[str, Any] = {"links": self_link(href)}
        for field in spec.fields:
            if wanted is not None and field.name not in wanted:
                continue
            value = self._value(field, rec, href, expand)
            if value is not None:
                out[field.name] = value
        return out

    def list_item(self, spec: RecordSpec, rec: StoredRecord) -> dict[str, Any]:
        return {"links": self_link(record_url(self.base, spec.name, rec.id)), "id": rec.id}

    def sublist(self, field: FieldSpec, rec: StoredRecord, href: str) -> dict[str, Any]:
        """An expanded sublist, as served inline or at `<record>/<sublist>`."""
        items = [self._sublist_item(field, item) for item in rec.fields.get(field.name) or []]
        return {
            "links": self_link(f"{href}/{field.name}"),
            "items": items,
            "totalResults": len(items),
            "count": len(items),
            "hasMore": False,
            "offset": 0,
        }

    def _value(self, field: FieldSpec, rec: StoredRecord, href: str, expand: bool) -> Any:
        if field.kind == "id":
            return rec.id
        if field.kind == "datetime":
            when = timestamp(rec, field.name)
            return iso_z(when) if when else None
        if field.kind == "sublist":
            if expand:
                return self.sublist(field, rec, href)
            return {"links": self_link(f"{href}/{field.name}")}
        value = rec.fields.get(field.name)
        if value is None or value == "":
            return None
        if field.kind == "ref":
            return self.reference(field.ref_type or "", str(value))
        return value

    def reference(self, target: str, ref_id: str) -> dict[str, Any]:
        ref: dict[str, Any] = {"id": ref_id}
        name = self.ref_name(target, ref_id)
        if name is not None:
            ref["refName"] = name
        if target not in _ENUMS:  # a status is a value, not a record: no link
            ref["links"] = self_link(record_url(self.base, target, ref_id))
        return ref

    def ref_name(self, target: str, ref_id: str) -> str | None:
        if target in BUILT_IN_REFS:
            return BUILT_IN_REFS[target].get(ref_id)
        spec = record_spec(target)
        rec = self.store.get(target, ref_id) if spec else None
        if rec is None:
            return None
        fields = rec.fields
        if spec is not None and spec.transaction and fields.get("tranId"):
            return f"{spec.title} #{fields['tranId']}"  # "Sales Order #SO1001"
        name = next((fields[k] for k in _NAME_FIELDS if fields.get(k)), None)
        return None if name is None else str(name)

    def _sublist_item(self, field: FieldSpec, item: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for child in field.children:
            value = item.get(child.name)
            if child.kind == "boolean":
                out[child.name] = bool(value)
            elif child.kind == "ref" and value not in (None, ""):
                out[child.name] = self.reference(child.ref_type or "", str(value))
            elif child.kind == "object":
                out[child.name] = _address(value or {})
            elif value not in (None, ""):
                out[child.name] = value
        return out


def _address(address: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in address.items() if v not in (None, "")}
    out["addrText"] = address_text(address)
    return out


def address_text(address: dict[str, Any]) -> str:
    """The printable address NetSuite computes from the address fields."""
    lines = [address[k] for k in ("addr1", "addr2") if address.get(k)]
    city_line = " ".join(address[k] for k in ("city", "state", "zip") if address.get(k))
    if city_line:
        lines.append(city_line)
    country = address.get("country")
    if country:
        lines.append(country_name(country) or country)
    return "\n".join(lines)

"""Reading entities out of the store and rendering them as SAP's JSON: `__metadata` with id,
uri, type and etag, `/Date(ms)/` values, deferred or expanded navigation properties."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from mocks.sap.errors import not_found
from mocks.sap.odata.model import EntityType, Nav, Service, record_id
from mocks.sap.odata.paths import key_predicate
from mocks.sap.odata.values import to_wire
from mocks.sap.schema import ENTITY_TYPES
from mocks.store import RecordStore, StoredRecord

# $expand as a tree: nav name -> what to expand below it
Expand = dict[str, "Expand"]


def etag_of(etype: EntityType, rec: StoredRecord) -> str | None:
    """A weak ETag that moves with every write of the record (types with a change stamp)."""
    if not etype.has_etag:
        return None
    seed = f"{rec.obj}|{rec.id}|{rec.version}|{rec.modified_at.isoformat()}".encode()
    return f"W/\"'{hashlib.sha1(seed).hexdigest()[:20].upper()}'\""


def parse_expand(text: str) -> Expand:
    tree: Expand = {}
    for path in (p.strip() for p in text.split(",")):
        node = tree
        for name in (n for n in path.split("/") if n):
            node = node.setdefault(name, {})
    return tree


@dataclass
class Reader:
    """Entity access for one service and one request base URL (`https://host:port`)."""

    store: RecordStore
    service: Service
    origin: str

    @property
    def root(self) -> str:
        return f"{self.origin}/sap/opu/odata/sap/{self.service.name}/"

    def get(self, etype: EntityType, keys: dict[str, Any]) -> StoredRecord:
        rec = self.store.get(etype.set_name, record_id(etype, keys))
        if rec is None:
            raise not_found(etype.type_name)
        return rec

    def related(self, nav: Nav, fields: dict[str, Any]) -> list[StoredRecord]:
        """The records a navigation property leads to from an entity with `fields`."""
        target = ENTITY_TYPES[nav.target]
        (first_p, first_d), *rest = nav.on
        rows = self.store.find(target.set_name, first_d, fields.get(first_p))
        return [
            r
            for r in rows
            if all(r.fields.get(d) == fields.get(p) for p, d in rest) and nav.holds(r.fields)
        ]

    def uri(self, etype: EntityType, fields: dict[str, Any]) -> str:
        return f"{self.root}{etype.set_name}({key_predicate(etype, fields)})"

    def render(
        self,
        etype: EntityType,
        rec: StoredRecord,
        expand: Expand | None = None,
        select: set[str] | None = None,
    ) -> dict[str, Any]:
        """One entity as SAP's JSON."""
        fields = rec.fields
        uri = self.uri(etype, fields)
        meta: dict[str, Any] = {
            "id": uri,
            "uri": uri,
            "type": f"{self.service.name}.{etype.type_name}",
        }
        etag = etag_of(etype, rec)
        if etag is not None:
            meta["etag"] = etag
        out: dict[str, Any] = {"__metadata": meta}
        for prop in etype.props:
            if select is None or prop.name in select:
                out[prop.name] = to_wire(prop, fields.get(prop.name))
        expand = expand or {}
        for nav in etype.navs:
            if nav.name in expand:
                out[nav.name] = self._expanded(nav, fields, expand[nav.name])
            elif select is None or nav.name in select:
                out[nav.name] = {"__deferred": {"uri": f"{uri}/{nav.name}"}}
        return out

    def _expanded(self, nav: Nav, fields: dict[str, Any], below: Expand) -> Any:
        target = ENTITY_TYPES[nav.target]
        rows = sorted(self.related(nav, fields), key=lambda r: r.id)
        rendered = [self.render(target, r, below) for r in rows]
        if nav.many:
            return {"results": rendered}
        return rendered[0] if rendered else None

    def check_expand(self, etype: EntityType, tree: Expand) -> None:
        """404 naming the segment when an $expand path names no navigation property."""
        for name, below in tree.items():
            nav = etype.nav_by_name.get(name)
            if nav is None:
                raise not_found(name)
            self.check_expand(ENTITY_TYPES[nav.target], below)


__all__ = ["Expand", "Reader", "etag_of", "parse_expand"]

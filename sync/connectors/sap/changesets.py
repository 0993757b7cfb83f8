"""The requests of one record's change set: pure of I/O but for the metadata and the
ETags and child paths the connector kept from its reads.

A create is one deep insert. An update is a PATCH of the entity's own properties with
`If-Match`, plus, where the record's derived parts changed, PATCHes of its address and
channels (or POSTs creating them), of a product's descriptions, and of an order's items by
number (new numbers POSTed, missing ones DELETEd). Every PATCH of an entity whose ETag the
connector holds carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sync.connectors.sap import dialect, shapes
from sync.connectors.sap.batch import BatchRequest
from sync.connectors.sap.metadata import EntityType, ServiceMetadata
from sync.connectors.sap.views import CUSTOMER_ROLES, ORGANIZATION, View

if TYPE_CHECKING:
    from sync.connectors.sap.connector import SapConnector

__all__ = ["ChangeSets"]

_CHANNEL_FIELD = {
    "to_EmailAddress": "EmailAddress",
    "to_PhoneNumber": "PhoneNumber",
    "to_MobilePhoneNumber": "PhoneNumber",
}


class ChangeSets:
    """Builds the requests of each record's change set for `Writer`."""

    def __init__(self, connector: SapConnector) -> None:
        self.conn = connector

    def removal(self, view: View, entity: EntityType, record_id: str) -> BatchRequest:
        """A DELETE, or for master data SAP only flags, a PATCH setting its deletion flag."""
        if view.deletion is None:
            path = dialect.key_path(view.entity_set, entity, record_id)
            return BatchRequest("DELETE", path, headers=self.if_match(view, record_id))
        entity_set, flag, _ = view.deletion
        service = self.conn.service(view.service)
        target = service.entity(entity_set) or entity
        path = dialect.key_path(entity_set, target, record_id)
        same = entity_set == view.entity_set  # only then is the record's ETag this entity's
        return BatchRequest(
            "PATCH", path, {flag: True}, self.if_match(view, record_id) if same else {}
        )

    def _types(self, view: View) -> tuple[EntityType, ServiceMetadata]:
        return self.conn.entity(view), self.conn.service(view.service)

    def _body(self, view: View, record: Mapping[str, Any], entity: EntityType) -> dict[str, Any]:
        """The view's body for `record`, an organisation's name split at the part length
        `$metadata` gives now (SAP's 40 unless the service says otherwise)."""
        body = view.to_body(record, view.category)
        part = entity.properties.get(shapes.NAME_FIELDS[0])
        name = record.get("OrganizationName")
        if name is not None and view.category == "2" and part and part.max_length:
            body.update(zip(shapes.NAME_FIELDS, shapes.split_name(name, width=part.max_length),
                            strict=True))  # fmt: skip
        return body

    def create(self, view: View, record: Mapping[str, Any]) -> BatchRequest:
        entity, service = self._types(view)
        body = dialect.wire_row(self._body(view, record, entity), entity, service)
        return BatchRequest("POST", view.entity_set, body)

    def if_match(self, view: View, record_id: str) -> dict[str, str]:
        etag = self.conn.etags.get((view.obj, record_id))
        return {"If-Match": etag} if etag else {}

    def changes(self, view: View, record_id: str, fields: Mapping[str, Any]) -> list[BatchRequest]:
        """The PATCHes (and child creates) that bring record `record_id` to `fields`."""
        entity, service = self._types(view)
        body = self._body(view, fields, entity) if fields else {}
        own = {k: v for k, v in body.items() if k in entity.properties and k not in entity.keys}
        if "BusinessPartnerCategory" not in fields:  # a PATCH says only what it changes
            own.pop("BusinessPartnerCategory", None)
        path = dialect.key_path(view.entity_set, entity, record_id)
        requests = []
        if own:
            wire = dialect.wire_row(own, entity, service)
            requests.append(BatchRequest("PATCH", path, wire, self.if_match(view, record_id)))
        links = self.conn.links.get((view.obj, record_id), {})
        addresses = body.get("to_BusinessPartnerAddress")
        if isinstance(addresses, list) and addresses and "Address" in fields:
            requests += self._address(view, path, addresses[0], links)
        if "ProductDescription" in fields and isinstance(body.get("to_Description"), list):
            requests += self._texts(view, path, body["to_Description"], links)
        if "to_Item" in fields and isinstance(body.get("to_Item"), list):
            requests += self._items(view, path, body["to_Item"], links.get("to_Item") or {})
        requests += self.missing_roles(view, path, links)
        if not requests:  # nothing SAP stores changed: still check the record is there
            requests.append(BatchRequest("PATCH", path, {}, self.if_match(view, record_id)))
        return requests

    def end_link(self, contact_view: View, link: Mapping[str, Any]) -> BatchRequest:
        """The request ending a contact person's link to an organisation. SAP keys
        `A_BusinessPartnerContact` by its `ValidityEndDate`, so the link cannot be dated
        to end (a key is not updatable): it is deleted. Where `$metadata` says the end date
        is an updatable property, it is set to today instead, keeping the history."""
        entity, service = self._types(contact_view)
        keys = {k: link.get(k) for k in entity.keys}
        path = dialect.key_path(contact_view.entity_set, entity, keys)
        end = entity.properties.get("ValidityEndDate")
        if end is not None and end.updatable and not end.key:
            today = {"ValidityEndDate": datetime.now(UTC).date().isoformat()}
            return BatchRequest("PATCH", path, dialect.wire_row(today, entity, service))
        return BatchRequest("DELETE", path)

    @staticmethod
    def missing_roles(view: View, bp_path: str, links: Mapping[str, Any]) -> list[BatchRequest]:
        """POSTs of the customer roles an organisation lacks (a partner made in SAP for
        another purpose, or by hand): in the update's change set, so the partner is a
        customer exactly when the update lands. Only when the read said which roles it has
        (`roles`): a role POSTed twice would fail the change set."""
        if view.obj != ORGANIZATION or "roles" not in links:
            return []
        have = set(links["roles"])
        return [BatchRequest("POST", f"{bp_path}/to_BusinessPartnerRole",
                             {"BusinessPartnerRole": role})
                for role in CUSTOMER_ROLES if role not in have]  # fmt: skip

    def _relative(self, view: View, absolute: str | None) -> str | None:
        if not absolute:
            return None
        prefix = f"{view.root}/"
        return absolute[len(prefix) :] if absolute.startswith(prefix) else None

    def _address(
        self, view: View, bp_path: str, address: Mapping[str, Any], links: Mapping[str, Any]
    ) -> list[BatchRequest]:
        entity, service = self._types(view)
        nav = entity.navigations["to_BusinessPartnerAddress"]
        address_type = service.types[nav.target]
        known: Any = links.get("address")
        path = self._relative(view, known[0]) if known else None
        if path is None:  # no address yet: create one with its channels
            return [
                BatchRequest(
                    "POST",
                    f"{bp_path}/to_BusinessPartnerAddress",
                    dialect.wire_row(address, address_type, service),
                )
            ]
        own = {
            k: v
            for k, v in address.items()
            if k in address_type.properties and k not in address_type.keys
        }
        headers = {"If-Match": known[1]} if known[1] else {}
        requests = [BatchRequest("PATCH", path, dialect.wire_row(own, address_type), headers)]
        for channel, value_field in _CHANNEL_FIELD.items():
            rows = address.get(channel)
            if not isinstance(rows, list) or not rows:
                continue
            value = {value_field: rows[0].get(value_field)}
            child: Any = links.get(channel)
            child_path = self._relative(view, child[0]) if child else None
            if child_path:
                child_headers = {"If-Match": child[1]} if child[1] else {}
                requests.append(BatchRequest("PATCH", child_path, value, child_headers))
            else:
                requests.append(BatchRequest("POST", f"{path}/{channel}", value))
        return requests

    def _texts(
        self, view: View, product_path: str, texts: list[Any], links: Mapping[str, Any]
    ) -> list[BatchRequest]:
        """A product's descriptions: PATCHed per language when they exist, else created."""
        known = links.get("to_Description") or {}
        requests = []
        for text in texts:
            language = str(text.get("Language") or "EN")
            value = {"ProductDescription": text.get("ProductDescription")}
            entry: Any = known.get(language)
            path = self._relative(view, entry[0]) if entry else None
            if path:
                headers = {"If-Match": entry[1]} if entry[1] else {}
                requests.append(BatchRequest("PATCH", path, value, headers))
            else:
                body = {"Language": language, **value}
                requests.append(BatchRequest("POST", f"{product_path}/to_Description", body))
        return requests

    def _items(
        self, view: View, order_path: str, items: list[Any], known: Mapping[str, Any]
    ) -> list[BatchRequest]:
        entity, service = self._types(view)
        item_type = service.types[entity.navigations["to_Item"].target]
        requests = []
        wanted = set()
        for item in items:
            number = str(item.get("SalesOrderItem") or "")
            wanted.add(number)
            row = dialect.wire_row(item, item_type, service)
            path = self._relative(view, known[number][0]) if number in known else None
            if path:
                own = {k: v for k, v in row.items() if k not in item_type.keys}
                headers = {"If-Match": known[number][1]} if known[number][1] else {}
                requests.append(BatchRequest("PATCH", path, own, headers))
            else:
                requests.append(BatchRequest("POST", f"{order_path}/to_Item", row))
        for number, (absolute, etag) in known.items():
            path = self._relative(view, absolute)
            if number not in wanted and path:
                requests.append(
                    BatchRequest("DELETE", path, None, {"If-Match": etag} if etag else {})
                )
        return requests

"""The objects the SAP connector offers, each a view over one OData entity set: pure.

SAP spreads one CRM record over several entities; each view names its service, entity set,
key, external-id property, change stamp and `$expand`, and turns one expanded plain row into
the plain record the engine sees (and back into a deep-insert body):

- `Organization`: organisations (category 2) as customers. The record is the BP's own
  properties plus `OrganizationName` (parts 1-4 joined; written, it is split), `Address`
  (the first address: its properties, `Street` = street and house number, and its first
  `EmailAddress`, `PhoneNumber` and `MobilePhoneNumber`), `Roles` (role codes) and
  `CustomerAccount` (the `A_Customer` and its first company code's `PaymentTerms`).
  Created by deep insert with the address and the customer roles FLCU00 and FLCU01; an
  update adds those roles to a partner lacking them.
- `ContactPerson`: persons (category 1), the same shape, plus `BusinessPartnerCompany`
  from their `A_BusinessPartnerContact` relationship.
- `A_BusinessPartner`: every business partner, in the same shape.
- `A_Product` with `ProductDescription` (the English description, else the first).
- `A_SalesOrder` with `to_Item` as a list of items; `A_BillingDocument` with `to_Item`,
  `SalesOrder` (the first item's `ReferenceSDDocument`), and `AmountDue` and `NetDueDate`
  from FI's open items (`openitems`); `A_OperationalAcctgDocItemCube`, FI's customer line
  items, read as they are; `A_MatlStkInAcctMod` rows with
  `Location` = the plant, summed per material and plant (no change stamp).
- Deleting an organisation sets its customer's `DeletionIndicator`, a person or any other
  business partner is blocked (`BusinessPartnerIsBlocked`): SAP keeps master data and flags
  it, and flagged records read as deleted. A product is marked for deletion
  (`IsMarkedForDeletion`) and still reads, as an inactive product. Orders are deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.connectors.base import FieldSchema, FieldType
from sync.connectors.sap import shapes

__all__ = [
    "BILLING",
    "CONTACT_SET",
    "CUBE",
    "CUSTOMER_ROLES",
    "OPEN_END",
    "ORGANIZATION",
    "STOCK_SET",
    "VIEWS",
    "View",
    "first",
    "stock_levels",
    "view_for",
]

BP_SERVICE = "API_BUSINESS_PARTNER"
CUSTOMER_ROLE = "FLCU01"
# The roles that make a business partner a customer: FLCU00 for its FI (company code) data,
# FLCU01 for sales. Given on create, and added on update to a partner lacking them.
CUSTOMER_ROLES = ("FLCU00", CUSTOMER_ROLE)
_ADDRESS = "to_BusinessPartnerAddress"
_CHANNELS = {
    "EmailAddress": "to_EmailAddress",
    "PhoneNumber": "to_PhoneNumber",
    "MobilePhoneNumber": "to_MobilePhoneNumber",
}
OPEN_END = "9999-12-31"
ORGANIZATION = "Organization"
CONTACT_SET = "A_BusinessPartnerContact"


def _scalars(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's own properties: navigations (lists, objects, a null to-one) left out."""
    return {
        k: v
        for k, v in row.items()
        if not isinstance(v, (list, dict)) and not (v is None and k.startswith("to_"))
    }


def first(rows: Any, order: str = "OrdinalNumber") -> dict[str, Any]:
    """The first row of a navigation list (by `order` when the rows carry it), or {}."""
    if not isinstance(rows, list) or not rows:
        return {}
    dicts = [r for r in rows if isinstance(r, dict)]
    return min(dicts, key=lambda r: str(r.get(order, ""))) if dicts else {}


def _channel_value(row: Mapping[str, Any], plain: str) -> Any:
    entry = first(row.get(_CHANNELS[plain]))
    if plain == "MobilePhoneNumber":
        return entry.get("MobilePhoneNumber", entry.get("PhoneNumber"))
    return entry.get(plain)


def address_view(row: Mapping[str, Any]) -> dict[str, Any]:
    out = _scalars(row)
    street = shapes.join_street(row.get("StreetName"), row.get("HouseNumber"), row.get("Country"))
    out["Street"] = street or None
    for plain in _CHANNELS:
        out[plain] = _channel_value(row, plain)
    return out


def address_body(address: Mapping[str, Any]) -> dict[str, Any]:
    """A plain `Address` as an `A_BusinessPartnerAddress` body with its e-mail and phones."""
    body = {k: v for k, v in address.items() if k not in _CHANNELS and k != "Street"}
    if address.get("Street") and "StreetName" not in address:
        body["StreetName"], body["HouseNumber"] = shapes.split_street(address["Street"])
    for plain, nav in _CHANNELS.items():
        value = address.get(plain)
        if value not in (None, ""):
            key = "PhoneNumber" if plain == "MobilePhoneNumber" else plain
            body[nav] = [{key: value}]
    return body


def bp_view(row: Mapping[str, Any]) -> dict[str, Any]:
    out = _scalars(row)
    out["OrganizationName"] = shapes.join_name(row)
    addresses = [a for a in row.get(_ADDRESS) or [] if isinstance(a, dict)]
    out["Address"] = address_view(first(addresses, "AddressID")) if addresses else {}
    out["Roles"] = sorted(
        str(r.get("BusinessPartnerRole"))
        for r in row.get("to_BusinessPartnerRole") or []
        if isinstance(r, dict)
    )
    customer = row.get("to_Customer")
    if isinstance(customer, dict) and customer:
        account = _scalars(customer)
        account["PaymentTerms"] = first(customer.get("to_CustomerCompany"), "CompanyCode").get(
            "PaymentTerms"
        )
        out["CustomerAccount"] = account
    else:
        out["CustomerAccount"] = None
    return out


def bp_body(record: Mapping[str, Any], category: str) -> dict[str, Any]:
    """A plain BP record as a deep-insert body (the wire conversion keeps only real names)."""
    body = {k: v for k, v in record.items() if k not in _BP_DERIVED}
    if record.get("OrganizationName") is not None and category == "2":
        body.update(
            zip(shapes.NAME_FIELDS, shapes.split_name(record["OrganizationName"]), strict=True)
        )
    body.setdefault("BusinessPartnerCategory", category)
    address = record.get("Address")
    if isinstance(address, Mapping) and any(v not in (None, "") for v in address.values()):
        body[_ADDRESS] = [address_body(address)]
    roles = record.get("Roles")
    if roles is None and category == "2":
        roles = list(CUSTOMER_ROLES)
    if roles:
        body["to_BusinessPartnerRole"] = [{"BusinessPartnerRole": r} for r in roles]
    return body


def product_view(row: Mapping[str, Any]) -> dict[str, Any]:
    out = _scalars(row)
    texts = [t for t in row.get("to_Description") or [] if isinstance(t, dict)]
    english = next((t for t in texts if t.get("Language") == "EN"), first(texts, "Language"))
    out["ProductDescription"] = english.get("ProductDescription")
    return out


def product_body(record: Mapping[str, Any], _: str) -> dict[str, Any]:
    body = {k: v for k, v in record.items() if k != "ProductDescription"}
    if record.get("ProductDescription"):
        body["to_Description"] = [
            {
                "Product": record.get("Product"),
                "Language": "EN",
                "ProductDescription": record["ProductDescription"],
            }
        ]
    return body


def order_view(row: Mapping[str, Any]) -> dict[str, Any]:
    out = _scalars(row)
    items = [_scalars(i) for i in row.get("to_Item") or [] if isinstance(i, dict)]
    out["to_Item"] = sorted(items, key=lambda i: int(str(i.get("SalesOrderItem") or 0) or 0))
    return out


def order_body(record: Mapping[str, Any], _: str) -> dict[str, Any]:
    body = dict(record)
    items = [dict(i) for i in record.get("to_Item") or [] if isinstance(i, Mapping)]
    for position, item in enumerate(items, start=1):
        item.setdefault("SalesOrderItem", str(position * 10))
    body["to_Item"] = items
    return body


def billing_view(row: Mapping[str, Any]) -> dict[str, Any]:
    out = _scalars(row)
    items = [_scalars(i) for i in row.get("to_Item") or [] if isinstance(i, dict)]
    out["to_Item"] = items
    out["SalesOrder"] = next(
        (i.get("ReferenceSDDocument") for i in items if i.get("ReferenceSDDocument")), None
    )
    return out


STOCK_SET = "A_MatlStkInAcctMod"
UNRESTRICTED = "01"  # InventoryStockType of unrestricted-use stock
_STOCK_QUANTITY = "MatlWrhsStkQtyInMatlBaseUnit"


def stock_view(row: Mapping[str, Any]) -> dict[str, Any]:
    out = _scalars(row)
    plant = str(row.get("Plant") or "")
    out["Location"] = plant
    out["StockKey"] = f"{row.get('Material') or ''}:{plant}"
    return out


def stock_levels(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stock rows (one per storage location, batch, special stock and stock type) summed
    per material and plant, the location a CRM knows: every type as on hand,
    unrestricted-use stock as available."""
    levels: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = str(row["StockKey"])
        quantity = float(row.get(_STOCK_QUANTITY) or 0)
        level = levels.setdefault(key, {
            "StockKey": key, "Material": row.get("Material"), "Plant": row.get("Plant"),
            "Location": row.get("Location"), "MaterialBaseUnit": row.get("MaterialBaseUnit"),
            _STOCK_QUANTITY: 0.0, "UnrestrictedStockQuantity": 0.0,
        })  # fmt: skip
        level[_STOCK_QUANTITY] += quantity
        if str(row.get("InventoryStockType") or UNRESTRICTED) == UNRESTRICTED:
            level["UnrestrictedStockQuantity"] += quantity
    return [levels[key] for key in sorted(levels)]


def _plain_body(record: Mapping[str, Any], _: str) -> dict[str, Any]:
    return dict(record)


_BP_DERIVED = frozenset(
    {"OrganizationName", "Address", "Roles", "CustomerAccount", "BusinessPartnerCompany"}
)


def _text(name: str, length: int | None = None) -> FieldSchema:
    return FieldSchema(name, "string", length=length, createable=True, updateable=True)


def _read_only(name: str, kind: FieldType) -> FieldSchema:
    return FieldSchema(name, kind, createable=False, updateable=False)


_BP_FIELDS = {
    "OrganizationName": _text("OrganizationName", 160),
    "Address": FieldSchema("Address", "object"),
    "Roles": FieldSchema("Roles", "array", updateable=False),
    "CustomerAccount": FieldSchema("CustomerAccount", "object", createable=False, updateable=False),
}


@dataclass(frozen=True)
class View:
    """One object of the connector: where it lives and how its rows become records."""

    obj: str
    service: str
    entity_set: str
    key: str
    external_id: str | None
    stamp: tuple[str, str | None] | None  # (date or date-time property, time property)
    expand: tuple[str, ...] = ()
    condition: str | None = None  # a fixed `$filter` term
    category: str = ""  # the BP category a created record gets
    derived: Mapping[str, FieldSchema] = field(default_factory=dict)
    to_plain: Callable[[Mapping[str, Any]], dict[str, Any]] = _scalars
    to_body: Callable[[Mapping[str, Any], str], dict[str, Any]] = _plain_body
    writable: bool = True
    # SAP deletes few master records: it flags them. (entity set keyed by the record id,
    # its flag property, and where the flag reads in the record); None: a real DELETE.
    deletion: tuple[str, str, str] | None = None

    def deleted(self, record: Mapping[str, Any]) -> bool:
        if self.deletion is None or not self.deletion[2]:
            return False  # no flag, or one that marks a record inactive, not gone
        value: Any = record
        for step in self.deletion[2].split("."):
            value = value.get(step) if isinstance(value, Mapping) else None
        return value is True

    @property
    def root(self) -> str:
        return f"/sap/opu/odata/sap/{self.service}"


_BP_EXPAND = (
    f"{_ADDRESS}/to_EmailAddress",
    f"{_ADDRESS}/to_PhoneNumber",
    f"{_ADDRESS}/to_MobilePhoneNumber",
    "to_BusinessPartnerRole",
    "to_Customer/to_CustomerCompany",
)
_BP_STAMP = ("LastChangeDate", "LastChangeTime")

BILLING = "A_BillingDocument"
# FI's customer line items: what is still due on a billing document (`openitems`). Keyed by
# company code, fiscal year, document and item (the id joins them); read-only.
CUBE = View(
    "A_OperationalAcctgDocItemCube",
    service="API_OPLACCTGDOCITEMCUBE_SRV",
    entity_set="A_OperationalAcctgDocItemCube",
    key="",
    external_id=None,
    stamp=None,
    writable=False,
)

_BP: dict[str, Any] = {
    "service": BP_SERVICE,
    "entity_set": "A_BusinessPartner",
    "key": "BusinessPartner",
    "external_id": "BusinessPartnerIDByExtSystem",
    "stamp": _BP_STAMP,
    "expand": _BP_EXPAND,
    "to_plain": bp_view,
    "to_body": bp_body,
}
_ITEMS = FieldSchema("to_Item", "array")

VIEWS: dict[str, View] = {
    v.obj: v
    for v in (
        View(
            ORGANIZATION,
            condition="BusinessPartnerCategory eq '2'",
            category="2",
            derived=_BP_FIELDS,
            deletion=("A_Customer", "DeletionIndicator", "CustomerAccount.DeletionIndicator"),
            **_BP,
        ),
        View(  # every business partner, in the same shape: the entity set as SAP has it
            "A_BusinessPartner",
            category="2",
            derived=_BP_FIELDS,
            deletion=("A_BusinessPartner", "BusinessPartnerIsBlocked", "BusinessPartnerIsBlocked"),
            **_BP,
        ),
        View(
            "ContactPerson",
            condition="BusinessPartnerCategory eq '1'",
            category="1",
            derived={**_BP_FIELDS, "BusinessPartnerCompany": _text("BusinessPartnerCompany", 10)},
            deletion=("A_BusinessPartner", "BusinessPartnerIsBlocked", "BusinessPartnerIsBlocked"),
            **_BP,
        ),
        View(
            "A_Product",
            service="API_PRODUCT_SRV",
            entity_set="A_Product",
            key="Product",
            external_id="ProductOldID",
            stamp=("LastChangeDateTime", None),
            expand=("to_Description",),
            derived={"ProductDescription": _text("ProductDescription", 40)},
            to_plain=product_view,
            to_body=product_body,
            deletion=("A_Product", "IsMarkedForDeletion", ""),
        ),
        View(
            "A_SalesOrder",
            service="API_SALES_ORDER_SRV",
            entity_set="A_SalesOrder",
            key="SalesOrder",
            external_id="ExternalDocumentID",
            stamp=("LastChangeDateTime", None),
            expand=("to_Item",),
            derived={"to_Item": _ITEMS},
            to_plain=order_view,
            to_body=order_body,
        ),
        View(
            "A_BillingDocument",
            service="API_BILLING_DOCUMENT_SRV",
            entity_set="A_BillingDocument",
            key="BillingDocument",
            external_id=None,
            stamp=("LastChangeDateTime", None),
            expand=("to_Item",),
            derived={
                "to_Item": _ITEMS,
                "SalesOrder": _text("SalesOrder", 10),
                # from FI's open items (`openitems`), not the billing API
                "AmountDue": _read_only("AmountDue", "double"),
                "NetDueDate": _read_only("NetDueDate", "date"),
                "ClearingStatus": _read_only("ClearingStatus", "string"),
            },
            to_plain=billing_view,
            writable=False,
        ),
        CUBE,
        View(
            STOCK_SET,
            service="API_MATERIAL_STOCK_SRV",
            entity_set=STOCK_SET,
            key="StockKey",
            external_id="StockKey",
            stamp=None,
            derived={
                "Location": _text("Location", 4),
                "StockKey": _text("StockKey", 60),
                "UnrestrictedStockQuantity": FieldSchema("UnrestrictedStockQuantity", "double"),
            },
            to_plain=stock_view,
            writable=False,
        ),
    )
}


def view_for(obj: str) -> View | None:
    return VIEWS.get(obj)

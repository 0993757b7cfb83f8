"""SAP's business rules on writes: numbers the system assigns, computed fields, change
stamps, and the side effects a write has (a customer role creates the customer, an item
moves its order's total and stamp).

A partner's `LastChangeDate`/`LastChangeTime` move on writes of the partner itself only:
SAP keeps address, e-mail, phone, role and relationship changes out of those central
stamps, so a delta read on them misses such changes (setting `child_bumps_parent` turns
the bump on)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from mocks.sap.errors import CODES, Detail, SapError
from mocks.sap.odata.model import EntityType, record_id
from mocks.sap.odata.values import decimal_text, iso_datetime, time_text
from mocks.sap.schema import ENTITY_TYPES
from mocks.sap.tx import Tx

CUSTOMER_ROLES = frozenset({"FLCU00", "FLCU01"})
ORG_RANGE, PERSON_RANGE = 10_000_000, 20_000_000  # internal number ranges by category
ORDER_RANGE = 1
FAR_FUTURE = "9999-12-31T00:00:00"
BP_CHILDREN = {
    "A_BusinessPartnerAddress": "BusinessPartner",
    "A_BusinessPartnerRole": "BusinessPartner",
    "A_BusinessPartnerContact": "BusinessPartnerCompany",
}


@dataclass
class WriteCtx:
    tx: Tx
    settings: dict[str, Any]
    user: str
    truncated: list[dict[str, Any]] = field(default_factory=list)  # silent cuts, for truth

    @property
    def store(self) -> Any:
        return self.tx.store


def business_error(message: str, target: str = "", status: int = 400) -> SapError:
    code = CODES["business"]
    return SapError(status, code, message, [Detail(code, message, target)])


def _next_number(ctx: WriteCtx, obj: str, key: str, start: int, stop: int | None = None) -> str:
    numbers = [int(v) for r in ctx.store.records(obj) if str(v := r.fields.get(key, "")).isdigit()]
    in_range = [n for n in numbers if n >= start and (stop is None or n < stop)]
    return str(max(in_range, default=start - 1) + 1)


def stamp(
    etype: EntityType, fields: dict[str, Any], now: datetime, user: str, *, new: bool
) -> None:
    """Set the type's change stamps (and creation fields on a new record)."""
    names = etype.by_name
    day = iso_datetime(now.replace(hour=0, minute=0, second=0, microsecond=0), offset=False)
    if new and "CreationDate" in names:
        fields["CreationDate"] = day
    if new and "CreatedByUser" in names:
        fields["CreatedByUser"] = user
    if "LastChangeDate" in names and (not new or etype.set_name == "A_BusinessPartner"):
        fields["LastChangeDate"] = day
    if "LastChangeTime" in names:
        fields["LastChangeTime"] = time_text(now)
    if "LastChangeDateTime" in names:
        fields["LastChangeDateTime"] = iso_datetime(now, offset=True)
    if "LastChangedByUser" in names and not new:
        fields["LastChangedByUser"] = user


def prepare(ctx: WriteCtx, etype: EntityType, fields: dict[str, Any]) -> None:
    """Assign what the system assigns before a record is inserted."""
    name = etype.set_name
    if name == "A_BusinessPartner":
        _prepare_partner(ctx, fields)
    elif name == "A_BusinessPartnerAddress":
        _require_parent(ctx, "A_BusinessPartner", fields.get("BusinessPartner"), "BusinessPartner")
        if not fields.get("AddressID"):
            fields["AddressID"] = _next_number(ctx, name, "AddressID", 1)
    elif name in ("A_AddressEmailAddress", "A_AddressPhoneNumber"):
        fields.setdefault("Person", "")
        if not fields.get("OrdinalNumber"):
            siblings = ctx.store.find(name, "AddressID", fields.get("AddressID"))
            numbers = [
                int(r.fields["OrdinalNumber"])
                for r in siblings
                if str(r.fields.get("OrdinalNumber", "")).isdigit()
            ]
            fields["OrdinalNumber"] = str(max(numbers, default=0) + 1)
    elif name == "A_BusinessPartnerRole":
        _require_parent(ctx, "A_BusinessPartner", fields.get("BusinessPartner"), "BusinessPartner")
    elif name == "A_BusinessPartnerContact":
        _prepare_contact(ctx, fields)
    elif name == "A_CustomerCompany":
        _require_parent(ctx, "A_Customer", fields.get("Customer"), "Customer")
    elif name == "A_ProductDescription":
        _require_parent(ctx, "A_Product", fields.get("Product"), "Product")
    elif name == "A_SalesOrder":
        _prepare_order(ctx, fields)
    elif name == "A_SalesOrderItem":
        _prepare_item(ctx, fields)


def _require_parent(ctx: WriteCtx, obj: str, value: Any, target: str) -> dict[str, Any]:
    rec = ctx.store.get(obj, str(value)) if value else None
    if rec is None:
        raise business_error(
            f"{ENTITY_TYPES[obj].type_name} '{value or ''}' does not exist", target
        )
    fields: dict[str, Any] = rec.fields
    return fields


def _prepare_partner(ctx: WriteCtx, fields: dict[str, Any]) -> None:
    category = fields.get("BusinessPartnerCategory")
    if category not in ("1", "2", "3"):
        raise business_error(
            f"Business partner category '{category or ''}' is not defined",
            "BusinessPartnerCategory",
        )
    if not fields.get("BusinessPartner"):
        start = PERSON_RANGE if category == "1" else ORG_RANGE
        stop = PERSON_RANGE + 10_000_000 if category == "1" else PERSON_RANGE
        fields["BusinessPartner"] = _next_number(
            ctx, "A_BusinessPartner", "BusinessPartner", start, stop
        )
    if category == "1":
        full = " ".join(p for p in (fields.get("FirstName"), fields.get("LastName")) if p)
    else:
        names = [fields.get(f"OrganizationBPName{i}") for i in range(1, 5)]
        full = " ".join(p for p in names if p)
    if not fields.get("BusinessPartnerFullName"):
        fields["BusinessPartnerFullName"] = full[:81]
    fields["BusinessPartnerName"] = fields["BusinessPartnerFullName"]
    fields["BusinessPartnerUUID"] = str(uuid.uuid5(uuid.NAMESPACE_OID, fields["BusinessPartner"]))
    fields.setdefault("BusinessPartnerIsBlocked", False)


def _prepare_contact(ctx: WriteCtx, fields: dict[str, Any]) -> None:
    company = _require_parent(
        ctx, "A_BusinessPartner", fields.get("BusinessPartnerCompany"), "BusinessPartnerCompany"
    )
    person = _require_parent(
        ctx, "A_BusinessPartner", fields.get("BusinessPartnerPerson"), "BusinessPartnerPerson"
    )
    if (
        company.get("BusinessPartnerCategory") != "2"
        or person.get("BusinessPartnerCategory") != "1"
    ):
        raise business_error(
            "A contact person relationship links an organisation to a person",
            "BusinessPartnerPerson",
        )
    if not fields.get("RelationshipNumber"):
        fields["RelationshipNumber"] = _next_number(
            ctx, "A_BusinessPartnerContact", "RelationshipNumber", 1
        )
    fields["ValidityEndDate"] = fields.get("ValidityEndDate") or FAR_FUTURE
    fields.setdefault("RelationshipCategory", "BUR001")


def _prepare_order(ctx: WriteCtx, fields: dict[str, Any]) -> None:
    party = fields.get("SoldToParty")
    if not party or ctx.store.get("A_Customer", str(party)) is None:
        raise business_error(
            f"Sold-to party {party or ''} is not defined as a customer", "SoldToParty"
        )
    if not fields.get("SalesOrder"):
        fields["SalesOrder"] = _next_number(ctx, "A_SalesOrder", "SalesOrder", ORDER_RANGE)
    fields.setdefault("SalesOrderType", "OR")
    fields["TotalNetAmount"] = "0.000"
    fields["OverallSDProcessStatus"] = "A"
    fields.setdefault("TransactionCurrency", "USD")


def _prepare_item(ctx: WriteCtx, fields: dict[str, Any]) -> None:
    order = _require_parent(ctx, "A_SalesOrder", fields.get("SalesOrder"), "SalesOrder")
    material = fields.get("Material")
    if ctx.store.get("A_Product", str(material)) is None:
        raise business_error(f"Material {material} does not exist", "Material")
    if not fields.get("SalesOrderItem"):
        siblings = ctx.store.find("A_SalesOrderItem", "SalesOrder", fields["SalesOrder"])
        numbers = [int(r.fields["SalesOrderItem"]) for r in siblings]
        fields["SalesOrderItem"] = str((max(numbers, default=0) // 10 + 1) * 10)
    fields["TransactionCurrency"] = order.get("TransactionCurrency")
    fields["NetAmount"] = line_amount(fields)


def line_amount(fields: dict[str, Any]) -> str | None:
    qty, price = fields.get("RequestedQuantity"), fields.get("NetPriceAmount")
    if qty is None or price is None:
        return None
    return decimal_text(Decimal(qty) * Decimal(price), 3)


def after_write(ctx: WriteCtx, etype: EntityType, fields: dict[str, Any], *, created: bool) -> None:
    """Side effects on other records once a record was written (or deleted)."""
    name = etype.set_name
    role = fields.get("BusinessPartnerRole")
    if created and name == "A_BusinessPartnerRole" and role in CUSTOMER_ROLES:
        ensure_customer(ctx, str(fields["BusinessPartner"]))
    if name == "A_SalesOrderItem":
        recompute_total(ctx, str(fields["SalesOrder"]))
    parent_key = BP_CHILDREN.get(name)
    if parent_key and ctx.settings.get("child_bumps_parent"):
        touch_partner(ctx, str(fields.get(parent_key)))


def ensure_customer(ctx: WriteCtx, partner: str) -> None:
    """A customer role makes the partner a customer whose number is the partner's."""
    if ctx.store.get("A_Customer", partner) is not None:
        return
    bp = ctx.store.get("A_BusinessPartner", partner)
    name = bp.fields.get("BusinessPartnerFullName") or "" if bp else ""
    day = iso_datetime(
        ctx.tx.now().replace(hour=0, minute=0, second=0, microsecond=0), offset=False
    )
    ctx.tx.insert(
        "A_Customer",
        partner,
        {
            "Customer": partner,
            "CustomerName": name[:35],
            "CustomerFullName": name[:220],
            "CustomerAccountGroup": "CUST",
            "DeletionIndicator": False,
            "OrderIsBlockedForCustomer": "",
            "CreationDate": day,
        },
    )
    if bp is not None:  # the partner's Customer field is derived: no change stamp moves
        ctx.tx.update("A_BusinessPartner", partner, {"Customer": partner}, touch=False)


def recompute_total(ctx: WriteCtx, order: str) -> None:
    """TotalNetAmount is the sum of the items' NetAmount; the order's stamp moves."""
    rec = ctx.store.get("A_SalesOrder", order)
    if rec is None:
        return
    items = ctx.store.find("A_SalesOrderItem", "SalesOrder", order)
    total = sum(
        (Decimal(i.fields["NetAmount"]) for i in items if i.fields.get("NetAmount")), Decimal(0)
    )
    changes = {"TotalNetAmount": decimal_text(total, 3)}
    stamp(ENTITY_TYPES["A_SalesOrder"], changes, ctx.tx.now(), ctx.user, new=False)
    ctx.tx.update("A_SalesOrder", order, changes)


def touch_partner(ctx: WriteCtx, partner: str) -> None:
    etype = ENTITY_TYPES["A_BusinessPartner"]
    if ctx.store.get(etype.set_name, partner) is None:
        return
    changes: dict[str, Any] = {}
    stamp(etype, changes, ctx.tx.now(), ctx.user, new=False)
    ctx.tx.update(etype.set_name, record_id(etype, {"BusinessPartner": partner}), changes)


__all__ = [
    "CUSTOMER_ROLES",
    "WriteCtx",
    "after_write",
    "business_error",
    "ensure_customer",
    "line_amount",
    "prepare",
    "recompute_total",
    "stamp",
]

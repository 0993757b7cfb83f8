"""The conformance kits of the NetSuite pack: customers upserted by externalId, and sales
orders with an item sublist against a customer and an item the kit creates first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.connectors.base import Connector
from sync.connectors.kit import ConformanceKit

_EXTERNAL = "externalId"


def _customer(key: str, _ids: Mapping[str, str]) -> dict[str, Any]:
    return {_EXTERNAL: key, "companyName": f"Company {key}", "email": f"{key.lower()}@example.com",
            "subsidiary": "1"}  # fmt: skip


CUSTOMERS = ConformanceKit(
    name="netsuite",
    vendor="netsuite",
    obj="customer",
    ext_field=_EXTERNAL,
    name_field="companyName",
    record=_customer,
    too_long=lambda key, _ids: {_EXTERNAL: key, "companyName": "x" * 120, "subsidiary": "1"},
    missing_required=lambda key, _ids: {_EXTERNAL: key, "companyName": f"Company {key}"},
    too_long_codes=frozenset({"INVALID_CONTENT", "USER_ERROR"}),
    missing_codes=frozenset({"USER_ERROR"}),
    reports_created=False,  # NetSuite answers 204 whether it created or updated
    required_field="subsidiary",
    length_field="companyName",
    length=83,
    bad_credentials={"token_id": "stolen-token"},
    group_size=7,
    page_size=5,
)


def _prepare_order(connector: Connector) -> Mapping[str, str]:
    """The customer and the item every kit order refers to, created through the API."""
    (customer,) = connector.upsert("customer", _EXTERNAL, [
        {_EXTERNAL: "KIT-CUSTOMER", "companyName": "Order Customer", "subsidiary": "1"}
    ])  # fmt: skip
    (item,) = connector.upsert("inventoryItem", _EXTERNAL, [
        {_EXTERNAL: "KIT-ITEM", "itemId": "SKU-KIT", "displayName": "Kit item"}
    ])  # fmt: skip
    assert customer.ok and item.ok, (customer, item)
    ids = connector.get_by_external_id("customer", _EXTERNAL, ["KIT-CUSTOMER"])
    items = connector.get_by_external_id("inventoryItem", _EXTERNAL, ["KIT-ITEM"])
    return {"customer": ids["KIT-CUSTOMER"].id, "item": items["KIT-ITEM"].id}


def _order(key: str, ids: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    lines = [{"item": ids["item"], "quantity": 2, "rate": 5.5}]
    return {_EXTERNAL: key, "entity": ids["customer"], "memo": f"Order {key}",
            "tranDate": "2024-01-15", "item": lines, **extra}  # fmt: skip


ORDERS = ConformanceKit(
    name="netsuite-salesOrder",
    vendor="netsuite",
    obj="salesOrder",
    ext_field=_EXTERNAL,
    name_field="memo",
    record=_order,
    too_long=lambda key, ids: _order(key, ids, memo="x" * 1200),
    missing_required=lambda key, ids: {k: v for k, v in _order(key, ids).items() if k != "entity"},
    too_long_codes=frozenset({"INVALID_CONTENT", "USER_ERROR"}),
    missing_codes=frozenset({"USER_ERROR"}),
    reports_created=False,
    required_field="entity",
    length_field="memo",
    length=999,
    bad_credentials={"token_id": "stolen-token"},
    group_size=7,
    page_size=5,
    prepare=_prepare_order,
)

KITS = (CUSTOMERS, ORDERS)

__all__ = ["KITS"]

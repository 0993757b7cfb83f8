"""The conformance kits of the SAP pack: business partners upserted by
`BusinessPartnerIDByExtSystem`, and sales orders with items by `ExternalDocumentID` against
a customer and a product the kit creates first. Products have no kit: SAP does not delete a
product, it marks it for deletion, and a marked product still reads (as an inactive one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.connectors.base import Connector
from sync.connectors.kit import ConformanceKit

_BP_EXTERNAL = "BusinessPartnerIDByExtSystem"
_BAD_CREDENTIALS = {"username": "intruder", "password": "not-the-password"}
# SAP Gateway's codes for a value it refuses: too long for its property, or missing (a
# business exception where the application, not the gateway, checks it).
_TOO_LONG = frozenset({"/IWBEP/CM_MGW_RT/021", "/IWBEP/CX_MGW_BUSI_EXCEPTION"})
_MISSING = frozenset({"/IWBEP/CM_MGW_RT/011", "/IWBEP/CX_MGW_BUSI_EXCEPTION"})


def _customer(key: str, _ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        _BP_EXTERNAL: key,
        "OrganizationName": f"Company {key}",
        "Address": {
            "Street": "123 Main St",
            "CityName": "Springfield",
            "Country": "US",
            "EmailAddress": f"{key.lower()}@example.com",
        },
    }


CUSTOMERS = ConformanceKit(
    name="sap",
    vendor="sap",
    obj="A_BusinessPartner",
    ext_field=_BP_EXTERNAL,
    name_field="OrganizationName",
    record=_customer,
    too_long=lambda key, ids: {
        **_customer(key, ids),
        "OrganizationName": None,
        "OrganizationBPName1": "x" * 50,
    },
    missing_required=lambda key, ids: {**_customer(key, ids), "BusinessPartnerCategory": None},
    too_long_codes=_TOO_LONG,
    missing_codes=_MISSING,
    reports_created=True,  # a deep insert answers 201, a PATCH 204
    required_field="BusinessPartnerCategory",
    length_field="OrganizationBPName1",
    length=40,
    bad_credentials=_BAD_CREDENTIALS,
    group_size=7,
    page_size=5,
)


def _product(key: str, _ids: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "ProductOldID": key,
        "Product": f"KIT-{key}",
        "ProductType": "FERT",
        "BaseUnit": "EA",
        "ProductDescription": f"Product {key}",
        **extra,
    }


def _prepare_order(connector: Connector) -> Mapping[str, str]:
    """The sold-to party and the material every kit order refers to, created through the
    API."""
    (customer,) = connector.upsert(
        "A_BusinessPartner", _BP_EXTERNAL, [_customer("KIT-CUSTOMER", {})]
    )
    (product,) = connector.upsert("A_Product", "ProductOldID", [_product("KIT-ITEM", {})])
    assert customer.ok and product.ok, (customer, product)
    return {"customer": str(customer.id), "product": str(product.id)}


def _order(key: str, ids: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    items = [
        {
            "Material": ids["product"],
            "RequestedQuantity": 2,
            "RequestedQuantityUnit": "EA",
            "NetPriceAmount": 5.5,
        }
    ]
    return {
        "ExternalDocumentID": key,
        "SoldToParty": ids["customer"],
        "PurchaseOrderByCustomer": f"PO {key}",
        "SalesOrderDate": "2024-01-15",
        "TransactionCurrency": "USD",
        "SalesOrderType": "OR",
        "to_Item": items,
        **extra,
    }


ORDERS = ConformanceKit(
    name="sap-A_SalesOrder",
    vendor="sap",
    obj="A_SalesOrder",
    ext_field="ExternalDocumentID",
    name_field="PurchaseOrderByCustomer",
    record=_order,
    too_long=lambda key, ids: _order(key, ids, PurchaseOrderByCustomer="x" * 50),
    missing_required=lambda key, ids: {
        k: v for k, v in _order(key, ids).items() if k != "SoldToParty"
    },
    too_long_codes=_TOO_LONG,
    missing_codes=_MISSING,
    reports_created=True,
    required_field="SoldToParty",
    length_field="PurchaseOrderByCustomer",
    length=35,
    bad_credentials=_BAD_CREDENTIALS,
    group_size=7,
    page_size=5,
    prepare=_prepare_order,
)

KITS = (CUSTOMERS, ORDERS)

__all__ = ["KITS"]

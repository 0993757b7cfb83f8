"""The conformance kits of the HubSpot pack: companies upserted by `erp_customer_id`,
contacts by `erp_contact_id` associated with a company the kit creates first, and deals by
`erp_order_id` with their company and a line item selling a product the kit creates.

Both run with `search_lookback_seconds: 0`: the battery checks the protocol's exact
incremental window, which the default look-back widens on purpose (see the connector).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.connectors.base import Connector
from sync.connectors.hubspot.dialect import TEXT_LIMIT
from sync.connectors.kit import ConformanceKit

_COMPANY_KEY = "erp_customer_id"
_CONTACT_KEY = "erp_contact_id"
_EXACT_WINDOW = {"search_lookback_seconds": 0}
_BAD_TOKEN = {"access_token": "pat-na1-00000000-0000-0000-0000-000000000000"}


def _company(key: str, _ids: Mapping[str, str]) -> dict[str, Any]:
    return {_COMPANY_KEY: key, "name": f"Company {key}", "city": "Springfield",
            "erp_credit_limit": 5000}  # fmt: skip


COMPANIES = ConformanceKit(
    name="hubspot",
    vendor="hubspot",
    obj="companies",
    ext_field=_COMPANY_KEY,
    name_field="name",
    record=_company,
    too_long=lambda key, _ids: {_COMPANY_KEY: key, "name": "x" * (TEXT_LIMIT + 1)},
    missing_required=lambda key, _ids: {_COMPANY_KEY: key, "city": "Nowhere"},
    too_long_codes=frozenset({"VALUE_TOO_LONG"}),
    missing_codes=frozenset({"MISSING_REQUIRED_PROPERTY"}),
    reports_created=True,
    required_field="name",
    length_field="name",
    length=TEXT_LIMIT,
    bad_credentials=_BAD_TOKEN,
    group_size=7,
    page_size=5,
    options=_EXACT_WINDOW,
)


def _prepare_company(connector: Connector) -> Mapping[str, str]:
    """The company every kit contact belongs to, created through the API."""
    (made,) = connector.upsert("companies", _COMPANY_KEY,
                               [{_COMPANY_KEY: "KIT-COMPANY", "name": "Contact Co"}])  # fmt: skip
    assert made.ok and made.id, made
    return {"company": made.id}


def _contact(key: str, ids: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    return {_CONTACT_KEY: key, "firstname": "Kit", "lastname": f"Person {key}",
            "email": f"{key.lower()}@example.com", "company": ids["company"], **extra}  # fmt: skip


CONTACTS = ConformanceKit(
    name="hubspot-contacts",
    vendor="hubspot",
    obj="contacts",
    ext_field=_CONTACT_KEY,
    name_field="lastname",
    record=_contact,
    too_long=lambda key, ids: _contact(key, ids, lastname="x" * (TEXT_LIMIT + 1)),
    missing_required=lambda key, ids: {
        k: v for k, v in _contact(key, ids).items() if k != "lastname"
    },
    too_long_codes=frozenset({"VALUE_TOO_LONG"}),
    missing_codes=frozenset({"MISSING_REQUIRED_PROPERTY"}),
    reports_created=True,
    required_field="lastname",
    length_field="lastname",
    length=TEXT_LIMIT,
    bad_credentials=_BAD_TOKEN,
    group_size=7,
    page_size=5,
    options=_EXACT_WINDOW,
    prepare=_prepare_company,
)


def _prepare_deal(connector: Connector) -> Mapping[str, str]:
    """The company every kit deal belongs to and the product its line sells."""
    (made,) = connector.upsert("companies", _COMPANY_KEY,
                               [{_COMPANY_KEY: "KIT-DEAL-CO", "name": "Deal Co"}])  # fmt: skip
    product = {"erp_item_id": "KIT-ITEM", "name": "Kit item", "price": 5.5}
    (item,) = connector.upsert("products", "erp_item_id", [product])
    assert made.ok and made.id and item.ok and item.id, (made, item)
    return {"company": made.id, "product": item.id}


def _deal(key: str, ids: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    line = {"product": ids["product"], "quantity": 2, "price": 5.5, "hs_position_on_quote": 1}
    return {"erp_order_id": key, "dealname": f"Order {key}", "company": ids["company"],
            "closedate": "2024-01-15T00:00:00.000Z", "pipeline": "default",
            "dealstage": "closedwon", "lines": [line], **extra}  # fmt: skip


DEALS = ConformanceKit(
    name="hubspot-deals",
    vendor="hubspot",
    obj="deals",
    ext_field="erp_order_id",
    name_field="dealname",
    record=_deal,
    too_long=lambda key, ids: _deal(key, ids, dealname="x" * (TEXT_LIMIT + 1)),
    missing_required=lambda key, ids: {k: v for k, v in _deal(key, ids).items() if k != "company"},
    too_long_codes=frozenset({"VALUE_TOO_LONG"}),
    missing_codes=frozenset({"MISSING_REQUIRED_PROPERTY"}),
    reports_created=True,
    required_field="company",
    length_field="dealname",
    length=TEXT_LIMIT,
    bad_credentials=_BAD_TOKEN,
    group_size=7,
    page_size=5,
    options=_EXACT_WINDOW,
    prepare=_prepare_deal,
)

KITS = (COMPANIES, CONTACTS, DEALS)

__all__ = ["KITS"]

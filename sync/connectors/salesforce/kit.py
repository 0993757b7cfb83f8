"""The conformance kits of the Salesforce pack: Accounts upserted by an external-id field
(through sObject Collections, and again through Bulk API 2.0), and Orders (by their key)
against an Account the kit creates first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sync.connectors.base import Connector
from sync.connectors.kit import ConformanceKit

_EXTERNAL = "External_Id__c"


def _account(key: str, _ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        _EXTERNAL: key,
        "Name": f"Company {key}",
        "Billing_Email__c": f"{key.lower()}@example.com",
    }


ACCOUNTS = ConformanceKit(
    name="salesforce",
    vendor="salesforce",
    obj="Account",
    ext_field=_EXTERNAL,
    name_field="Name",
    record=_account,
    too_long=lambda key, _ids: {_EXTERNAL: key, "Name": "x" * 300},
    missing_required=lambda key, _ids: {_EXTERNAL: key, "Phone": "555-0100"},
    too_long_codes=frozenset({"STRING_TOO_LONG"}),
    missing_codes=frozenset({"REQUIRED_FIELD_MISSING"}),
    reports_created=True,
    required_field="Name",
    length_field="Name",
    length=255,
    bad_credentials={"client_secret": "wrong-secret"},
    group_size=90,  # Salesforce pages hold at least 200 rows
    page_size=200,
)


def _prepare_account(connector: Connector) -> Mapping[str, str]:
    """The Account every kit order belongs to, created through the API."""
    (made,) = connector.upsert(
        "Account", _EXTERNAL, [{_EXTERNAL: "KIT-ACCOUNT", "Name": "Order Co"}]
    )
    assert made.ok and made.id, made
    return {"account": made.id}


def _order(key: str, ids: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    return {"Order_Key__c": key, "AccountId": ids["account"], "EffectiveDate": "2024-01-15",
            "Status": "Draft", "PoNumber": f"PO {key}", **extra}  # fmt: skip


ORDERS = ConformanceKit(
    name="salesforce-Order",
    vendor="salesforce",
    obj="Order",
    ext_field="Order_Key__c",
    name_field="PoNumber",
    record=_order,
    too_long=lambda key, ids: _order(key, ids, PoNumber="x" * 100),
    missing_required=lambda key, ids: {
        k: v for k, v in _order(key, ids).items() if k != "AccountId"
    },
    too_long_codes=frozenset({"STRING_TOO_LONG"}),
    missing_codes=frozenset({"REQUIRED_FIELD_MISSING"}),
    reports_created=True,
    required_field="AccountId",
    length_field="PoNumber",
    length=80,
    bad_credentials={"client_secret": "wrong-secret"},
    group_size=90,
    page_size=200,
    prepare=_prepare_account,
)

# The same Accounts with every write and full read forced through Bulk API 2.0 jobs (a
# threshold of 0), so the bulk path answers the whole battery exactly as the REST path does.
ACCOUNTS_BULK = replace(ACCOUNTS, name="salesforce-bulk", options={"bulk_threshold": 0})

KITS = (ACCOUNTS, ORDERS, ACCOUNTS_BULK)

__all__ = ["KITS"]

"""Field metadata of the record types the mock serves: customer and subsidiary here, the
catalogue and contacts in `schema_items`, transactions in `schema_transactions`.

One table drives body validation, rendering, the `q` filter, SuiteQL columns and the
metadata catalog, so they cannot disagree. String limits live in `RecordSpec.max_lengths`,
keyed by field path (nested paths skip the `items` level: "addressBook.addressBookAddress.city").
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

import pycountry

from mocks.netsuite.schema.items import ITEM_TYPES, PRICE_LEVELS
from mocks.netsuite.schema.spec import FieldSpec, RecordSpec, text
from mocks.netsuite.schema.transactions import (
    INVOICE_STATUSES,
    SALES_ORDER_STATUSES,
    TRANSACTION_SPECS,
)

_ADDRESS = FieldSpec(
    "addressBookAddress",
    "object",
    "Address",
    children=(
        text("addr1", "Address 1"),
        text("addr2", "Address 2"),
        text("city", "City"),
        text("state", "State"),
        text("zip", "Zip"),
        FieldSpec("country", "country", "Country", description="ISO 3166-1 alpha-2 code"),
        FieldSpec("addrText", "string", "Address Text", read_only=True),
    ),
)
_ADDRESS_BOOK = FieldSpec(
    "addressBook",
    "sublist",
    "Address Book",
    children=(
        FieldSpec("defaultBilling", "boolean", "Default Billing"),
        FieldSpec("defaultShipping", "boolean", "Default Shipping"),
        text("label", "Label"),
        _ADDRESS,
    ),
)

CUSTOMER = RecordSpec(
    name="customer",
    title="Customer",
    tunable=True,
    fields=(
        FieldSpec("id", "id", "Internal ID", read_only=True, column="id"),
        FieldSpec(
            "entityId",
            "string",
            "Customer ID",
            column="entityid",
            description="Assigned automatically (CUST<number>) when absent.",
        ),
        FieldSpec(
            "companyName",
            "string",
            "Company Name",
            column="companyname",
            description="Required when isPerson is false.",
        ),
        FieldSpec("isPerson", "boolean", "Is Individual", column="isperson"),
        text("firstName", "First Name", "firstname"),
        text("lastName", "Last Name", "lastname"),
        text("email", "Email", "email"),
        text("phone", "Phone", "phone"),
        text("altPhone", "Alt. Phone", "altphone"),
        text("fax", "Fax", "fax"),
        text("url", "Web Address", "url"),
        text("comments", "Comments", "comments"),
        FieldSpec(
            "subsidiary",
            "ref",
            "Subsidiary",
            required=True,
            ref_type="subsidiary",
            column="subsidiary",
        ),
        FieldSpec("currency", "ref", "Currency", ref_type="currency", column="currency"),
        FieldSpec("terms", "ref", "Terms", ref_type="term", column="terms"),
        FieldSpec("creditLimit", "number", "Credit Limit", column="creditlimit"),
        FieldSpec("balance", "number", "Balance", read_only=True, column="balance"),
        text("externalId", "External ID", "externalid"),
        FieldSpec("isInactive", "boolean", "Inactive", column="isinactive"),
        FieldSpec("dateCreated", "datetime", "Date Created", read_only=True, column="datecreated"),
        FieldSpec(
            "lastModifiedDate",
            "datetime",
            "Last Modified Date",
            read_only=True,
            column="lastmodifieddate",
        ),
        _ADDRESS_BOOK,
    ),
    max_lengths=MappingProxyType(
        {
            "entityId": 83,
            "companyName": 83,
            "firstName": 32,
            "lastName": 32,
            "email": 254,
            "phone": 32,
            "altPhone": 32,
            "fax": 32,
            "url": 254,
            "comments": 999,
            "addressBook.addressBookAddress.addr1": 150,
            "addressBook.addressBookAddress.addr2": 150,
            "addressBook.addressBookAddress.city": 50,
            "addressBook.addressBookAddress.state": 30,
            "addressBook.addressBookAddress.zip": 36,
        }
    ),
)

SUBSIDIARY = RecordSpec(
    name="subsidiary",
    title="Subsidiary",
    fields=(
        FieldSpec("id", "id", "Internal ID", read_only=True, column="id"),
        FieldSpec("name", "string", "Name", required=True, column="name"),
        FieldSpec("country", "country", "Country", column="country"),
        FieldSpec("currency", "ref", "Currency", ref_type="currency", column="currency"),
        text("externalId", "External ID", "externalid"),
    ),
    max_lengths=MappingProxyType({"name": 83}),
)

RECORD_TYPES: dict[str, RecordSpec] = {
    spec.name: spec for spec in (CUSTOMER, SUBSIDIARY, *ITEM_TYPES, *TRANSACTION_SPECS)
}

# Built-in lists a reference may point at without a record in the store (NetSuite's defaults).
CURRENCIES: dict[str, str] = {"1": "US Dollar", "2": "British pound", "3": "Canadian Dollar",
                              "4": "Euro"}  # fmt: skip
CURRENCY_IDS: dict[str, str] = {"USD": "1", "GBP": "2", "CAD": "3", "EUR": "4"}
TERMS: dict[str, str] = {
    "1": "1% 10 Net 30",
    "2": "2% 10 Net 30",
    "3": "Due on receipt",
    "4": "Net 15",
    "5": "Net 30",
    "6": "Net 45",
    "7": "Net 60",
}
BUILT_IN_REFS: dict[str, dict[str, str]] = {
    "currency": CURRENCIES,
    "term": TERMS,
    "priceLevel": PRICE_LEVELS,
    "salesOrderStatus": SALES_ORDER_STATUSES,
    "invoiceStatus": INVOICE_STATUSES,
}


def record_spec(name: str) -> RecordSpec | None:
    """The record type for a URL segment; NetSuite matches record type names case-insensitively."""
    return RECORD_TYPES.get(name) or next(
        (s for s in RECORD_TYPES.values() if s.name.lower() == name.lower()), None
    )


@cache
def country_codes() -> tuple[str, ...]:
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


def country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return None if country is None else str(country.name)

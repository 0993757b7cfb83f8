"""Record types around the catalogue and the people at customers: contact, location and
inventoryItem (with its `price` and `locations` sublists).

Field names follow the REST record service; `column` names follow SuiteQL's `contact`,
`location` and `item` tables (an item's sales description is SuiteQL's `description`).
Sublist children with a column also appear as rows of a SuiteQL sublist table
(`mocks.netsuite.query.tables`).
"""

from __future__ import annotations

from types import MappingProxyType

from mocks.netsuite.schema.spec import FieldSpec, RecordSpec, text

# Built-in price levels (NetSuite ships "Base Price" and a few alternates; accounts rename them).
PRICE_LEVELS: dict[str, str] = {"1": "Base Price", "2": "Wholesale Price", "5": "Online Price"}


def _stamp(name: str, title: str) -> FieldSpec:
    return FieldSpec(name, "datetime", title, read_only=True, column=name.lower())


CONTACT = RecordSpec(
    name="contact",
    title="Contact",
    fields=(
        FieldSpec("id", "id", "Internal ID", read_only=True, column="id"),
        FieldSpec(
            "entityId",
            "string",
            "Contact",
            column="entityid",
            description="Joined from firstName and lastName when absent.",
        ),
        text("salutation", "Mr./Ms...", "salutation"),
        text("firstName", "First Name", "firstname"),
        text("lastName", "Last Name", "lastname"),
        text("title", "Job Title", "title"),
        text("email", "Email", "email"),
        text("phone", "Main Phone", "phone"),
        text("mobilePhone", "Mobile Phone", "mobilephone"),
        FieldSpec("company", "ref", "Company", ref_type="customer", column="company"),
        FieldSpec(
            "subsidiary",
            "ref",
            "Subsidiary",
            ref_type="subsidiary",
            column="subsidiary",
            description="Taken from the company when absent; required without a company.",
        ),
        text("comments", "Comments", "comments"),
        text("externalId", "External ID", "externalid"),
        FieldSpec("isInactive", "boolean", "Inactive", column="isinactive"),
        _stamp("dateCreated", "Date Created"),
        _stamp("lastModifiedDate", "Last Modified Date"),
    ),
    max_lengths=MappingProxyType(
        {
            "entityId": 83,
            "salutation": 15,
            "firstName": 32,
            "lastName": 32,
            "title": 99,
            "email": 254,
            "phone": 32,
            "mobilePhone": 32,
            "comments": 999,
        }
    ),
)

LOCATION = RecordSpec(
    name="location",
    title="Location",
    fields=(
        FieldSpec("id", "id", "Internal ID", read_only=True, column="id"),
        FieldSpec("name", "string", "Name", required=True, column="name"),
        FieldSpec("subsidiary", "ref", "Subsidiary", ref_type="subsidiary", column="subsidiary"),
        FieldSpec("country", "country", "Country", column="country"),
        text("timeZone", "Time Zone", "timezone"),
        FieldSpec(
            "makeInventoryAvailable",
            "boolean",
            "Make Inventory Available",
            column="makeinventoryavailable",
        ),
        text("externalId", "External ID", "externalid"),
        FieldSpec("isInactive", "boolean", "Inactive", column="isinactive"),
        _stamp("lastModifiedDate", "Last Modified Date"),
    ),
    max_lengths=MappingProxyType({"name": 31, "timeZone": 64}),
)

_PRICE = FieldSpec(
    "price",
    "sublist",
    "Pricing",
    children=(
        FieldSpec("priceLevel", "ref", "Price Level", ref_type="priceLevel", column="pricelevel"),
        FieldSpec("currency", "ref", "Currency", ref_type="currency", column="currency"),
        FieldSpec("price", "number", "Unit Price", column="unitprice"),
    ),
)
_LOCATIONS = FieldSpec(
    "locations",
    "sublist",
    "Locations",
    description="Quantities are set by inventory transactions in NetSuite; the mock accepts"
    " them in the body so a scenario can move stock.",
    children=(
        FieldSpec("location", "ref", "Location", ref_type="location", column="location"),
        FieldSpec("quantityOnHand", "number", "On Hand", column="quantityonhand"),
        FieldSpec("quantityAvailable", "number", "Available", column="quantityavailable"),
        FieldSpec("reorderPoint", "number", "Reorder Point", column="reorderpoint"),
    ),
)

INVENTORY_ITEM = RecordSpec(
    name="inventoryItem",
    title="Inventory Item",
    fields=(
        FieldSpec("id", "id", "Internal ID", read_only=True, column="id"),
        FieldSpec("itemId", "string", "Item Name/Number", required=True, column="itemid"),
        text("displayName", "Display Name/Code", "displayname"),
        text("salesDescription", "Sales Description", "description"),
        text("purchaseDescription", "Purchase Description", "purchasedescription"),
        text("upcCode", "UPC Code", "upccode"),
        text("stockUnit", "Primary Stock Unit", "stockunit"),
        FieldSpec(
            "basePrice",
            "number",
            "Base Price",
            description="The Base Price level in the account's base currency.",
        ),
        FieldSpec("subsidiary", "ref", "Subsidiary", ref_type="subsidiary", column="subsidiary"),
        text("externalId", "External ID", "externalid"),
        FieldSpec("isInactive", "boolean", "Inactive", column="isinactive"),
        _stamp("createdDate", "Date Created"),
        _stamp("lastModifiedDate", "Last Modified Date"),
        _PRICE,
        _LOCATIONS,
    ),
    max_lengths=MappingProxyType(
        {
            "itemId": 250,
            "displayName": 255,
            "salesDescription": 4000,
            "purchaseDescription": 4000,
            "upcCode": 60,
            "stockUnit": 30,
        }
    ),
)

ITEM_TYPES: tuple[RecordSpec, ...] = (CONTACT, LOCATION, INVENTORY_ITEM)

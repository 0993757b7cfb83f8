"""sObject and field metadata: the single source for describe, validation and SOQL.

Objects are plain data: an `SObjectDef` with its fields, listed in `SOBJECTS` (Account and
Contact); describe, writes and queries pick it up from there. Contact's compound `Name` is
read-only and joined from FirstName and LastName on every write (`compound_name`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FieldType = Literal[
    "id", "reference", "string", "textarea", "email", "phone", "url", "picklist",
    "boolean", "int", "double", "currency", "percent", "date", "datetime",
]  # fmt: skip
# Where a system field's value comes from: the store's bookkeeping, not the record's fields.
SystemSource = Literal["id", "deleted", "created", "modified", "user"]

_SOAP_TYPES: dict[str, str] = {
    "id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "int": "xsd:int",
    "double": "xsd:double", "currency": "xsd:double", "percent": "xsd:double",
    "date": "xsd:date", "datetime": "xsd:dateTime",
}  # fmt: skip
STRING_TYPES = frozenset({"string", "textarea", "email", "phone", "url", "picklist"})
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent"})


@dataclass(frozen=True)
class FieldDef:
    """One field as describe reports it; validation and SOQL read the same attributes."""

    name: str
    label: str
    type: FieldType
    length: int = 0
    precision: int = 0
    scale: int = 0
    digits: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    external_id: bool = False
    unique: bool = False
    id_lookup: bool = False
    case_sensitive: bool = False
    name_field: bool = False
    filterable: bool = True
    sortable: bool = True
    custom: bool = False
    picklist: tuple[str, ...] = ()
    restricted_picklist: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    system: SystemSource | None = None

    @property
    def required(self) -> bool:
        """Required on create: not nillable, createable and not filled in by the server."""
        return not self.nillable and self.createable and not self.defaulted_on_create

    @property
    def soap_type(self) -> str:
        return _SOAP_TYPES.get(self.type, "xsd:string")

    @property
    def byte_length(self) -> int:
        if self.type in ("id", "reference"):
            return 18
        return self.length * 3 if self.type in STRING_TYPES else 0


@dataclass(frozen=True)
class SObjectDef:
    """An sObject type: its names, key prefix, capabilities and fields in describe order."""

    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: tuple[FieldDef, ...]
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    queryable: bool = True
    # A read-only compound name (Contact.Name): the stored field and, in order, the fields
    # the server joins into it on every write.
    compound_name: tuple[str, tuple[str, ...]] | None = None
    _by_lower: dict[str, FieldDef] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_lower.update({f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> FieldDef | None:
        """The field called `name`, matched case-insensitively as Salesforce does."""
        return self._by_lower.get(name.lower())

    @property
    def external_id_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if f.external_id)

    @property
    def unique_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if f.unique)


def _system(name: str, label: str, type_: FieldType, source: SystemSource, **kw: Any) -> FieldDef:
    return FieldDef(
        name, label, type_, nillable=False, createable=False, updateable=False,
        defaulted_on_create=True, system=source, **kw,
    )  # fmt: skip


def _text(name: str, label: str, length: int, type_: FieldType = "string", **kw: Any) -> FieldDef:
    return FieldDef(name, label, type_, length=length, **kw)


ACCOUNT_INDUSTRIES = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government", "Healthcare",
    "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media", "Not For Profit", "Other",
    "Recreation", "Retail", "Shipping", "Technology", "Telecommunications", "Transportation",
    "Utilities",
)  # fmt: skip
ACCOUNT_TYPES = (
    "Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
    "Installation Partner", "Technology Partner", "Other",
)  # fmt: skip


def _address(kind: str) -> tuple[FieldDef, ...]:
    return (
        _text(f"{kind}Street", f"{kind} Street", 255, "textarea"),
        _text(f"{kind}City", f"{kind} City", 40),
        _text(f"{kind}State", f"{kind} State/Province", 80),
        _text(f"{kind}PostalCode", f"{kind} Zip/Postal Code", 20),
        _text(f"{kind}Country", f"{kind} Country", 80),
    )


ACCOUNT = SObjectDef(
    name="Account",
    label="Account",
    label_plural="Accounts",
    key_prefix="001",
    fields=(
        _system("Id", "Account ID", "id", "id", id_lookup=True),
        _system("IsDeleted", "Deleted", "boolean", "deleted"),
        _text("Name", "Account Name", 255, nillable=False, id_lookup=True, name_field=True),
        _text("Type", "Account Type", 40, "picklist", picklist=ACCOUNT_TYPES),
        FieldDef(
            "ParentId",
            "Parent Account ID",
            "reference",
            reference_to=("Account",),
            relationship_name="Parent",
        ),
        *_address("Billing"),
        *_address("Shipping"),
        _text("Phone", "Account Phone", 40, "phone"),
        _text("Fax", "Account Fax", 40, "phone"),
        _text("AccountNumber", "Account Number", 40),
        _text("Website", "Website", 255, "url"),
        _text("Site", "Account Site", 80),
        _text("Industry", "Industry", 40, "picklist", picklist=ACCOUNT_INDUSTRIES),
        FieldDef("AnnualRevenue", "Annual Revenue", "currency", precision=18, scale=2),
        FieldDef("NumberOfEmployees", "Employees", "int", digits=8),
        _text(
            "Description",
            "Account Description",
            32000,
            "textarea",
            filterable=False,
            sortable=False,
        ),
        _system(
            "OwnerId",
            "Owner ID",
            "reference",
            "user",
            reference_to=("User",),
            relationship_name="Owner",
        ),
        _system("CreatedDate", "Created Date", "datetime", "created"),
        _system(
            "CreatedById",
            "Created By ID",
            "reference",
            "user",
            reference_to=("User",),
            relationship_name="CreatedBy",
        ),
        _system("LastModifiedDate", "Last Modified Date", "datetime", "modified"),
        _system(
            "LastModifiedById",
            "Last Modified By ID",
            "reference",
            "user",
            reference_to=("User",),
            relationship_name="LastModifiedBy",
        ),
        _system("SystemModstamp", "System Modstamp", "datetime", "modified"),
        _text(
            "External_Id__c",
            "External Id",
            255,
            external_id=True,
            unique=True,
            id_lookup=True,
            case_sensitive=True,
            custom=True,
        ),
        _text("Billing_Email__c", "Billing Email", 80, "email", custom=True),
    ),
)

CONTACT_SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")


def _audit_fields() -> tuple[FieldDef, ...]:
    """Owner, created and modified stamps: the system fields every standard object carries."""

    def user(name: str, label: str, rel: str) -> FieldDef:
        return _system(name, label, "reference", "user", reference_to=("User",),
                       relationship_name=rel)  # fmt: skip

    return (
        user("OwnerId", "Owner ID", "Owner"),
        _system("CreatedDate", "Created Date", "datetime", "created"),
        user("CreatedById", "Created By ID", "CreatedBy"),
        _system("LastModifiedDate", "Last Modified Date", "datetime", "modified"),
        user("LastModifiedById", "Last Modified By ID", "LastModifiedBy"),
        _system("SystemModstamp", "System Modstamp", "datetime", "modified"),
    )


CONTACT = SObjectDef(
    name="Contact",
    label="Contact",
    label_plural="Contacts",
    key_prefix="003",
    compound_name=("Name", ("FirstName", "LastName")),
    fields=(
        _system("Id", "Contact ID", "id", "id", id_lookup=True),
        _system("IsDeleted", "Deleted", "boolean", "deleted"),
        FieldDef(
            "AccountId",
            "Account ID",
            "reference",
            reference_to=("Account",),
            relationship_name="Account",
        ),
        _text("LastName", "Last Name", 80, nillable=False),
        _text("FirstName", "First Name", 40),
        _text("Salutation", "Salutation", 40, "picklist", picklist=CONTACT_SALUTATIONS),
        _text(
            "Name",
            "Full Name",
            121,
            nillable=False,
            createable=False,
            updateable=False,
            id_lookup=True,
            name_field=True,
        ),
        *_address("Mailing"),
        _text("Phone", "Business Phone", 40, "phone"),
        _text("MobilePhone", "Mobile Phone", 40, "phone"),
        _text("Email", "Email", 80, "email", id_lookup=True),
        _text("Title", "Title", 128),
        _text("Department", "Department", 80),
        _text(
            "Description",
            "Contact Description",
            32000,
            "textarea",
            filterable=False,
            sortable=False,
        ),
        *_audit_fields(),
    ),
)


def compound_name(sobject: SObjectDef, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with the object's compound name (if any) joined from its parts, as the server
    computes it on save: non-blank parts, space-separated."""
    if sobject.compound_name is None:
        return fields
    target, parts = sobject.compound_name
    joined = " ".join(str(v) for p in parts if (v := fields.get(p)) not in (None, ""))
    return {**fields, target: joined or None}


SOBJECTS: dict[str, SObjectDef] = {s.name: s for s in (ACCOUNT, CONTACT)}
_BY_LOWER = {name.lower(): s for name, s in SOBJECTS.items()}
_BY_PREFIX = {s.key_prefix: s for s in SOBJECTS.values()}


def get_sobject(name: str) -> SObjectDef | None:
    """The sObject called `name` (case-insensitive), or None when the org has no such type."""
    return _BY_LOWER.get(name.lower())


def sobject_for_id(record_id: str) -> SObjectDef | None:
    """The sObject whose key prefix starts `record_id`."""
    return _BY_PREFIX.get(record_id[:3])

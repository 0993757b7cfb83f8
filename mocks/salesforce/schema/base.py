"""The shapes of sObject metadata (`FieldDef`, `SObjectDef`) and small builders for them.

The object tables (`schema` for Account and Contact, `schema_commerce` for products, price
books, orders and the custom objects) are written with these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FieldType = Literal[
    "id", "reference", "string", "textarea", "email", "phone", "url", "picklist",
    "boolean", "int", "double", "currency", "percent", "date", "datetime",
]  # fmt: skip
# Where a system field's value comes from: the store's bookkeeping, not the record's fields
# ("user": the session's user; "owner": the stored `OwnerId`, else the session's user).
SystemSource = Literal["id", "deleted", "created", "modified", "user", "owner"]

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
    # Filled in by the server on insert: (format, first number), e.g. ("{:08d}", 100).
    auto_number: tuple[str, int] | None = None
    calculated: bool = False  # a formula or roll-up the server computes

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
    # Child relationships a SOQL subquery can follow: (relationship name, child, field).
    children: tuple[tuple[str, str, str], ...] = ()
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


def system_field(
    name: str, label: str, type_: FieldType, source: SystemSource, **kw: Any
) -> FieldDef:
    return FieldDef(
        name, label, type_, nillable=False, createable=False, updateable=False,
        defaulted_on_create=True, system=source, **kw,
    )  # fmt: skip


def text_field(
    name: str, label: str, length: int, type_: FieldType = "string", **kw: Any
) -> FieldDef:
    return FieldDef(name, label, type_, length=length, **kw)


def full_name_field(*, id_lookup: bool = True) -> FieldDef:
    """The read-only `Name` Salesforce composes from a person's salutation, first and last
    names (Contact, Lead, User)."""
    return text_field("Name", "Full Name", 121, nillable=False, createable=False,
                      updateable=False, id_lookup=id_lookup, name_field=True)  # fmt: skip


def owner_field() -> FieldDef:
    """`OwnerId`: a User the client may set on create and change on update ("Properties:
    Create, Defaulted on create, Filter, Group, Sort, Update", Account in the Object
    Reference: developer.salesforce.com/docs/atlas.en-us.object_reference.meta/
    object_reference/sforce_api_objects_account.htm); a record saved without one is owned by
    the org's integration user (the mock's one API user, who saves every record)."""
    return FieldDef(
        "OwnerId", "Owner ID", "reference", nillable=False, defaulted_on_create=True,
        system="owner", reference_to=("User",), relationship_name="Owner",
    )  # fmt: skip


def audit_fields(*, owner: bool = True) -> tuple[FieldDef, ...]:
    """Owner, created and modified stamps: the system fields every standard object carries."""

    def user(name: str, label: str, rel: str) -> FieldDef:
        return system_field(name, label, "reference", "user", reference_to=("User",),
                       relationship_name=rel)  # fmt: skip

    return (
        *((owner_field(),) if owner else ()),
        system_field("CreatedDate", "Created Date", "datetime", "created"),
        user("CreatedById", "Created By ID", "CreatedBy"),
        system_field("LastModifiedDate", "Last Modified Date", "datetime", "modified"),
        user("LastModifiedById", "Last Modified By ID", "LastModifiedBy"),
        system_field("SystemModstamp", "System Modstamp", "datetime", "modified"),
    )

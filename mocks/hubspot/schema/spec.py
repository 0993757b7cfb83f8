"""Property and object definitions: one source for the properties API, write validation,
search comparisons and the default properties a read returns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

PropertyType = Literal["string", "number", "datetime", "date", "enumeration", "bool"]
CREATED = datetime(2019, 3, 4, 12, 0, tzinfo=UTC)  # when the portal's properties were defined
ERP_GROUP = "erp_integration"


@dataclass(frozen=True)
class PropertySpec:
    """One property as `/crm/v3/properties/{objectType}` describes it."""

    name: str
    label: str
    type: PropertyType = "string"
    field_type: str = "text"
    options: tuple[str, ...] = ()
    option_labels: tuple[str, ...] = ()  # what the app shows for each option (default: it)
    has_unique_value: bool = False
    hubspot_defined: bool = True
    group: str = "information"
    read_only: bool = False  # set by HubSpot itself (ids, stamps)
    integer: bool = False  # a number property that only takes whole numbers
    created_at: datetime = CREATED
    archived_at: datetime | None = None  # archived through the properties API
    # "OWNER" for an owner property: HubSpot fills its options from the portal's owners
    referenced_object_type: str | None = None

    def _labels(self) -> tuple[str, ...]:
        return self.option_labels or self.options

    def to_json(self) -> dict[str, Any]:
        stamp = _iso(self.created_at)
        out: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "description": "",
            "groupName": self.group,
            "options": [
                {"label": label, "value": o, "displayOrder": i, "hidden": False}
                for i, (o, label) in enumerate(zip(self.options, self._labels(), strict=True))
            ],
            "displayOrder": -1,
            "calculated": False,
            "externalOptions": False,
            "hasUniqueValue": self.has_unique_value,
            "hidden": False,
            "hubspotDefined": self.hubspot_defined,
            "modificationMetadata": {
                "archivable": not self.hubspot_defined,
                "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only,
            },
            "formField": not self.read_only,
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": self.archived_at is not None,
        }
        if self.archived_at is not None:
            out["archivedAt"] = _iso(self.archived_at)
        if self.referenced_object_type is not None:
            out["referencedObjectType"] = self.referenced_object_type
            out["externalOptions"] = True  # the options come from the referenced objects
        if self.type == "bool":
            out["options"] = [
                {"label": "Yes", "value": "true", "displayOrder": 0, "hidden": False},
                {"label": "No", "value": "false", "displayOrder": 1, "hidden": False},
            ]
        return out


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def text(name: str, label: str, **kw: Any) -> PropertySpec:
    return PropertySpec(name, label, "string", kw.pop("field_type", "text"), **kw)


def number(name: str, label: str, **kw: Any) -> PropertySpec:
    return PropertySpec(name, label, "number", "number", **kw)


def enum(name: str, label: str, options: tuple[str, ...], **kw: Any) -> PropertySpec:
    return PropertySpec(name, label, "enumeration", kw.pop("field_type", "select"), options, **kw)


def when(name: str, label: str, **kw: Any) -> PropertySpec:
    return PropertySpec(name, label, "datetime", "date", **kw)


def flag(name: str, label: str, **kw: Any) -> PropertySpec:
    return PropertySpec(name, label, "bool", "booleancheckbox", ("true", "false"), **kw)


def custom(spec: PropertySpec, *, unique: bool = False) -> PropertySpec:
    """A property the integration team added (group `erp_integration`)."""
    return replace(spec, hubspot_defined=False, group=ERP_GROUP, has_unique_value=unique)


@dataclass(frozen=True)
class ObjectSpec:
    """One CRM object type."""

    name: str  # the plural path name, e.g. "companies"
    type_id: str  # HubSpot's object type id, e.g. "0-2"
    singular: str  # "company"
    label: str  # "Company": the word in "Company already exists"
    properties: tuple[PropertySpec, ...]
    defaults: tuple[str, ...]  # returned when a read names no properties
    modified: str = "hs_lastmodifieddate"  # contacts: "lastmodifieddate"
    searchable: tuple[str, ...] = ()  # the properties `query` looks in
    by_name: dict[str, PropertySpec] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({p.name: p for p in self.properties})

    @property
    def stamps(self) -> tuple[str, ...]:
        """What every read returns whatever it asks for."""
        return ("createdate", self.modified, "hs_object_id")

    def unique(self) -> tuple[str, ...]:
        """The properties accepted as `idProperty`."""
        return tuple(p.name for p in self.properties if p.has_unique_value)


def stamp_properties(modified: str) -> tuple[PropertySpec, ...]:
    """The read-only id and time stamps every object has."""
    return (
        number("hs_object_id", "Record ID", read_only=True, integer=True, has_unique_value=True),
        when("createdate", "Create Date"),
        when(modified, "Last Modified Date", read_only=True),
    )


__all__ = [
    "ERP_GROUP",
    "ObjectSpec",
    "PropertySpec",
    "PropertyType",
    "custom",
    "enum",
    "flag",
    "number",
    "stamp_properties",
    "text",
    "when",
]

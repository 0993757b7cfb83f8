"""An OData v2 service's `$metadata` (EDMX) reduced to what the connector needs: pure.

Per entity set: its entity type's keys, properties (Edm type, `MaxLength`, `Nullable`,
`sap:creatable` / `sap:updatable`) and navigation properties resolved through their
associations to the target type and multiplicity. The connector reads a service's document
once and derives describe, value conversion and `$expand` paths from it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field

from sync.connectors.base import FieldSchema, FieldType

__all__ = ["EntityType", "Navigation", "Property", "ServiceMetadata", "field_schema", "parse"]

_SAP = "{http://www.sap.com/Protocols/SAPData}"
_EDM_TYPES: dict[str, FieldType] = {
    "Edm.String": "string",
    "Edm.Boolean": "boolean",
    "Edm.DateTime": "date",
    "Edm.DateTimeOffset": "datetime",
    "Edm.Time": "string",
    "Edm.Decimal": "double",
    "Edm.Double": "double",
    "Edm.Single": "double",
    "Edm.Int16": "int",
    "Edm.Int32": "int",
    "Edm.Int64": "int",
    "Edm.Byte": "int",
    "Edm.Guid": "string",
}


@dataclass(frozen=True)
class Property:
    name: str
    edm: str
    max_length: int | None = None
    nullable: bool = True
    key: bool = False
    creatable: bool = True
    updatable: bool = True


@dataclass(frozen=True)
class Navigation:
    name: str
    target: str  # the entity type's name, without namespace
    many: bool


@dataclass(frozen=True)
class EntityType:
    name: str
    keys: tuple[str, ...]
    properties: Mapping[str, Property]
    navigations: Mapping[str, Navigation] = field(default_factory=dict)

    def types(self) -> dict[str, str]:
        """Property name -> Edm type, for value conversion."""
        return {name: prop.edm for name, prop in self.properties.items()}


@dataclass(frozen=True)
class ServiceMetadata:
    entity_sets: Mapping[str, EntityType]  # set name -> its type
    types: Mapping[str, EntityType]  # type name -> type

    def entity(self, entity_set: str) -> EntityType | None:
        return self.entity_sets.get(entity_set)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _flag(element: ET.Element, attribute: str) -> bool:
    return element.get(f"{_SAP}{attribute}", "true").lower() != "false"


def _property(element: ET.Element, keys: set[str]) -> Property:
    name = element.get("Name", "")
    length = element.get("MaxLength")
    return Property(
        name=name,
        edm=element.get("Type", "Edm.String"),
        max_length=int(length) if length and length.isdigit() else None,
        nullable=element.get("Nullable", "true").lower() != "false",
        key=name in keys,
        creatable=_flag(element, "creatable"),
        updatable=_flag(element, "updatable"),
    )


def _ends(schema: ET.Element) -> dict[tuple[str, str], tuple[str, bool]]:
    """(association, role) -> (entity type name, to-many) from every Association."""
    ends: dict[tuple[str, str], tuple[str, bool]] = {}
    for association in _children(schema, "Association"):
        for end in _children(association, "End"):
            type_name = end.get("Type", "").rsplit(".", 1)[-1]
            many = end.get("Multiplicity", "") == "*"
            ends[(association.get("Name", ""), end.get("Role", ""))] = (type_name, many)
    return ends


def _entity_type(element: ET.Element, ends: dict[tuple[str, str], tuple[str, bool]]) -> EntityType:
    key_names = [
        ref.get("Name", "")
        for key in _children(element, "Key")
        for ref in _children(key, "PropertyRef")
    ]
    keys = set(key_names)
    properties = {p.name: p for p in (_property(e, keys) for e in _children(element, "Property"))}
    navigations: dict[str, Navigation] = {}
    for nav in _children(element, "NavigationProperty"):
        association = nav.get("Relationship", "").rsplit(".", 1)[-1]
        target, many = ends.get((association, nav.get("ToRole", "")), ("", False))
        navigations[nav.get("Name", "")] = Navigation(nav.get("Name", ""), target, many)
    return EntityType(element.get("Name", ""), tuple(key_names), properties, navigations)


def parse(document: bytes | str) -> ServiceMetadata:
    """Parse an EDMX document; raises ValueError when it is not one."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        raise ValueError(f"$metadata is not XML: {exc}") from exc
    types: dict[str, EntityType] = {}
    sets: dict[str, str] = {}
    for schema in root.iter():
        if _local(schema.tag) != "Schema":
            continue
        ends = _ends(schema)
        for element in _children(schema, "EntityType"):
            entity = _entity_type(element, ends)
            types[entity.name] = entity
        for container in _children(schema, "EntityContainer"):
            for entity_set in _children(container, "EntitySet"):
                type_name = entity_set.get("EntityType", "").rsplit(".", 1)[-1]
                sets[entity_set.get("Name", "")] = type_name
    if not types:
        raise ValueError("$metadata declares no entity types")
    resolved = {name: types[t] for name, t in sets.items() if t in types}
    return ServiceMetadata(resolved, types)


def field_schema(
    prop: Property, *, external_id: bool = False, name: str | None = None
) -> FieldSchema:
    """A property as the engine's `FieldSchema`: `Nullable="false"` is required on create
    (keys excepted: SAP numbers business partners and orders itself)."""
    return FieldSchema(
        name=name or prop.name,
        type="id" if prop.key else _EDM_TYPES.get(prop.edm, "string"),
        length=prop.max_length if prop.edm == "Edm.String" else None,
        required=not prop.nullable and not prop.key,
        nillable=prop.nullable,
        createable=prop.creatable,
        updateable=prop.updatable and not prop.key,
        external_id=external_id,
    )

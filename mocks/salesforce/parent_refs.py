"""Parents named by an indexed field instead of an id: `Account.External_Id__c` columns.

Salesforce lets a write name a record's parent by the parent's external id (or another
idLookup field) through the relationship: a Bulk API CSV column `Account.External_Id__c`,
or a REST/JSON body `{"Account": {"External_Id__c": "X"}}` on a Contact. The save looks the
value up and stores the parent's id in the reference field (`AccountId`); a value that
matches no parent fails that record alone. Both wire forms come here in the nested (JSON)
form, and the match uses the unit of work's own `holders`, the lookup an upsert by external
id matches with, so a parent created earlier in the same transaction is found and the two
paths cannot disagree about what matches.

Limits kept as Salesforce keeps them: one level only (no `Account.Parent.External_Id__c`),
and only external-id or idLookup fields of the parent identify it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from mocks.salesforce.schema import SOBJECTS, FieldDef, SObjectDef
from mocks.salesforce.values import Problem, RecordError, coerce_value

# (parent object, key field, value) -> ids of the live records (stored or planned) that match
Holders = Callable[[SObjectDef, FieldDef, Any], list[str]]


@dataclass(frozen=True)
class ParentKey:
    """A reference field, the parent it points to, and the parent's field that names it."""

    reference: FieldDef  # AccountId
    parent: SObjectDef  # Account
    key: FieldDef  # External_Id__c


def relationship(sobject: SObjectDef, name: str) -> FieldDef | None:
    """The reference field whose relationship name is `name` (case-insensitive), if any."""
    return _relationships(sobject.name).get(name.lower())


@cache
def _relationships(object_name: str) -> dict[str, FieldDef]:
    """An sObject's reference fields by lowercase relationship name, worked out once (a bulk
    job asks for each row)."""
    return {fd.relationship_name.lower(): fd for fd in SOBJECTS[object_name].fields
            if fd.type == "reference" and fd.relationship_name}  # fmt: skip


def parent_key(sobject: SObjectDef, rel_name: str, field_name: str) -> ParentKey | None:
    """The parent key `rel_name.field_name` names, or None when the relationship is not a
    child-to-parent one of `sobject` with a single parent type, or the field is not an
    external id or idLookup field of that parent."""
    return _parent_key(sobject.name, rel_name.lower(), field_name)


@cache
def _parent_key(object_name: str, rel_name: str, field_name: str) -> ParentKey | None:
    sobject = SOBJECTS[object_name]
    ref = relationship(sobject, rel_name)
    if ref is None or len(ref.reference_to) != 1 or ref.reference_to[0] not in SOBJECTS:
        return None
    parent = SOBJECTS[ref.reference_to[0]]
    key = parent.field(field_name)
    if key is None or not (key.external_id or key.id_lookup):
        return None
    return ParentKey(ref, parent, key)


def header_key(sobject: SObjectDef, column: str) -> ParentKey | None:
    """The parent key a CSV column `Relationship.Field` names (one dot: no grandparents)."""
    rel_name, dot, field_name = column.partition(".")
    if not dot or "." in field_name:
        return None
    return parent_key(sobject, rel_name, field_name)


def nest_columns(body: dict[str, Any]) -> dict[str, Any]:
    """A CSV row body with `Account.External_Id__c` cells in the JSON form the save reads:
    `{"Account": {"External_Id__c": value}}` (the header was checked with `header_key`)."""
    nested: dict[str, Any] = {}
    for name, value in body.items():
        rel_name, dot, field_name = name.partition(".")
        if dot:
            nested[rel_name] = {field_name: value}
        else:
            nested[name] = value
    return nested


def _key_of(sobject: SObjectDef, rel_name: str, value: dict[str, Any]) -> tuple[ParentKey, Any]:
    fields = {k: v for k, v in value.items() if k != "attributes"}
    if len(fields) != 1:
        raise RecordError.one(
            "INVALID_FIELD",
            f"The relationship {rel_name} must name exactly one external id or idLookup field"
            f" of its parent, not {len(fields)}",
        )
    ((field_name, raw),) = fields.items()
    found = parent_key(sobject, rel_name, field_name)
    if found is None:
        raise RecordError.one(
            "INVALID_FIELD",
            f"Field {field_name} on the parent of {sobject.name}.{rel_name} is not an external"
            " id or idLookup field",
        )
    return found, raw


def _parent_id(found: ParentKey, raw: Any, holders: Holders) -> str | None:
    if raw is None:  # `#N/A` in a CSV cell: the reference is cleared
        return None
    key = found.key
    if key.name == "Id":  # the id itself: the save checks its form and that it exists
        return raw
    try:
        value = coerce_value(key, raw)
    except Problem as problem:
        raise RecordError([problem]) from None
    matches = holders(found.parent, key, value)
    where = f"for field {key.name} in entity {found.parent.name}"
    if not matches:
        message = f"Foreign key external ID: {value} not found {where}"
        raise RecordError.one("INVALID_FIELD", message)
    if len(matches) > 1:
        raise RecordError.one(
            "DUPLICATE_EXTERNAL_ID",
            f"Foreign key external ID: {value} matched more than one record {where}: "
            f"{sorted(matches)}",
        )
    return matches[0]


def resolve(sobject: SObjectDef, body: dict[str, Any], holders: Holders) -> dict[str, Any]:
    """`body` with each `{"Relationship": {"Field": value}}` entry replaced by the parent's id
    on the reference field; other entries are left for the save's own checks."""
    if not any(isinstance(v, dict) for k, v in body.items() if k != "attributes"):
        return body
    resolved: dict[str, Any] = {}
    for name, value in body.items():
        if name == "attributes" or not isinstance(value, dict) or sobject.field(name):
            resolved[name] = value
            continue
        if relationship(sobject, name) is None:
            resolved[name] = value  # not a relationship: the save says "No such column"
            continue
        found, raw = _key_of(sobject, name, value)
        resolved[found.reference.name] = _parent_id(found, raw, holders)
    return resolved

"""What HubSpot checks in a property definition before it creates the property: the internal
name, the group, and that `type` and `fieldType` go together. Pure: returns the problems.

Sources: the type/fieldType table of HubSpot's properties guide
(https://developers.hubspot.com/docs/api/crm/properties), enforced on the v3 endpoints since
February 2021 (https://developers.hubspot.com/changelog/crm-object-property-validattion);
internal names of lowercase letters, digits and underscores, starting with a letter, at
most 100 characters (the v1 property docs, and HubSpot/hubspot-api-nodejs#277: "Names for
properties should be lowercase and have less than 100 characters")."""

from __future__ import annotations

import re
from collections.abc import Iterable

NAME = re.compile(r"[a-z][a-z0-9_]*")
NAME_MAX = 100
# type -> the fieldType values HubSpot's table allows with it. `html` and `phonenumber` are
# in HubSpot's fieldType list and only a string can carry them (HubSpot's own `phone`).
FIELD_TYPES: dict[str, frozenset[str]] = {
    "bool": frozenset({"booleancheckbox", "calculation_equation"}),
    "enumeration": frozenset(
        {"booleancheckbox", "checkbox", "radio", "select", "calculation_equation"}
    ),
    "date": frozenset({"date"}),
    "datetime": frozenset({"date"}),
    "string": frozenset(
        {"file", "text", "textarea", "html", "phonenumber", "calculation_equation"}
    ),
    "number": frozenset({"number", "calculation_equation"}),
}
# Groups every portal has (HubSpot's default groups), besides those its properties use.
DEFAULT_GROUPS: dict[str, tuple[str, ...]] = {
    "companies": ("companyinformation",),
    "contacts": ("contactinformation",),
    "deals": ("dealinformation",),
    "products": ("productinformation",),
    "line_items": ("lineiteminformation",),
}


def name_problem(name: str) -> str | None:
    if len(name) > NAME_MAX or NAME.fullmatch(name) is None:
        return (
            f"Property name '{name}' is invalid: names must start with a lowercase letter,"
            f" contain only lowercase letters, numbers and underscores, and have at most"
            f" {NAME_MAX} characters."
        )
    return None


def type_problem(kind: str, field_type: str) -> str | None:
    allowed = FIELD_TYPES.get(kind)
    if allowed is None:
        return f"type must be one of {sorted(FIELD_TYPES)}, got '{kind}'"
    if field_type not in allowed:
        return (
            f"fieldType '{field_type}' is not valid for a property of type '{kind}';"
            f" valid values are {sorted(allowed)}"
        )
    return None


def group_problem(group: str, groups: Iterable[str]) -> str | None:
    if group not in set(groups):
        return f"Property group '{group}' does not exist."
    return None


__all__ = [
    "DEFAULT_GROUPS",
    "FIELD_TYPES",
    "NAME_MAX",
    "group_problem",
    "name_problem",
    "type_problem",
]

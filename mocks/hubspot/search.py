"""The CRM search language: filter groups (OR of ANDs), HubSpot's operators, one-key sorts,
free-text `query`, and the limits HubSpot puts on them (5 groups, 10 filters a group, 25 in
all). Number properties compare as numbers, datetime ones as instants (epoch ms or ISO),
text case-insensitively."""

from __future__ import annotations

import fnmatch
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mocks.hubspot.errors import validation
from mocks.hubspot.schema import ObjectSpec, PropertySpec
from mocks.hubspot.schema.objects import ALIASES
from mocks.hubspot.schema.values import comparable, iso
from mocks.hubspot.visibility import Version

MAX_GROUPS, MAX_PER_GROUP, MAX_FILTERS = 5, 10, 25
MAX_SORTS = 1
OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)
_NO_VALUE = frozenset({"HAS_PROPERTY", "NOT_HAS_PROPERTY"})
_CACHE_SIZE = 16
_TOKENS = re.compile(r"[^\W_]+(?:[@.'-][^\W_]+)*")


@dataclass(frozen=True)
class Filter:
    prop: str
    operator: str
    spec: PropertySpec | None
    value: Any = None
    high: Any = None
    values: tuple[Any, ...] = ()
    linked: str | None = None  # `associations.<type>`: the associated object's name


Linked = Callable[[str, str], set[str]]  # (record id, object) -> ids associated with it
_LINK_OPERATORS = frozenset({"EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"})


def _linked_type(prop: str) -> str | None:
    """The object an `associations.<type>` pseudo-property names (None: a real property)."""
    head, _, kind = prop.partition(".")
    if head != "associations" or not kind:
        return None
    name = ALIASES.get(kind.lower())
    if name is None:
        raise validation(f"Unable to infer object type from: {kind}")
    return name


def _link_matches(f: Filter, ids: set[str]) -> bool:
    """An association filter: EQ/IN on an associated id, HAS_PROPERTY on any."""
    wanted = {str(v) for v in (f.values if f.operator in ("IN", "NOT_IN") else (f.value,))}
    hit = bool(ids) if f.operator.endswith("HAS_PROPERTY") else bool(ids & wanted)
    return hit != f.operator.startswith("N")


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Filter, ...], ...]
    sorts: tuple[tuple[str, bool], ...]  # (property, descending)
    text: str | None


def value_of(spec: ObjectSpec, version: Version, name: str) -> Any:
    """A record's value of `name` as search sees it (stamps included)."""
    if name == "hs_object_id":
        return version.id
    if name == spec.modified:
        return iso(version.modified_at)
    if name == "createdate":
        return version.fields.get("createdate") or iso(version.created_at)
    return version.fields.get(name)


def _filter(raw: Any, specs: Mapping[str, PropertySpec]) -> Filter:
    if not isinstance(raw, dict):
        raise validation("Invalid input JSON: each filter must be an object")
    prop, operator = raw.get("propertyName"), str(raw.get("operator", "EQ")).upper()
    if not isinstance(prop, str) or not prop:
        raise validation("Each filter needs a propertyName")
    if operator not in OPERATORS:
        raise validation(f"Unknown operator {operator!r}; valid: {sorted(OPERATORS)}")
    _check_values(prop, raw)
    linked = _linked_type(prop)
    if linked is not None:
        if operator not in _LINK_OPERATORS:
            raise validation(f"{prop} takes only {sorted(_LINK_OPERATORS)}, not {operator}")
        return Filter(prop, operator, None, raw.get("value"), None, tuple(raw.get("values") or ()),
                      linked)  # fmt: skip
    if prop not in specs:
        raise validation(
            f"Filtering on a property that does not exist: {prop}",
            errors=[
                {
                    "message": f'Property "{prop}" does not exist',
                    "code": "PROPERTY_DOESNT_EXIST",
                    "in": prop,
                }
            ],
        )
    values = raw.get("values")
    if operator in ("IN", "NOT_IN") and not isinstance(values, list):
        raise validation(f"{operator} needs a values list")
    if operator not in _NO_VALUE and operator not in ("IN", "NOT_IN") and raw.get("value") is None:
        raise validation(f"{operator} on {prop} needs a value")
    if operator == "BETWEEN" and raw.get("highValue") is None:
        raise validation(f"BETWEEN on {prop} needs a highValue")
    return Filter(
        prop, operator, specs[prop], raw.get("value"), raw.get("highValue"), tuple(values or ())
    )


def _sorts(raw: Any) -> tuple[tuple[str, bool], ...]:
    """`[{propertyName, direction}]` or the plain string form (`"name"`, `"-name"`); one
    rule at most: "Only one sorting rule can be applied to any search" (HubSpot's docs)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise validation(f"Invalid input JSON: sorts must be a list, got {type(raw).__name__}")
    if len(raw) > MAX_SORTS:
        raise validation(
            f"Only one sorting rule can be applied to a search; got {len(raw)}",
            context={"sorts": [str(len(raw))]},
        )
    out: list[tuple[str, bool]] = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            name = item.strip()
            out.append((name.lstrip("-"), name.startswith("-")))
        elif isinstance(item, dict) and isinstance(item.get("propertyName"), str):
            direction = str(item.get("direction", "ASCENDING")).upper()
            if direction not in ("ASCENDING", "DESCENDING"):
                raise validation(f"direction must be ASCENDING or DESCENDING, got {direction!r}")
            out.append((item["propertyName"], direction == "DESCENDING"))
        else:
            raise validation(f"Invalid sort {item!r}: give {{propertyName, direction}}")
    return tuple(out)


def _scalar(value: Any) -> bool:
    """A value HubSpot's filter takes: its model types them as strings, and JSON numbers and
    booleans read as their text; an object or a list does not."""
    return value is None or isinstance(value, str | int | float | bool)


def _check_values(prop: str, raw: Mapping[str, Any]) -> None:
    for key in ("value", "highValue"):
        if not _scalar(raw.get(key)):
            raise validation(f"Invalid input JSON: {key} of the filter on {prop} must be a"
                             f" string, got {type(raw.get(key)).__name__}")  # fmt: skip
    values = raw.get("values")
    if values is None:
        return
    if not isinstance(values, list) or not all(v is not None and _scalar(v) for v in values):
        raise validation(
            f"Invalid input JSON: values of the filter on {prop} must be a list of strings"
        )


def properties_asked(raw: Any) -> list[str] | None:
    """The body's `properties`: a list of names, as the API's model has it (a comma string
    is the GET endpoints' form, not the search body's)."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        raise validation("Invalid input JSON: properties must be a list of property names")
    return raw


def parse_query(body: Mapping[str, Any], specs: Mapping[str, PropertySpec]) -> Query:
    """The filters, sorts and text of a search body; 400 past HubSpot's filter limits."""
    groups_raw = body.get("filterGroups") or []
    if not isinstance(groups_raw, list):
        raise validation("filterGroups must be a list")
    if len(groups_raw) > MAX_GROUPS:
        raise validation(f"Too many filter groups: {len(groups_raw)}; at most {MAX_GROUPS}")
    groups = []
    for group in groups_raw:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list):
            raise validation("Each filter group needs a filters list")
        if len(filters) > MAX_PER_GROUP:
            raise validation(
                f"Too many filters in a group: {len(filters)}; at most {MAX_PER_GROUP}"
            )
        groups.append(tuple(_filter(f, specs) for f in filters))
    total = sum(len(g) for g in groups)
    if total > MAX_FILTERS:
        raise validation(f"Too many filters: {total}; at most {MAX_FILTERS} in all groups")
    text = body.get("query")
    return Query(
        tuple(g for g in groups if g),
        _sorts(body.get("sorts")),
        text.strip().lower() if isinstance(text, str) and text.strip() else None,
    )


def _tokens(value: str) -> list[str]:
    return _TOKENS.findall(value.lower())


def _contains_token(value: Any, token: Any) -> bool:
    if value is None:
        return False
    wanted, text = str(token).lower().strip(), str(value).lower()
    if "*" in wanted:
        return fnmatch.fnmatchcase(text, wanted) or any(
            fnmatch.fnmatchcase(t, wanted) for t in _tokens(text)
        )
    return wanted in _tokens(text) or wanted == text


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    try:
        return bool(
            {"LT": left < right, "LTE": left <= right, "GT": left > right, "GTE": left >= right}[op]
        )
    except TypeError:
        return False


def matches(f: Filter, raw: Any) -> bool:
    """Whether a stored value passes one filter."""
    op = f.operator
    if op == "HAS_PROPERTY":
        return raw not in (None, "")
    if op == "NOT_HAS_PROPERTY":
        return raw in (None, "")
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        return _contains_token(raw, f.value) == (op == "CONTAINS_TOKEN")
    left = comparable(f.spec, raw)
    if op in ("IN", "NOT_IN"):
        hit = left is not None and left in {comparable(f.spec, v) for v in f.values}
        return hit == (op == "IN")
    if op in ("EQ", "NEQ"):
        return (left is not None and left == comparable(f.spec, f.value)) == (op == "EQ")
    if op == "BETWEEN":
        low, high = comparable(f.spec, f.value), comparable(f.spec, f.high)
        return _compare("GTE", left, low) and _compare("LTE", left, high)
    return _compare(op, left, comparable(f.spec, f.value))


def run(
    spec: ObjectSpec,
    query: Query,
    rows: list[Version],
    specs: Mapping[str, PropertySpec],
    linked: Linked | None = None,
) -> list[Version]:
    """The records a query finds, in its sort order (id breaking ties); `linked` answers
    `associations.<type>` filters."""

    def holds(f: Filter, version: Version) -> bool:
        if f.linked is not None:
            return _link_matches(f, linked(version.id, f.linked) if linked else set())
        return matches(f, value_of(spec, version, f.prop))

    def passes(version: Version) -> bool:
        if query.text and not _text_hit(spec, version, query.text):
            return False
        if not query.groups:
            return True
        return any(all(holds(f, version) for f in group) for group in query.groups)

    found = [v for v in rows if passes(v)]
    found.sort(key=lambda v: int(v.id) if v.id.isdigit() else 0)
    for name, descending in reversed(query.sorts):
        found.sort(key=_sort_key(spec, specs.get(name), name, descending), reverse=descending)
    return found


def _sort_key(
    spec: ObjectSpec, prop: PropertySpec | None, name: str, descending: bool
) -> Callable[[Version], tuple[bool, Any]]:
    def key(version: Version) -> tuple[bool, Any]:
        value = comparable(prop, value_of(spec, version, name))
        missing = value is None
        # Records without the value come last either way.
        return (not missing if descending else missing, value if value is not None else 0)

    return key


def _text_hit(spec: ObjectSpec, version: Version, text: str) -> bool:
    haystack = " ".join(str(version.fields.get(n) or "") for n in spec.searchable).lower()
    return all(term in haystack for term in text.split()) or text == version.id


class SearchCache:
    """Recent result lists keyed by object, query and store state (lag-free searches only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: OrderedDict[tuple[Any, ...], list[Version]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> list[Version] | None:
        with self._lock:
            found = self._rows.get(key)
            if found is not None:
                self._rows.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], rows: list[Version]) -> None:
        with self._lock:
            self._rows[key] = rows
            while len(self._rows) > _CACHE_SIZE:
                self._rows.popitem(last=False)


__all__ = [
    "MAX_FILTERS",
    "MAX_GROUPS",
    "MAX_PER_GROUP",
    "MAX_SORTS",
    "OPERATORS",
    "Filter",
    "Linked",
    "Query",
    "SearchCache",
    "matches",
    "parse_query",
    "properties_asked",
    "run",
    "value_of",
]

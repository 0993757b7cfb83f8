"""NetSuite record JSON <-> plain records: references as ids, sublists as lists. Pure.

On the wire a reference is `{"id": "5", "refName": "Net 30"}` and a sublist
`{"items": [...]}`. The engine and the reconciler see plain records instead: the reference is
its internal id (`"5"`) with its display name, when NetSuite sends one, beside it as
`<field>_refName`; a sublist is the list of its lines (each line plain too); `links`, at any
depth, and a sublist's paging keys are left out, in the same single pass. Writing goes
the other way, guided by the record type's metadata-catalog schema (`shape_from_schema`),
which says which fields are references, sublists and subrecords at every depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

REF_NAME_SUFFIX = "_refName"
# Keys a reference object carries; anything else makes the object a subrecord.
_REF_KEYS = frozenset({"id", "refName", "externalId"})
_LINKS = "links"  # hypermedia, not data: dropped everywhere
_SCALARS = frozenset({str, int, float, bool, type(None)})  # JSON's plain values
Kind = Literal["ref", "sublist", "object"]


def is_reference(value: Any) -> bool:
    """A reference object as NetSuite writes one (its `links` aside)."""
    return isinstance(value, dict) and "id" in value and value.keys() - {_LINKS} <= _REF_KEYS


def plain_from_wire(fields: dict[str, Any]) -> dict[str, Any]:
    """A record body as a plain record: references as ids (plus `<field>_refName`),
    sublists as lists of plain lines, subrecords as plain dicts, no `links` anywhere."""
    plain: dict[str, Any] = {}
    for name, value in fields.items():
        if name == _LINKS:
            continue
        if type(value) in _SCALARS:  # most of a body: copied as it is, no further tests
            plain[name] = value
        elif is_reference(value):
            plain[name] = None if value["id"] is None else str(value["id"])
            if value.get("refName") is not None:
                plain[name + REF_NAME_SUFFIX] = value["refName"]
        else:
            plain[name] = _plain_value(value)
    return plain


def _plain_value(value: Any) -> Any:
    if isinstance(value, dict):
        items = value.get("items")
        if isinstance(items, list):
            return [plain_from_wire(i) if isinstance(i, dict) else i for i in items]
        return plain_from_wire(value)
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    return value


@dataclass(frozen=True)
class Shape:
    """Which fields of a record (or of a sublist line, or a subrecord) are not plain values."""

    kinds: dict[str, Kind] = field(default_factory=dict)
    children: dict[str, Shape] = field(default_factory=dict)  # sublist lines and subrecords


def shape_from_schema(schema: dict[str, Any]) -> Shape:
    """The shape of a record type from its metadata-catalog JSON schema."""
    kinds: dict[str, Kind] = {}
    children: dict[str, Shape] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        props = prop.get("properties") or {}
        items = props.get("items") if isinstance(props, dict) else None
        if isinstance(items, dict) and items.get("type") == "array":
            kinds[name] = "sublist"
            children[name] = shape_from_schema(items.get("items") or {})
        elif "id" in props and props.keys() <= {*_REF_KEYS, "links"}:
            kinds[name] = "ref"
        elif prop.get("type") == "object" and props:
            kinds[name] = "object"
            children[name] = shape_from_schema(prop)
    return Shape(kinds, children)


def wire_from_plain(fields: dict[str, Any], shape: Shape | None) -> dict[str, Any]:
    """A plain record (or line, or subrecord) as NetSuite reads it: ids of references become
    `{"id": ...}`, lists of sublist lines `{"items": [...]}`; `<ref>_refName` siblings are
    dropped (display names are NetSuite's to compute). Without a shape, values pass as they
    are, so a body already in wire form is sent unchanged."""
    if shape is None:
        return dict(fields)
    wire: dict[str, Any] = {}
    for name, value in fields.items():
        base = name.removesuffix(REF_NAME_SUFFIX)
        if base != name and shape.kinds.get(base) == "ref":
            continue
        wire[name] = _wire_value(value, shape.kinds.get(name), shape.children.get(name))
    return wire


def _wire_value(value: Any, kind: Kind | None, child: Shape | None) -> Any:
    if kind == "ref" and isinstance(value, str | int) and not isinstance(value, bool):
        return {"id": str(value)}
    if kind == "sublist" and isinstance(value, list):
        return {"items": [wire_from_plain(v, child) if isinstance(v, dict) else v for v in value]}
    if kind == "object" and isinstance(value, dict):
        return wire_from_plain(value, child)
    return value


def wire_field(name: str) -> str:
    """The wire field a plain field comes from (`terms_refName` -> `terms`)."""
    return name.removesuffix(REF_NAME_SUFFIX)


__all__ = [
    "REF_NAME_SUFFIX",
    "Shape",
    "is_reference",
    "plain_from_wire",
    "shape_from_schema",
    "wire_field",
    "wire_from_plain",
]

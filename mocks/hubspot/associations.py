"""Associations between records, kept in the store as object `associations` (one row per
direction, so both ends read them the same way) with HubSpot's defined type ids.

A row's id is `<from>:<fromId>:<to>:<toId>`; its fields hold the lookup key
`<from>:<fromId>:<to>`, the target id and the type ids it carries. Every association has its
reverse (contact -> company 279 has company -> contact 280), written and removed together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mocks.hubspot.errors import HubSpotError
from mocks.store import RecordStore

STORE_OBJECT = "associations"
CATEGORY = "HUBSPOT_DEFINED"


@dataclass(frozen=True)
class AssociationType:
    type_id: int
    source: str
    target: str
    name: str  # the v3 `type` spelling
    reverse: int
    primary: bool = False

    @property
    def label(self) -> str | None:
        return "Primary" if self.primary else None


TYPES: dict[int, AssociationType] = {
    t.type_id: t
    for t in (
        AssociationType(279, "contacts", "companies", "contact_to_company_unlabeled", 280),
        AssociationType(1, "contacts", "companies", "contact_to_company", 2, primary=True),
        AssociationType(280, "companies", "contacts", "company_to_contact_unlabeled", 279),
        AssociationType(2, "companies", "contacts", "company_to_contact", 1, primary=True),
        AssociationType(341, "deals", "companies", "deal_to_company_unlabeled", 342),
        AssociationType(5, "deals", "companies", "deal_to_company", 6, primary=True),
        AssociationType(342, "companies", "deals", "company_to_deal_unlabeled", 341),
        AssociationType(6, "companies", "deals", "company_to_deal", 5, primary=True),
        AssociationType(19, "deals", "line_items", "deal_to_line_item", 20),
        AssociationType(20, "line_items", "deals", "line_item_to_deal", 19),
        AssociationType(3, "deals", "contacts", "deal_to_contact", 4),
        AssociationType(4, "contacts", "deals", "contact_to_deal", 3),
    )
}
DEFAULTS: dict[tuple[str, str], int] = {
    (t.source, t.target): t.type_id for t in TYPES.values() if not t.primary
}


def default_type(source: str, target: str) -> int:
    """The unlabeled type of a pair; 400 when HubSpot defines no association between them."""
    type_id = DEFAULTS.get((source, target))
    if type_id is None:
        raise HubSpotError(
            400, f"No association type is defined from {source} to {target}", "VALIDATION_ERROR"
        )
    return type_id


def check_type(source: str, target: str | None, type_id: Any, category: Any) -> AssociationType:
    """The association type of one spec, or 400 when it does not fit the pair."""
    kind = (
        TYPES.get(type_id) if isinstance(type_id, int) and not isinstance(type_id, bool) else None
    )
    if kind is None or kind.source != source or (target is not None and kind.target != target):
        pair = f"{source} to {target}" if target else f"from {source}"
        raise HubSpotError(
            400,
            f"associationTypeId {type_id!r} is not valid for {pair}",
            "VALIDATION_ERROR",
            sub_category="INVALID_ASSOCIATION_TYPE",
        )
    if category not in (None, CATEGORY):
        raise HubSpotError(
            400,
            f"associationCategory {category!r} does not match type {type_id}: it is {CATEGORY}",
            "VALIDATION_ERROR",
        )
    return kind


def _row_id(source: str, source_id: str, target: str, target_id: str) -> str:
    return f"{source}:{source_id}:{target}:{target_id}"


def _add(store: RecordStore, source: str, sid: str, target: str, tid: str, types: set[int]) -> None:
    row_id = _row_id(source, sid, target, tid)
    rec = store.get(STORE_OBJECT, row_id)
    if rec is None:
        fields = {"key": f"{source}:{sid}:{target}", "to_id": tid, "types": sorted(types)}
        store.insert(STORE_OBJECT, row_id, fields)
    elif not types <= set(rec.fields["types"]):
        store.update(STORE_OBJECT, row_id, {"types": sorted(types | set(rec.fields["types"]))})


def associate(
    store: RecordStore, source: str, sid: str, target: str, tid: str, type_ids: set[int]
) -> None:
    """Add the types (and their reverses) between two records."""
    store.ensure_index(STORE_OBJECT, "key")
    _add(store, source, sid, target, tid, type_ids)
    _add(store, target, tid, source, sid, {TYPES[t].reverse for t in type_ids})


def dissociate(store: RecordStore, source: str, sid: str, target: str, tid: str) -> bool:
    """Remove every association between two records, both ways; False when there was none."""
    found = False
    for row_id in (_row_id(source, sid, target, tid), _row_id(target, tid, source, sid)):
        if store.get(STORE_OBJECT, row_id, include_deleted=True) is not None:
            store.purge(STORE_OBJECT, row_id)
            found = True
    return found


def targets(store: RecordStore, source: str, sid: str, target: str) -> list[tuple[str, list[int]]]:
    """(target id, type ids) of one record's associations to `target`, live targets only,
    in id order."""
    store.ensure_index(STORE_OBJECT, "key")
    rows = store.find(STORE_OBJECT, "key", f"{source}:{sid}:{target}")
    out = [
        (r.fields["to_id"], list(r.fields["types"]))
        for r in rows
        if store.get(target, r.fields["to_id"]) is not None
    ]
    return sorted(out, key=lambda pair: int(pair[0]) if pair[0].isdigit() else 0)


def move_all(store: RecordStore, source: str, old_id: str, new_id: str, kinds: list[str]) -> None:
    """Give `new_id` every association `old_id` had (a merge), then drop the old ones."""
    for target in kinds:
        for tid, types in targets(store, source, old_id, target):
            dissociate(store, source, old_id, target, tid)
            if tid != new_id:
                associate(store, source, new_id, target, tid, set(types))


def v3_results(pairs: list[tuple[str, list[int]]]) -> list[dict[str, str]]:
    """The v3 spelling: one `{id, type}` per type of each association."""
    return [{"id": tid, "type": TYPES[t].name} for tid, types in pairs for t in types if t in TYPES]


def v4_types(types: list[int]) -> list[dict[str, Any]]:
    return [
        {"category": CATEGORY, "typeId": t, "label": TYPES[t].label if t in TYPES else None}
        for t in types
    ]


__all__ = [
    "CATEGORY",
    "DEFAULTS",
    "STORE_OBJECT",
    "TYPES",
    "AssociationType",
    "associate",
    "check_type",
    "default_type",
    "dissociate",
    "move_all",
    "targets",
    "v3_results",
    "v4_types",
]

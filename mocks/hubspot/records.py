"""Writes to CRM objects as HubSpot makes them: checked properties, unique values (409 with
the existing id), soft archive, merge, and associations given with a create.

Every write first hands the record's current version to the search history, so search can
keep showing it until the index catches up (`mocks.hubspot.visibility`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocks.hubspot.associations import associate, check_type, move_all
from mocks.hubspot.errors import HubSpotError, not_found, validation
from mocks.hubspot.history import Source
from mocks.hubspot.schema import ObjectSpec
from mocks.hubspot.schema.objects import OBJECTS
from mocks.hubspot.schema.values import check_properties
from mocks.hubspot.state import HubSpotState
from mocks.store import StoredRecord

Link = tuple[str, str, set[int]]  # (target object, target id, type ids)


def lookup_value(name: str, value: str) -> str:
    return value.strip().lower() if name == "email" else value


def find(
    state: HubSpotState,
    spec: ObjectSpec,
    object_id: str,
    id_property: str | None = None,
    *,
    archived: bool = False,
) -> StoredRecord | None:
    """The record `object_id` names: by id, or by a unique property given as `idProperty`
    (400 when that property is not unique). `archived`: only archived records."""
    if id_property in (None, "", "hs_object_id"):
        merged_into = state.merged.resolve(spec.name, str(object_id))
        if merged_into is not None:  # merged away: the merged record answers, never archived
            return None if archived else find(state, spec, merged_into)
        rec = state.store.get(spec.name, str(object_id), include_deleted=archived)
        return rec if rec is None or rec.deleted == archived else None
    assert id_property is not None
    if id_property not in state.book.unique(spec.name):
        raise validation(
            f"{id_property} is not a unique property of {spec.name}; idProperty"
            f" must be one of {list(state.book.unique(spec.name))}"
        )
    if archived:
        value = lookup_value(id_property, str(object_id))
        rows = [
            r
            for r in state.store.records(spec.name, include_deleted=True)
            if r.deleted and r.fields.get(id_property) == value
        ]
        return rows[0] if rows else None
    state.store.ensure_index(spec.name, id_property)
    rows = state.store.find(spec.name, id_property, lookup_value(id_property, str(object_id)))
    return rows[0] if rows else None


def require(
    state: HubSpotState, spec: ObjectSpec, object_id: str, id_property: str | None = None
) -> StoredRecord:
    rec = find(state, spec, object_id, id_property)
    if rec is None:
        raise not_found(spec.name, object_id)
    return rec


def conflict(spec: ObjectSpec, existing_id: str) -> HubSpotError:
    """HubSpot's 409: clients parse the id out of this exact message."""
    return HubSpotError(409, f"{spec.label} already exists. Existing ID: {existing_id}", "CONFLICT")


def check_unique(
    state: HubSpotState, spec: ObjectSpec, values: Mapping[str, Any], own_id: str | None = None
) -> None:
    """409 CONFLICT when another live record holds a unique value being written."""
    for name in state.book.unique(spec.name):
        value = values.get(name)
        if value is None:
            continue
        state.store.ensure_index(spec.name, name)
        for rec in state.store.find(spec.name, name, value):
            if rec.id != own_id:
                raise conflict(spec, rec.id)


def checked(state: HubSpotState, spec: ObjectSpec, props: Any) -> dict[str, str | None]:
    return check_properties(props, state.book.all(spec.name), state.config.portal_id)


def parse_links(state: HubSpotState, spec: ObjectSpec, raw: Any) -> list[Link]:
    """The `associations` of a create body: `[{to: {id}, types: [{associationCategory,
    associationTypeId}]}]`; the target object follows from the type id."""
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        raise validation("associations must be a list")
    links: list[Link] = []
    for item in raw:
        to = item.get("to") if isinstance(item, dict) else None
        types = item.get("types") if isinstance(item, dict) else None
        if not isinstance(to, dict) or "id" not in to or not isinstance(types, list) or not types:
            raise validation("each association needs to.id and a non-empty types list")
        kinds = [
            check_type(spec.name, None, t.get("associationTypeId"), t.get("associationCategory"))
            for t in types
            if isinstance(t, dict)
        ]
        target = kinds[0].target
        target_id = str(to["id"])
        if state.store.get(target, target_id) is None:
            raise validation(
                f"The association target {target} {target_id} does not exist",
                sub_category="INVALID_ASSOCIATION_TARGET",
            )
        links.append((target, target_id, {k.type_id for k in kinds}))
    return links


def api_source(state: HubSpotState) -> Source:
    """An API write: `INTEGRATION`, the app's id as `sourceId` (as webhooks name it)."""
    return Source("INTEGRATION", str(state.config.app_id))


def create(
    state: HubSpotState,
    spec: ObjectSpec,
    props: dict[str, str | None],
    links: list[Link] | None = None,
) -> StoredRecord:
    """Insert a checked record (unique values already checked by the caller)."""
    values = {k: v for k, v in props.items() if v is not None}
    rec = state.store.insert(spec.name, state.ids.new_id(spec.name), values)
    state.versions.record(spec, rec, values, api_source(state))
    for target, target_id, types in links or ():
        associate(state.store, spec.name, rec.id, target, target_id, types)
    return rec


def update(
    state: HubSpotState,
    spec: ObjectSpec,
    rec: StoredRecord,
    props: dict[str, str | None],
    source: Source | None = None,
) -> StoredRecord:
    """Write checked properties; `source` names who wrote them (the API by default)."""
    state.history.remember(rec)
    before = rec.fields  # copy-on-write: the store gives the record a new dict
    rec = state.store.update(spec.name, rec.id, props)
    state.versions.record(spec, rec, props, source or api_source(state), before)
    return rec


def archive(state: HubSpotState, spec: ObjectSpec, rec: StoredRecord) -> None:
    state.history.remember(rec)
    state.store.delete(spec.name, rec.id)


# HubSpot's changelog on merges makes a new record only for these; other objects' merges
# keep the primary (and its id), as all merges did before.
NEW_ID_MERGES = frozenset({"contacts", "companies"})


def merge(state: HubSpotState, spec: ObjectSpec, body: Any) -> StoredRecord:
    """`{primaryObjectId, objectIdToMerge}`: for contacts and companies a new record, with a
    new id, holding the primary's values and the other's where the primary has none (unique
    values only from the primary), and the associations of both (the primary's first);
    both old records go, and both old ids lead to the new one (`merged`). Other objects:
    the primary takes the other's values where it has none and its associations, and the
    other's id leads to it."""
    if (
        not isinstance(body, dict)
        or not body.get("primaryObjectId")
        or not body.get("objectIdToMerge")
    ):
        raise validation("primaryObjectId and objectIdToMerge are required")
    primary = require(state, spec, str(body["primaryObjectId"]))
    other = require(state, spec, str(body["objectIdToMerge"]))
    if primary.id == other.id:
        raise validation("A record cannot be merged into itself")
    unique = set(state.book.unique(spec.name))
    values = {k: v for k, v in other.fields.items() if v is not None and k not in unique}
    values.update((k, v) for k, v in primary.fields.items() if v is not None)
    earlier = [
        i
        for rec in (primary, other)
        for i in str(rec.fields.get("hs_merged_object_ids") or "").split(";")
        if i
    ]
    values["hs_merged_object_ids"] = ";".join([*earlier, primary.id, other.id])
    if spec.name not in NEW_ID_MERGES:  # the primary absorbs the other, keeping its id
        archive(state, spec, other)
        move_all(state.store, spec.name, other.id, primary.id, list(OBJECTS))
        state.merged.point(spec.name, [other.id], primary.id)
        return update(state, spec, primary, {k: v for k, v in values.items()
                                             if primary.fields.get(k) is None})  # fmt: skip
    for old in (primary, other):
        archive(state, spec, old)
    made = create(state, spec, values)
    for old in (primary, other):  # the primary's associations first
        move_all(state.store, spec.name, old.id, made.id, list(OBJECTS))
    state.merged.point(spec.name, [primary.id, other.id], made.id)
    return made


__all__ = [
    "api_source",
    "archive",
    "check_unique",
    "checked",
    "conflict",
    "create",
    "find",
    "lookup_value",
    "merge",
    "parse_links",
    "require",
    "update",
]

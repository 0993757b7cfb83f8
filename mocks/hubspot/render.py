"""Records as HubSpot answers them: `{id, properties, createdAt, updatedAt, archived}` with
every value a string or null and the id and time stamps always among the properties."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from mocks.hubspot.schema.spec import ObjectSpec
from mocks.hubspot.schema.values import iso
from mocks.hubspot.visibility import Version
from mocks.store import StoredRecord


def wanted(spec: ObjectSpec, names: Iterable[str] | None) -> tuple[str, ...]:
    """The properties a read returns: those asked for (comma lists allowed), else the
    object's defaults; the stamps always."""
    asked = [n.strip() for name in names or () for n in name.split(",") if n.strip()]
    chosen = asked or list(spec.defaults)
    return tuple(dict.fromkeys([*chosen, *spec.stamps]))


def properties(
    spec: ObjectSpec,
    fields: dict[str, Any],
    record_id: str,
    created: datetime,
    modified: datetime,
    names: tuple[str, ...],
    known: set[str] | dict[str, Any],
) -> dict[str, str | None]:
    """The `properties` block: asked-for properties that exist (unknown names are ignored,
    as HubSpot does), unset ones null."""
    out: dict[str, str | None] = {}
    for name in names:
        if name == "hs_object_id":
            out[name] = record_id
        elif name == spec.modified:
            out[name] = iso(modified)
        elif name == "createdate":
            out[name] = fields.get("createdate") or iso(created)
        elif name in known:
            out[name] = fields.get(name)
    return out


def render(
    spec: ObjectSpec,
    rec: StoredRecord | Version,
    names: tuple[str, ...],
    known: set[str] | dict[str, Any],
) -> dict[str, Any]:
    """One object as a read answers it (archived ones with `archivedAt`)."""
    out: dict[str, Any] = {
        "id": rec.id,
        "properties": properties(
            spec, rec.fields, rec.id, rec.created_at, rec.modified_at, names, known
        ),
        "createdAt": iso(rec.created_at),
        "updatedAt": iso(rec.modified_at),
        "archived": rec.deleted,
    }
    deleted_at = getattr(rec, "deleted_at", None)
    if rec.deleted and deleted_at is not None:
        out["archivedAt"] = iso(deleted_at)
    return out


__all__ = ["properties", "render", "wanted"]

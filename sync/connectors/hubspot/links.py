"""Associations v4 in batches: the references of a page read and written in a constant
number of calls (`/crm/v4/associations/{from}/{to}/batch/{read,create,archive}`), never one
call per record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sync.connectors.hubspot.batches import batch_errors
from sync.connectors.hubspot.dialect import BATCH_LIMIT, Reference

__all__ = ["Links", "archive_links", "create_links", "preferred", "read_links"]

# to-object id -> the association type ids linking it
Links = dict[str, set[int]]
Call = Callable[[str, str, dict[str, Any] | None, Any, bool], Any]


def _path(from_obj: str, to_obj: str, action: str) -> str:
    return f"/crm/v4/associations/{from_obj}/{to_obj}/batch/{action}"


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), BATCH_LIMIT):
        yield items[start : start + BATCH_LIMIT]


def read_links(call: Call, from_obj: str, to_obj: str, ids: Sequence[str]) -> dict[str, Links]:
    """`{from id: {to id: {type ids}}}` for `ids`; an id without associations is absent
    (HubSpot names those in a 207's errors, which are not failures here)."""
    found: dict[str, Links] = {}
    unique = list(dict.fromkeys(ids))
    for chunk in _chunks(unique):
        body = call("POST", _path(from_obj, to_obj, "read"), None,
                    {"inputs": [{"id": i} for i in chunk]}, False) or {}  # fmt: skip
        for result in body.get("results") or ():
            source = str((result.get("from") or {}).get("id"))
            links = found.setdefault(source, {})
            for target in result.get("to") or ():
                types = {int(t["typeId"]) for t in target.get("associationTypes") or ()
                         if t.get("typeId") is not None}  # fmt: skip
                links.setdefault(str(target.get("toObjectId")), set()).update(types)
    return found


def preferred(links: Links | None, ref: Reference) -> str | None:
    """The referenced id: the primary association when there is one, else the one of the
    reference's own type, else any (the lowest id, so the answer does not wobble)."""
    if not links:
        return None
    for wanted in (ref.primary_type_id, ref.type_id):
        hits = sorted((to for to, types in links.items() if wanted in types), key=_numeric)
        if wanted is not None and hits:
            return hits[0]
    return sorted(links, key=_numeric)[0]


def _numeric(value: str) -> tuple[int, str]:
    return (int(value), value) if value.isdigit() else (0, value)


def create_links(call: Call, from_obj: str, to_obj: str, pairs: Sequence[tuple[str, str]],
                 type_id: int) -> dict[str, str]:  # fmt: skip
    """Associate each (from id, to id) with the HUBSPOT_DEFINED `type_id`; returns the from
    ids HubSpot refused, with the reason."""
    refused: dict[str, str] = {}
    kind = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]
    for chunk in _chunks(list(pairs)):
        inputs = [{"from": {"id": a}, "to": {"id": b}, "types": kind} for a, b in chunk]
        body = call("POST", _path(from_obj, to_obj, "create"), None, {"inputs": inputs}, False)
        for error in batch_errors(body):
            named = [a for a, b in chunk if a in error.keys or b in error.keys]
            for source in named or [a for a, _ in chunk]:
                refused[source] = f"{error.code}: {error.message}"
    return refused


def archive_links(call: Call, from_obj: str, to_obj: str,
                  pairs: Sequence[tuple[str, str]]) -> None:  # fmt: skip
    """Remove the associations (from id, to id) of every type."""
    for chunk in _chunks(list(pairs)):
        inputs = [{"from": {"id": a}, "to": [{"id": b}]} for a, b in chunk]
        call("POST", _path(from_obj, to_obj, "archive"), None, {"inputs": inputs}, False)

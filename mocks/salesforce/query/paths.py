"""Field paths through parent relationships (`Account.Owner.Name`): binding and reading.

A path walks reference fields by their relationship names (`Account` for `AccountId`,
`Owner` for `OwnerId`) up to the object holding the last field. A reference left empty, or
pointing at a record that is gone, reads as null all the way down, as Salesforce renders a
missing parent as `null`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mocks.salesforce.schema import FieldDef, SObjectDef, get_sobject
from mocks.store import StoredRecord

Getter = Callable[[StoredRecord], Any]
GetterFor = Callable[[FieldDef], Getter]
MAX_PARENT_LEVELS = 5  # Salesforce follows at most five parent relationships in a path


class Source(Protocol):
    """Where parent records and semi-join rows are read from (a `RecordStore`)."""

    def get(self, obj: str, record_id: str) -> StoredRecord | None: ...

    def records(self, obj: str) -> list[StoredRecord]: ...


class PathError(Exception):
    """A path that does not resolve; `relationship` is the part not understood, if any."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class FieldPath:
    """A resolved path: the reference fields followed, the objects they lead to, the leaf."""

    steps: tuple[tuple[FieldDef, SObjectDef], ...]
    leaf: FieldDef
    root: SObjectDef

    @property
    def owner(self) -> SObjectDef:
        """The object the leaf field belongs to."""
        return self.steps[-1][1] if self.steps else self.root

    @property
    def relationships(self) -> tuple[str, ...]:
        return tuple(str(fd.relationship_name) for fd, _ in self.steps)

    @property
    def key(self) -> str:
        """The path as the schema spells it, the same however the query cased it."""
        return ".".join((*self.relationships, self.leaf.name))

    @property
    def objects(self) -> frozenset[str]:
        return frozenset({self.root.name, *(target.name for _, target in self.steps)})


def _relationship(sobject: SObjectDef, name: str) -> tuple[FieldDef, SObjectDef] | None:
    lowered = name.lower()
    for fd in sobject.fields:
        if fd.type == "reference" and (fd.relationship_name or "").lower() == lowered:
            target = get_sobject(fd.reference_to[0]) if fd.reference_to else None
            if target is not None:
                return fd, target
    return None


def resolve_path(sobject: SObjectDef, name: str) -> FieldPath:
    """Bind `A.B.Field` starting at `sobject`, or raise `PathError` with Salesforce's reason."""
    *relationships, last = name.split(".")
    # `SELECT Account.Name FROM Account`: the object's own name may qualify a field.
    qualified = relationships and relationships[0].lower() == sobject.name.lower()
    if qualified and _relationship(sobject, relationships[0]) is None:
        relationships = relationships[1:]
    steps: list[tuple[FieldDef, SObjectDef]] = []
    current = sobject
    for part in relationships:
        step = _relationship(current, part)
        if step is None:
            raise PathError(
                "INVALID_FIELD", f"Didn't understand relationship '{part}' in field path."
            )
        steps.append(step)
        current = step[1]
    if len(steps) > MAX_PARENT_LEVELS:
        raise PathError(
            "MALFORMED_QUERY",
            f"SOQL statements cannot query more than {MAX_PARENT_LEVELS} levels of parent"
            " relationships",
        )
    leaf = current.field(last)
    if leaf is None:
        raise PathError("INVALID_FIELD", f"No such column '{last}' on entity '{current.name}'.")
    return FieldPath(tuple(steps), leaf, sobject)


def parent_reader(path: FieldPath, getter_for: GetterFor, source: Source | None
                  ) -> Callable[[StoredRecord], StoredRecord | None]:  # fmt: skip
    """A function from a record to the record holding the path's leaf (itself for a plain
    field), or None where a reference on the way is empty or dangling."""
    steps = [(getter_for(fd), target.name) for fd, target in path.steps]
    if not steps:
        return lambda rec: rec
    if source is None:
        raise PathError("MALFORMED_QUERY", "relationship paths need the org's records")
    read = source.get

    def parent(rec: StoredRecord) -> StoredRecord | None:
        current: StoredRecord | None = rec
        for get_id, target in steps:
            parent_id = get_id(current)  # type: ignore[arg-type]
            current = read(target, str(parent_id)) if parent_id is not None else None
            if current is None:
                return None
        return current

    return parent


def path_getter(path: FieldPath, getter_for: GetterFor, source: Source | None) -> Getter:
    """Read the path's leaf value from a record of the root object (None along a gap)."""
    leaf = getter_for(path.leaf)
    if not path.steps:
        return leaf
    parent = parent_reader(path, getter_for, source)
    return lambda rec: None if (held := parent(rec)) is None else leaf(held)


__all__ = ["FieldPath", "PathError", "Source", "parent_reader", "path_getter", "resolve_path"]

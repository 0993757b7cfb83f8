"""Query rows as JSON: parent fields nest under their relationship names, each parent with
its own `attributes`, and a missing parent is `null` (`{"Account": null}`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mocks.salesforce.query.paths import FieldPath, Getter, Source
from mocks.salesforce.records import Renderer, record_url, wire_getter
from mocks.salesforce.schema import FieldDef, SObjectDef
from mocks.store import StoredRecord


@dataclass
class _Node:
    """One object level of the output: its own fields and the parents it nests, in the
    order the select list first names them."""

    sobject: SObjectDef
    items: list[tuple[str, Getter | _Parent]] = field(default_factory=list)

    def parent(self, reference: FieldDef, target: SObjectDef, user_id: str) -> _Node:
        name = str(reference.relationship_name)
        for key, item in self.items:
            if key == name and isinstance(item, _Parent):
                return item.node
        child = _Parent(wire_getter(reference, user_id), _Node(target))
        self.items.append((name, child))
        return child.node

    def add_field(self, fd: FieldDef, user_id: str) -> None:
        if all(key != fd.name for key, _ in self.items):
            self.items.append((fd.name, wire_getter(fd, user_id)))


@dataclass
class _Parent:
    reference: Getter  # reads the parent's id from the child record
    node: _Node


def nested_renderer(
    root: SObjectDef, paths: Sequence[FieldPath], version: str, user_id: str, source: Source
) -> Renderer:
    """A renderer for `paths` (plain fields and parent paths) from records of `root`."""
    tree = _Node(root)
    for path in paths:
        node = tree
        for reference, target in path.steps:
            node = node.parent(reference, target, user_id)
        node.add_field(path.leaf, user_id)

    def render(rec: StoredRecord, node: _Node) -> dict[str, Any]:
        name = node.sobject.name
        out: dict[str, Any] = {
            "attributes": {"type": name, "url": record_url(name, rec.id, version)}
        }
        for key, item in node.items:
            if isinstance(item, _Parent):
                parent_id = item.reference(rec)
                held = source.get(item.node.sobject.name, str(parent_id)) if parent_id else None
                out[key] = None if held is None else render(held, item.node)
            else:
                out[key] = item(rec)
        return out

    return lambda rec: render(rec, tree)


__all__ = ["nested_renderer"]

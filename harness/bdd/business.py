"""The business as the steps speak it: flows, roles and canonical fields, resolved to the
vendors' objects and fields through each flow's mapping.

A step says "a customer's name" or "the ERP"; this module finds the mapping of the flow that
carries customers, the rule tagged `canonical: name`, and from it the source field and the
target path, and reads or edits records through the connectors as a user would. No vendor
object, field or envelope is named here: swapping the pair swaps the mappings, not the steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from harness.sandbox import Sandbox
from sync.connectors.base import Record
from sync.errors import ConfigError
from sync.mapping import FieldRule, MappingSpec, get_path, load_mapping

Role = Literal["crm", "erp"]
# The flow carrying each business word a scenario uses.
FLOW_OF = {"customer": "customers", "contact": "contacts", "order": "orders",
           "product": "products", "invoice": "invoices"}  # fmt: skip


@dataclass(frozen=True)
class FlowView:
    """One configured flow: its mapping and the roles of its two systems."""

    name: str
    spec: MappingSpec
    source: Role
    target: Role

    def rule(self, canonical: str) -> FieldRule:
        """The rule carrying canonical field `canonical`; a mapping without one is a clear
        error saying how to tag it."""
        rule = self.spec.canonical_rule(canonical)
        if rule is None:
            raise ConfigError(
                f"the mapping of flow {self.name!r} has no rule carrying {canonical!r};"
                f" add `canonical: {canonical}` to the rule that maps it",
                file=self.spec.file,
            )
        return rule

    def source_field(self, canonical: str) -> str:
        rule = self.rule(canonical)
        if not rule.sources:
            raise ConfigError(f"flow {self.name!r} writes {canonical!r} as a constant")
        return rule.sources[0]

    def target_path(self, canonical: str) -> str:
        return self.rule(canonical).target

    def side(self, role: Role) -> str:
        return "source" if role == self.source else "target"

    def obj(self, role: Role) -> str:
        return self.spec.source.object if role == self.source else self.spec.target.object

    def field(self, role: Role, canonical: str) -> str:
        """Where `role`'s system keeps `canonical` (its source field, or its target path)."""
        if role == self.source:
            return self.source_field(canonical)
        return self.target_path(canonical)

    def element(self, collection: str, canonical: str) -> FieldRule:
        """The rule carrying `canonical` inside each element of the child collection
        `collection` (an order's `lines`: a line's `product`, `quantity`, ...)."""
        found = next((r for r in self.rule(collection).each if r.canonical == canonical), None)
        if found is None:
            raise ConfigError(
                f"the {collection!r} of flow {self.name!r} carry no {canonical!r}; add"
                f" `canonical: {canonical}` to the element rule that maps it",
                file=self.spec.file,
            )
        return found

    def element_field(self, role: Role, collection: str, canonical: str) -> str:
        """Where `role`'s system keeps `canonical` inside each element of `collection`."""
        rule = self.element(collection, canonical)
        if role != self.source:
            return rule.target
        if not rule.sources:
            raise ConfigError(f"flow {self.name!r} writes {collection}.{canonical} as a constant")
        return rule.sources[0]

    def changes(self, role: Role, values: Mapping[str, Any]) -> dict[str, Any]:
        """`{canonical: value}` as the fields `role`'s system would be sent."""
        out: dict[str, Any] = {}
        for canonical, value in values.items():
            _put(out, self.field(role, canonical), value)
        return out


class Business:
    """A sandbox seen through its flows' mappings."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box

    def flow(self, name: str) -> FlowView:
        """The flow as configured; one of the pair's flows not configured yet (a scenario
        reading orders before it configures every flow) as the pair defines it."""
        if any(f.name == name for f in self.box.config.flows):
            config = self.box.config.flow(name)
            return FlowView(name, load_mapping(config.mapping), config.source, config.target)  # type: ignore[arg-type]
        known = self.box.pair.flow(name)
        return FlowView(name, load_mapping(known.mapping), known.source, known.target)

    def of(self, word: str) -> FlowView:
        """The flow carrying a business word ("customer", "order", ...)."""
        return self.flow(FLOW_OF.get(word, word))

    def records(self, flow: FlowView, role: Role, **read: Any) -> list[Record]:
        """Every live record of the flow's object in `role`'s system, by id."""
        with self.box.connectors() as connectors:
            pages = connectors[role].read(flow.obj(role), **read)
            found = [r for page in pages for r in page if not r.deleted]
        return sorted(found, key=lambda r: r.id)

    def by_external_id(self, flow: FlowView, values: list[str]) -> dict[str, Record]:
        """The flow's target records keyed by the external ids given (absent when missing)."""
        with self.box.connectors() as connectors:
            return connectors[flow.target].get_by_external_id(
                flow.spec.target.object, flow.spec.external_id_field, values
            )

    def edit(self, flow: FlowView, role: Role, record_id: str, values: Mapping[str, Any]) -> None:
        """Change canonical fields of one record through the vendor's API, as a user would."""
        self.edit_together(role, record_id, (flow, values))

    def edit_together(
        self, role: Role, record_id: str, *edits: tuple[FlowView, Mapping[str, Any]]
    ) -> None:
        """One write changing canonical fields several flows carry on the same record (the
        name the customers flow sends and the credit limit the finance flow reads back)."""
        objects = {flow.obj(role) for flow, _values in edits}
        if len(objects) != 1:
            raise ConfigError(f"one edit changes one object, not {sorted(objects)}")
        changes: dict[str, Any] = {}
        for flow, values in edits:
            changes.update(flow.changes(role, values))
        self._update(role, objects.pop(), [(record_id, changes)])

    def edit_many(
        self,
        flow: FlowView,
        role: Role,
        edits: Mapping[str, Mapping[str, Any]],
        *,
        batch: int = 200,
    ) -> None:
        """Change canonical fields of many records (`{record id: {canonical: value}}`), a
        batch of writes at a time, as an integration user would."""
        rows = [(record_id, flow.changes(role, values)) for record_id, values in edits.items()]
        for start in range(0, len(rows), batch):
            self._update(role, flow.obj(role), rows[start : start + batch])

    def _update(self, role: Role, obj: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
        with self.box.connectors() as connectors:
            outcomes = connectors[role].update(obj, rows)
        refused = [o for o in outcomes if not o.ok]
        assert not refused, f"the {role.upper()} refused the edit: " + "; ".join(
            f"{o.key}: {o.error_code} {o.message}" for o in refused[:3]
        )


def _put(record: dict[str, Any], path: str, value: Any) -> None:
    """Set a top-level field; a nested path is refused (a scenario edits what a user types
    into a record's own fields)."""
    head, _, rest = path.partition(".")
    if not rest:
        record[head] = value
        return
    raise ConfigError(f"a scenario edits top-level fields only, not {path!r}")


def get(record: Record, path: str) -> Any:
    """The value at a dotted path of a record read through a connector."""
    return get_path(record.fields, path)


__all__ = ["FLOW_OF", "Business", "FlowView", "Role", "get"]

"""The canonical business model: entities, their fields and owners, and the business flows.

`load_model()` reads `model.yaml` beside this module once and checks it whole; every vendor
profile and every compiled mapping is read against it. The model says what the business is,
never how a vendor spells it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from sync.errors import ConfigError

Role = Literal["crm", "erp"]
ROLES: tuple[Role, ...] = ("crm", "erp")
FieldKind = Literal[
    "text", "phone", "email", "url", "country", "currency", "date", "datetime", "money",
    "quantity", "integer", "boolean", "reference", "list",
]  # fmt: skip
FIELD_KINDS: tuple[str, ...] = FieldKind.__args__  # type: ignore[attr-defined]
MODEL_PATH = Path(__file__).resolve().parent / "model.yaml"


def _frozen(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class CanonicalField:
    """One field of an entity (or of a list field's elements)."""

    name: str
    type: FieldKind
    owner: Role
    required: bool = False
    on_invalid: Literal["quarantine", "null"] = "quarantine"
    # A value longer than the target holds: refused into quarantine (the default), or cut and
    # flagged for a data steward where the business prefers the record to flow.
    on_overflow: Literal["reject", "truncate"] = "reject"
    compare: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))
    note: str = ""
    entity: str | None = None  # a reference: the entity it points at
    key: str | None = None  # a list: the element field identifying an element
    fields: tuple[CanonicalField, ...] = ()  # a list: its elements' fields

    def child(self, name: str) -> CanonicalField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Entity:
    name: str
    owner: Role
    description: str
    fields: tuple[CanonicalField, ...]

    def field(self, name: str) -> CanonicalField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class BusinessFlow:
    """A business flow: some fields of one entity, from the role owning them to the other."""

    name: str
    entity: str
    source: Role
    fields: tuple[str, ...]
    description: str = ""
    update_only: bool = False
    match: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))
    governance: Mapping[str, Any] = field(default_factory=lambda: _frozen(None))

    @property
    def target(self) -> Role:
        return "erp" if self.source == "crm" else "crm"


@dataclass(frozen=True)
class CanonicalModel:
    version: int
    entities: Mapping[str, Entity]
    flows: tuple[BusinessFlow, ...]

    def entity(self, name: str) -> Entity:
        if name not in self.entities:
            known = ", ".join(self.entities)
            raise ConfigError(f"no canonical entity {name!r}; known entities: {known}")
        return self.entities[name]

    def flow(self, name: str) -> BusinessFlow:
        for flow in self.flows:
            if flow.name == name:
                return flow
        known = ", ".join(f.name for f in self.flows)
        raise ConfigError(f"no business flow {name!r}; known flows: {known}", key="--flow")

    def identity_flow(self, entity: str) -> BusinessFlow:
        """The flow that creates the entity's records on the non-owning side (the first flow
        of the entity running from its owner)."""
        owner = self.entity(entity).owner
        for flow in self.flows:
            if flow.entity == entity and flow.source == owner and not flow.update_only:
                return flow
        raise ConfigError(f"no business flow creates {entity!r} records")

    def depends_on(self, flow: BusinessFlow) -> tuple[str, ...]:
        """The flows that must run first: the ones creating what `flow` references, and the
        one creating its entity's records when `flow` only updates them."""
        entity = self.entity(flow.entity)
        needed: list[str] = []
        for name in flow.fields:
            canonical = entity.field(name)
            for target in _referenced(canonical) if canonical else ():
                needed.append(self.identity_flow(target).name)
        identity = self.identity_flow(flow.entity)
        if identity.name != flow.name:
            needed.insert(0, identity.name)
        return tuple(dict.fromkeys(n for n in needed if n != flow.name))


def _referenced(canonical: CanonicalField) -> list[str]:
    if canonical.type == "reference" and canonical.entity:
        return [canonical.entity]
    return [e for child in canonical.fields for e in _referenced(child)]


@cache
def load_model(path: Path = MODEL_PATH) -> CanonicalModel:
    """The canonical model (read once); a malformed model raises ConfigError naming the key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the canonical model: {exc}", file=str(path)) from exc
    if not isinstance(data, dict):
        raise ConfigError("the canonical model is not a mapping", file=str(path))
    entities = {
        name: _entity(name, raw, str(path)) for name, raw in (data.get("entities") or {}).items()
    }
    flows = tuple(_flow(name, raw, entities, str(path))
                  for name, raw in (data.get("flows") or {}).items())  # fmt: skip
    return CanonicalModel(int(data.get("version", 1)), MappingProxyType(entities), flows)


def _entity(name: str, raw: dict[str, Any], file: str) -> Entity:
    owner = _role(raw.get("owner"), f"entities.{name}.owner", file)
    fields = tuple(
        _field(fname, spec, owner, f"entities.{name}.fields.{fname}", file)
        for fname, spec in (raw.get("fields") or {}).items()
    )
    return Entity(name, owner, str(raw.get("description", "")), fields)


def _field(name: str, raw: dict[str, Any], owner: Role, key: str, file: str) -> CanonicalField:
    kind = raw.get("type")
    if kind not in FIELD_KINDS:
        raise ConfigError(f"unknown field type {kind!r}; known: {', '.join(FIELD_KINDS)}",
                          file=file, key=f"{key}.type")  # fmt: skip
    own = _role(raw["owner"], f"{key}.owner", file) if "owner" in raw else owner
    children = tuple(
        _field(cname, spec, own, f"{key}.fields.{cname}", file)
        for cname, spec in (raw.get("fields") or {}).items()
    )
    return CanonicalField(
        name=name,
        type=kind,
        owner=own,
        required=bool(raw.get("required", False)),
        on_invalid="null" if str(raw.get("on_invalid")) == "null" else "quarantine",
        on_overflow="truncate" if raw.get("on_overflow") == "truncate" else "reject",
        compare=_frozen(raw.get("compare")),
        note=str(raw.get("note", "")),
        entity=raw.get("entity"),
        key=raw.get("key"),
        fields=children,
    )


def _flow(name: str, raw: dict[str, Any], entities: dict[str, Entity], file: str) -> BusinessFlow:
    entity = entities.get(str(raw.get("entity")))
    if entity is None:
        raise ConfigError(f"flow {name!r} names no known entity", file=file,
                          key=f"flows.{name}.entity")  # fmt: skip
    names = tuple(str(n) for n in raw.get("fields") or ())
    unknown = [n for n in names if entity.field(n) is None]
    if unknown:
        raise ConfigError(f"flow {name!r}: {entity.name} has no field(s) {unknown}", file=file,
                          key=f"flows.{name}.fields")  # fmt: skip
    owners = {f.owner for f in entity.fields if f.name in names}
    if len(owners) != 1:
        raise ConfigError(f"flow {name!r} mixes fields owned by {sorted(owners)}; one owner"
                          " per flow", file=file, key=f"flows.{name}.fields")  # fmt: skip
    return BusinessFlow(
        name=name,
        entity=entity.name,
        source=owners.pop(),
        fields=names,
        description=str(raw.get("description", "")),
        update_only=bool(raw.get("update_only", False)),
        match=_frozen(raw.get("match")),
        governance=_frozen(raw.get("governance")),
    )


def _role(value: Any, key: str, file: str) -> Role:
    if value not in ROLES:
        raise ConfigError(f"{value!r} is not a role; choose crm or erp", file=file, key=key)
    return value  # type: ignore[no-any-return]


__all__ = [
    "ROLES",
    "BusinessFlow",
    "CanonicalField",
    "CanonicalModel",
    "Entity",
    "FieldKind",
    "Role",
    "load_model",
]

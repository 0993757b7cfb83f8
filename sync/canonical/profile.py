"""A vendor profile: how one vendor's objects and fields express the canonical business.

Each connector pack ships one (`profile.yaml`); `load_profile` reads and checks it against
the canonical model, so a profile naming an unknown entity or field fails at once with the
file and key. The compiler (`sync.canonical.compile`) composes two profiles into a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from sync.canonical.model import CanonicalField, CanonicalModel, Role, load_model
from sync.errors import ConfigError

Only = Literal["read", "write"] | None
_ENTRY_KEYS = frozenset(
    {"name", "field", "value", "read", "write", "length", "required", "note", "only", "each",
     "compare"}
)  # fmt: skip
_ENTITY_KEYS = frozenset({"object", "key", "external_id", "modified", "fields", "scope", "explode"})


@dataclass(frozen=True)
class ProfileField:
    """One entry: a canonical field at a vendor field path, or a constant (`name` None)."""

    name: str | None
    field: str | None
    value: Any = None
    has_value: bool = False
    read: tuple[Any, ...] = ()  # transforms, vendor -> canonical
    write: tuple[Any, ...] = ()  # transforms, canonical -> vendor
    length: int | None = None
    required: bool = False
    note: str = ""
    only: Only = None
    compare: Mapping[str, Any] | None = None
    each: tuple[ProfileField, ...] = ()

    @property
    def readable(self) -> bool:
        return self.only != "write"

    @property
    def writable(self) -> bool:
        return self.only != "read" and self.field is not None


@dataclass(frozen=True)
class ProfileEntity:
    """One canonical entity as a vendor object."""

    entity: str
    object: str
    key: str
    external_id: str
    modified: str | None
    fields: tuple[ProfileField, ...]
    scope: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    explode: Mapping[str, str] | None = None

    def reading(self, name: str) -> ProfileField | None:
        """The entry a source reads canonical `name` from."""
        return next((f for f in self.fields if f.name == name and f.readable), None)

    def writing(self, name: str) -> list[ProfileField]:
        """The entries a target writes canonical `name` into (possibly several)."""
        return [f for f in self.fields if f.name == name and f.writable]

    def constants(self) -> list[ProfileField]:
        return [f for f in self.fields if f.name is None and f.has_value and f.writable]


@dataclass(frozen=True)
class Profile:
    vendor: str
    role: Role
    label: str
    entities: Mapping[str, ProfileEntity]
    file: str | None = None

    def entity(self, name: str) -> ProfileEntity | None:
        return self.entities.get(name)


def load_profile(path: Path, model: CanonicalModel | None = None) -> Profile:
    """Read and check a profile; ConfigError names the file and key of the first problem."""
    file = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the profile: {exc}", file=file) from exc
    return parse_profile(data, file=file, model=model)


def parse_profile(
    data: Any, *, file: str | None = None, model: CanonicalModel | None = None
) -> Profile:
    model = model or load_model()
    if not isinstance(data, dict):
        raise ConfigError("a profile is a mapping (vendor, role, entities)", file=file)
    for key in ("vendor", "role", "entities"):
        if key not in data:
            raise ConfigError(f"the profile lacks {key!r}", file=file, key=key)
    role = data["role"]
    if role not in ("crm", "erp"):
        raise ConfigError(f"role {role!r} is not crm or erp", file=file, key="role")
    entities = {}
    for name, raw in (data["entities"] or {}).items():
        entity = model.entities.get(name)
        if entity is None:
            known = ", ".join(model.entities)
            raise ConfigError(f"no canonical entity {name!r}; known: {known}", file=file,
                              key=f"entities.{name}")  # fmt: skip
        entities[name] = _entity(name, raw, entity.fields, file)
    vendor = str(data["vendor"]).strip().lower()
    return Profile(vendor, role, str(data.get("label", vendor)), MappingProxyType(entities), file)


def _entity(
    name: str, raw: Any, known: tuple[CanonicalField, ...], file: str | None
) -> ProfileEntity:
    where = f"entities.{name}"
    if not isinstance(raw, dict):
        raise ConfigError("an entity is a mapping", file=file, key=where)
    _no_unknown(raw, _ENTITY_KEYS, where, file)
    for key in ("object", "key", "external_id"):
        if not raw.get(key):
            raise ConfigError(f"{name} lacks {key!r}", file=file, key=f"{where}.{key}")
    fields = tuple(
        _entry(entry, known, f"{where}.fields[{i}]", file)
        for i, entry in enumerate(raw.get("fields") or ())
    )
    explode = raw.get("explode")
    return ProfileEntity(
        entity=name,
        object=str(raw["object"]),
        key=str(raw["key"]),
        external_id=str(raw["external_id"]),
        modified=raw.get("modified"),
        fields=fields,
        scope=MappingProxyType(dict(raw.get("scope") or {})),
        explode=MappingProxyType(dict(explode)) if explode else None,
    )


def _entry(
    raw: Any, known: tuple[CanonicalField, ...], where: str, file: str | None
) -> ProfileField:
    if not isinstance(raw, dict):
        raise ConfigError("a field entry is a mapping", file=file, key=where)
    _no_unknown(raw, _ENTRY_KEYS, where, file)
    name = raw.get("name")
    canonical = next((f for f in known if f.name == name), None)
    if name is not None and canonical is None:
        names = ", ".join(f.name for f in known)
        raise ConfigError(f"no canonical field {name!r} here; known: {names}", file=file,
                          key=f"{where}.name")  # fmt: skip
    if name is None and "value" not in raw:
        raise ConfigError("an entry needs a canonical `name` or a constant `value`", file=file,
                          key=where)  # fmt: skip
    if "field" not in raw and "value" not in raw:
        raise ConfigError("an entry needs a vendor `field`", file=file, key=where)
    children = canonical.fields if canonical is not None else ()
    each = tuple(_entry(e, children, f"{where}.each[{i}]", file)
                 for i, e in enumerate(raw.get("each") or ()))  # fmt: skip
    only = raw.get("only")
    if only not in (None, "read", "write"):
        raise ConfigError(f"only: {only!r}; choose read or write", file=file, key=f"{where}.only")
    return ProfileField(
        name=name,
        field=raw.get("field"),
        value=raw.get("value"),
        has_value="value" in raw,
        read=tuple(raw.get("read") or ()),
        write=tuple(raw.get("write") or ()),
        length=raw.get("length"),
        required=bool(raw.get("required", False)),
        note=str(raw.get("note", "")),
        only=only,
        compare=MappingProxyType(dict(raw["compare"])) if "compare" in raw else None,
        each=each,
    )


def _no_unknown(raw: dict[str, Any], allowed: frozenset[str], where: str, file: str | None) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(f"unknown key(s) {unknown}; allowed: {sorted(allowed)}", file=file,
                          key=where)  # fmt: skip


__all__ = ["Profile", "ProfileEntity", "ProfileField", "load_profile", "parse_profile"]

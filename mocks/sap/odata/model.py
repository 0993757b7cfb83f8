"""One schema source per entity type: what `$metadata` advertises, what writes are checked
against and how values are formatted all come from these frozen shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Prop:
    """One property as SAP's EDMX declares it (`sap:creatable`/`sap:updatable` included)."""

    name: str
    type: str = "Edm.String"
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    key: bool = False
    creatable: bool = True
    updatable: bool = True
    date_only: bool = False  # Edm.DateTime with sap:display-format="Date"
    label: str = ""


@dataclass(frozen=True)
class Nav:
    """A navigation property: its target entity set (same service) and the association's
    referential constraint, as (principal property, dependent property) pairs."""

    name: str
    target: str
    many: bool
    on: tuple[tuple[str, str], ...]
    # A navigation that shows part of its target set: (property, values it may hold), and
    # the value a record created through it gets (SAP's phone numbers: landline or mobile).
    only: tuple[str, tuple[str | None, ...]] | None = None
    default: tuple[str, str] | None = None

    def link(self, fields: dict[str, object]) -> dict[str, object]:
        """What a record created through this navigation inherits from `fields`."""
        out = {dep: fields.get(principal) for principal, dep in self.on}
        if self.default is not None:
            out.setdefault(self.default[0], self.default[1])
        return out

    def holds(self, fields: dict[str, object]) -> bool:
        """Whether a record of the target set with `fields` is shown by this navigation."""
        return self.only is None or fields.get(self.only[0]) in self.only[1]


@dataclass(frozen=True)
class EntityType:
    """An entity set and its type (`<set>Type`, as SAP names them).

    `stamp` names the change-stamp properties (an ETag is computed only for types with one);
    `read_only` sets refuse writes with 405, as SAP's billing and stock APIs do."""

    set_name: str
    props: tuple[Prop, ...]
    navs: tuple[Nav, ...] = ()
    stamp: tuple[str, ...] = ()
    read_only: bool = False
    creatable: bool = True
    deletable: bool = True

    @property
    def type_name(self) -> str:
        return f"{self.set_name}Type"

    @cached_property
    def by_name(self) -> dict[str, Prop]:
        return {p.name: p for p in self.props}

    @cached_property
    def nav_by_name(self) -> dict[str, Nav]:
        return {n.name: n for n in self.navs}

    @cached_property
    def keys(self) -> tuple[Prop, ...]:
        return tuple(p for p in self.props if p.key)

    @property
    def has_etag(self) -> bool:
        return bool(self.stamp)


@dataclass(frozen=True)
class Service:
    """One OData service (`API_BUSINESS_PARTNER`, ...): its namespace is its name."""

    name: str
    types: tuple[EntityType, ...]
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @cached_property
    def sets(self) -> dict[str, EntityType]:
        return {t.set_name: t for t in self.types}


def record_id(etype: EntityType, values: dict[str, object]) -> str:
    """The store id of an entity: its key values joined (one key: the value itself)."""
    return "|".join(str(values.get(k.name, "")) for k in etype.keys)


__all__ = ["EntityType", "Nav", "Prop", "Service", "record_id"]

"""The building blocks of the record-type tables: `FieldSpec` and `RecordSpec`.

Kept apart from the tables (`schema`, `schema_items`, `schema_transactions`) so each table
module imports only these shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "id",
    "string",
    "boolean",
    "number",
    "ref",
    "datetime",
    "date",
    "country",
    "sublist",
    "object",
]


@dataclass(frozen=True)
class FieldSpec:
    """One property of a record as the REST record service spells it."""

    name: str
    kind: Kind
    title: str
    read_only: bool = False
    required: bool = False
    ref_type: str | None = None  # target record type of a reference
    column: str | None = None  # SuiteQL column; None when not queryable
    children: tuple[FieldSpec, ...] = ()  # fields of a sublist item or nested object
    description: str | None = None

    def child(self, name: str) -> FieldSpec | None:
        return next((c for c in self.children if c.name == name), None)


@dataclass(frozen=True)
class RecordSpec:
    name: str
    title: str
    fields: tuple[FieldSpec, ...]
    max_lengths: Mapping[str, int]
    # Whether the runtime `max_lengths` setting applies to this type (customer only).
    tunable: bool = False
    # Transactions share one internal-id sequence across their types, as in NetSuite.
    transaction: bool = False

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_ci(self, name: str) -> FieldSpec | None:
        """Case-insensitive lookup, as the `q` filter and `fields=` accept."""
        lowered = name.lower()
        return next((f for f in self.fields if f.name.lower() == lowered), None)

    def columns(self) -> dict[str, FieldSpec]:
        """SuiteQL column name -> field, in declaration order."""
        return {f.column: f for f in self.fields if f.column}

    def lengths(self, overrides: Mapping[str, int] | None) -> dict[str, int]:
        """Effective limits: the defaults, overridden by the runtime setting when tunable."""
        if self.tunable and overrides:
            return {**self.max_lengths, **overrides}
        return dict(self.max_lengths)


def text(name: str, title: str, column: str | None = None) -> FieldSpec:
    """A plain string field (queryable in SuiteQL when `column` is given)."""
    return FieldSpec(name, "string", title, column=column)

"""Resolving references through the id crosswalk of the flows that synced the records.

An order's AccountId is a CRM id; the ERP's salesOrder wants the ERP's internal id of that
customer. The customers flow recorded the pair when it synced the account, so the crosswalk
answers: `via: source` looks a flow's source id up (-> its target id); `via: target` looks a
target id up (-> its source id), for a flow that runs the other way. The sync reads each
flow's crosswalk once per run, on first use; the reconciler loads the tables it needs up
front (`load_reference_tables`), since it holds no state store open while it compares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sync.mapping.spec import Reference
from sync.state import StateStore

Tables = dict[tuple[str, str], dict[str, str]]


def reference_table(state: StateStore, ref: Reference) -> dict[str, str]:
    """The id pairs one reference resolves through, in its direction."""
    entries = state.crosswalk_all(ref.flow).values()
    if ref.via == "source":
        return {e.source_id: e.target_id for e in entries if e.target_id}
    return {e.target_id: e.source_id for e in entries if e.target_id}


def load_reference_tables(state: StateStore, refs: Iterable[Reference]) -> Tables:
    return {(ref.flow, ref.via): reference_table(state, ref) for ref in set(refs)}


class TableResolver:
    """A `sync.mapping.apply.ReferenceResolver` over tables loaded beforehand."""

    def __init__(self, tables: Mapping[tuple[str, str], Mapping[str, str]]) -> None:
        self._tables = tables

    def resolve(self, ref: Reference, value: str) -> str | None:
        return self._tables.get((ref.flow, ref.via), {}).get(value)


class CrosswalkResolver:
    """A `sync.mapping.apply.ReferenceResolver` reading the state store lazily."""

    def __init__(self, state: StateStore) -> None:
        self._state = state
        self._tables: Tables = {}

    def resolve(self, ref: Reference, value: str) -> str | None:
        table = self._tables.get((ref.flow, ref.via))
        if table is None:
            table = self._tables[(ref.flow, ref.via)] = reference_table(self._state, ref)
        return table.get(value)

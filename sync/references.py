"""Resolving references through the id crosswalk of the flows that synced the records.

An order's AccountId is a CRM id; the ERP's salesOrder wants the ERP's internal id of that
customer. The customers flow recorded the pair when it synced the account, so the crosswalk
answers: `via: source` looks a flow's source id up (-> its target id); `via: target` looks a
target id up (-> its source id), for a flow that runs the other way. Each flow's crosswalk
is read once per run, on first use.
"""

from __future__ import annotations

from sync.mapping.spec import Reference
from sync.state import StateStore


class CrosswalkResolver:
    """A `sync.mapping.apply.ReferenceResolver` over the state store's crosswalk."""

    def __init__(self, state: StateStore) -> None:
        self._state = state
        self._tables: dict[tuple[str, str], dict[str, str]] = {}

    def resolve(self, ref: Reference, value: str) -> str | None:
        table = self._tables.get((ref.flow, ref.via))
        if table is None:
            table = self._load(ref)
        return table.get(value)

    def forget(self) -> None:
        """Drop what was read, so the next lookup sees records synced since."""
        self._tables.clear()

    def _load(self, ref: Reference) -> dict[str, str]:
        entries = self._state.crosswalk_all(ref.flow).values()
        if ref.via == "source":
            table = {e.source_id: e.target_id for e in entries if e.target_id}
        else:
            table = {e.target_id: e.source_id for e in entries if e.target_id}
        self._tables[(ref.flow, ref.via)] = table
        return table

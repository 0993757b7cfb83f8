"""The compare's per-record work, done while the slower side of a reconcile is still read.

A reconcile reads both systems at once, and one usually answers well before the other (a
few Salesforce query pages against NetSuite's spans). Mapping each source record through the
flow and taking each record's signature (`compare.signature`) needs only that record, so it
is done page by page as the pages arrive, in the thread reading that side, instead of all at
once after the last page. The compare asks here first; a record it was not given (a source
row exploded per location, a record read again later under the same id) is worked out then,
so the findings are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reconcile.compare import FieldRuleView, signer
from sync.connectors.base import Record
from sync.mapping import MappedRecord, MappingSpec, apply_mapping
from sync.mapping.apply import ReferenceResolver

__all__ = ["Prepared"]


class Prepared:
    """Mapped sources and signatures by record id, each checked to be of the very record the
    compare holds. `add_sources` and `add_targets` may run on two threads at once (each
    side's reader); the compare reads after both are done.

    Past `limit` records a side, nothing more is prepared and what was is let go: the
    columnar engine takes volumes that large (its own mapping, in DuckDB), and a million
    mapped payloads held here would not fit comfortably. None: no limit."""

    def __init__(
        self,
        spec: MappingSpec,
        rules: Sequence[FieldRuleView],
        refs: ReferenceResolver | None,
        limit: int | None = None,
    ) -> None:
        self._spec, self._refs, self._limit = spec, refs, limit
        self._sign = signer(rules)
        self._mapped: dict[str, tuple[Record, MappedRecord, tuple[Any, ...] | None]] = {}
        self._signed: dict[str, tuple[Record, tuple[Any, ...]]] = {}
        self._off = limit is not None and limit <= 0

    def add_sources(self, records: Iterable[Record]) -> None:
        for record in records:
            if self._full(self._mapped):
                return
            self._mapped[record.id] = (record, *self._map(record))

    def add_targets(self, records: Iterable[Record]) -> None:
        for record in records:
            if self._full(self._signed):
                return
            self._signed[record.id] = (record, self._sign(record.fields))

    def _full(self, side: dict[str, Any]) -> bool:
        if not self._off and self._limit is not None and len(side) >= self._limit:
            self._off = True
        if self._off and (self._mapped or self._signed):
            self._mapped, self._signed = {}, {}  # let go: the columnar engine reads these
        return self._off

    def mapped(self, source: Record) -> MappedRecord:
        """The mapping's payload for `source` (with its issues and flags)."""
        return self._source(source)[0]

    def judged(self, source: Record, target: Record) -> tuple[MappedRecord, bool]:
        """The mapping of `source`, and whether it maps cleanly to exactly what `target`
        holds (by signature): one mapping, even for a record not given here."""
        mapped, expected = self._source(source)
        return mapped, mapped.ok and expected == self._target(target)

    def _source(self, record: Record) -> tuple[MappedRecord, tuple[Any, ...] | None]:
        held = self._mapped.get(record.id)
        if held is not None and held[0] is record:
            return held[1], held[2]
        return self._map(record)  # not kept: a record not given is asked for once

    def _target(self, record: Record) -> tuple[Any, ...]:
        held = self._signed.get(record.id)
        if held is not None and held[0] is record:
            return held[1]
        return self._sign(record.fields)

    def _map(self, record: Record) -> tuple[MappedRecord, tuple[Any, ...] | None]:
        mapped = apply_mapping(self._spec, record.fields, refs=self._refs)
        return mapped, self._sign(mapped.payload) if mapped.ok else None

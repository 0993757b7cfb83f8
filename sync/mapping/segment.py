"""The records a flow may move in one rollout phase (a pilot group, a region, an account list).

A phased rollout syncs a segment of the source first and widens it phase by phase. The engine
skips a source record outside the segment (it is not this phase's, so it is neither written
nor taken for deleted) and the reconciler judges only the segment: the records it holds and
the target records linked to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sync.mapping.paths import get_path


def _text(value: Any) -> str:
    return str(value).strip().casefold()


@dataclass(frozen=True)
class PhaseSegment:
    """Source records whose `path` holds one of `values` (compared as trimmed text, any case),
    or whose id is among `ids`. `phase` names the rollout phase, for messages."""

    phase: str
    path: str | None = None
    values: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, phase: str, path: str | None = None, values: Iterable[Any] = (),
           ids: Iterable[Any] = ()) -> PhaseSegment:  # fmt: skip
        return cls(phase, path, frozenset(_text(v) for v in values), frozenset(map(str, ids)))

    def holds(self, record_id: str, fields: Mapping[str, Any]) -> bool:
        if record_id in self.ids:
            return True
        if self.path is None:
            return False
        value = get_path(fields, self.path)
        return value is not None and _text(value) in self.values

    def describe(self) -> str:
        parts = [f"{self.path} in {', '.join(sorted(self.values))}"] if self.path else []
        parts += [f"{len(self.ids)} listed records"] if self.ids else []
        return f"phase {self.phase}: " + (" or ".join(parts) or "no record")


__all__ = ["PhaseSegment"]

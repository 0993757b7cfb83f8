"""Schema drift mid-run: re-read both sides' describe/metadata and say which fields changed.

A custom field renamed, removed or retyped while a sync runs must not be written wrong: the
engine asks `SchemaWatch` before each page whether either side's schema moved (on a timer,
or at once when a write was refused for an unknown or invalid field), and quarantines the
records whose mapped values touch a drifted field with reason `drift`, so a person fixes the
mapping and replays them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sync.background import in_background
from sync.connectors.base import Connector, ObjectSchema

Side = Literal["source", "target"]
Change = Literal["removed", "retyped", "shortened"]

# Vendor codes a write gets when the target no longer knows or accepts a field as sent.
FIELD_REFUSAL_CODES = frozenset(
    {
        "INVALID_FIELD",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        "INVALID_TYPE",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        "JSON_PARSER_ERROR",
        "INVALID_CONTENT",
        "PROPERTY_DOESNT_EXIST",  # HubSpot: a property removed or renamed under the flow
    }
)


@dataclass(frozen=True)
class Drift:
    """One field that changed on one side since the run started."""

    side: Side
    obj: str
    field: str
    change: Change
    before: str
    after: str

    def describe(self) -> str:
        if self.change == "removed":
            return f"{self.side} {self.obj}.{self.field} was removed (it was {self.before})"
        return (
            f"{self.side} {self.obj}.{self.field} was {self.change}: {self.before} -> {self.after}"
        )


def diff_schemas(side: Side, old: ObjectSchema, new: ObjectSchema) -> list[Drift]:
    """Fields of `old` that are gone, retyped or shortened in `new` (additions are harmless)."""
    found: list[Drift] = []
    for name, before in old.fields.items():
        after = new.fields.get(name)
        if after is None:
            found.append(Drift(side, old.name, name, "removed", before.type, ""))
        elif after.type != before.type:
            found.append(Drift(side, old.name, name, "retyped", before.type, after.type))
        elif before.length and after.length and after.length < before.length:
            found.append(
                Drift(side, old.name, name, "shortened", str(before.length), str(after.length))
            )
    return found


class SchemaWatch:
    """Both sides' schemas as the run started, and every drift seen since."""

    def __init__(
        self,
        source: Connector,
        target: Connector,
        source_obj: str,
        target_obj: str,
        *,
        every: timedelta,
        clock: Callable[[], float],
        source_described: Callable[[], None] = lambda: None,
    ) -> None:
        self._source, self._target = source, target
        self._source_obj, self._target_obj = source_obj, target_obj
        self._every = every.total_seconds()
        self._clock = clock
        self.source_schema, self.target_schema = self._describe_both(source_described)
        self._baseline = {"source": self.source_schema, "target": self.target_schema}
        self._checked_at = clock()
        self.drifts: dict[tuple[Side, str], Drift] = {}

    def _describe_both(
        self, source_described: Callable[[], None] = lambda: None
    ) -> tuple[ObjectSchema, ObjectSchema]:
        """Both schemas, asked for side by side: two systems, two round trips that need not
        follow one another (a run's start waits for them). `source_described` is called once
        the source's is in, before waiting for the target's (a run starts reading there)."""
        target = in_background(lambda: self._target.describe(self._target_obj), "describe")
        source = self._source.describe(self._source_obj)  # a failure here waits for nothing
        source_described()
        return source, target.result()

    def maybe_recheck(self, *, now: bool = False) -> list[Drift]:
        """Re-read both schemas when due (or `now`); returns drifts not seen before."""
        if not now and self._clock() - self._checked_at < self._every:
            return []
        self._checked_at = self._clock()
        self.source_schema, self.target_schema = self._describe_both()
        fresh: list[Drift] = []
        for side, schema in (("source", self.source_schema), ("target", self.target_schema)):
            for drift in diff_schemas(side, self._baseline[side], schema):  # type: ignore[arg-type]
                key = (drift.side, drift.field)
                if key not in self.drifts:
                    self.drifts[key] = drift
                    fresh.append(drift)
        return fresh

    def unknown_source_fields(self, fields: Iterable[str]) -> bool:
        """True when a record carries a field the source's schema did not list: a sign of a
        rename the timer has not caught yet."""
        known = self._baseline["source"].fields
        return any(name not in known for name in fields)

    def affecting(self, payload: Mapping[str, Any], reads: frozenset[str]) -> list[Drift]:
        """The drifts that make this record unsafe to write: a drifted target field it fills,
        or a drifted source field the mapping reads."""
        hits: list[Drift] = []
        for (side, name), drift in self.drifts.items():
            if side == "source":
                if name in reads:
                    hits.append(drift)
                continue
            value = payload.get(name)
            if value in (None, ""):
                continue
            # A shorter limit only endangers the values that no longer fit.
            if drift.change != "shortened" or len(str(value)) > int(drift.after):
                hits.append(drift)
        return hits

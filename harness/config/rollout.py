"""A phased rollout as harness.yaml declares it (`rollout:`): phases in order, each with its
mode, its record segment and the gate that must hold before the next phase starts.

    rollout:
      phases:
        - name: shadow
          mode: shadow                      # flows plan and compare; nothing is written
          gate: {min_days: 3, record_accuracy: 0.99}
        - name: pilot
          segment: {field: OwnerId, values: [005Dn0000000001]}   # or ids: [...]
          gate: {min_days: 7}
        - name: all

A phase without a segment moves every record; a gate's accuracies default to the config's
`thresholds`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.config.problems import Problem, key_of
from harness.config.yamllines import Lines

PhaseMode = Literal["live", "shadow"]


@dataclass(frozen=True)
class SegmentRule:
    """Which source records a phase moves: `field` (a source path, or a canonical or target
    name the flow's mapping resolves to its source path) holding one of `values`, or the
    source record ids in `ids`."""

    field: str | None = None
    values: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"{self.field} in {', '.join(self.values)}"] if self.field else []
        parts += [f"{len(self.ids)} listed records"] if self.ids else []
        return " or ".join(parts)


@dataclass(frozen=True)
class Gate:
    """What must hold before leaving a phase: days spent in it, and every flow's latest
    reconcile since it started at these accuracies (None: the config's thresholds)."""

    min_days: float = 0.0
    record_accuracy: float | None = None
    field_accuracy: float | None = None


@dataclass(frozen=True)
class Phase:
    name: str
    mode: PhaseMode = "live"
    segment: SegmentRule | None = None
    gate: Gate = field(default_factory=Gate)


@dataclass(frozen=True)
class RolloutConfig:
    phases: tuple[Phase, ...] = ()

    def index(self, name: str) -> int:
        for number, phase in enumerate(self.phases):
            if phase.name == name:
                return number
        known = ", ".join(p.name for p in self.phases) or "none"
        raise KeyError(f"unknown phase {name!r}; phases: {known}")


def build_rollout(raw: Mapping[str, Any] | None) -> RolloutConfig:
    """The validated `rollout:` section as typed objects."""
    if not raw:
        return RolloutConfig()
    return RolloutConfig(tuple(_phase(p) for p in raw.get("phases", ())))


def _phase(raw: Mapping[str, Any]) -> Phase:
    segment = raw.get("segment")
    rule = None
    if segment:
        rule = SegmentRule(segment.get("field"), _texts(segment.get("values", ())),
                           _texts(segment.get("ids", ())))  # fmt: skip
    gate = raw.get("gate") or {}
    accuracies = _ratio(gate.get("record_accuracy")), _ratio(gate.get("field_accuracy"))
    return Phase(raw["name"], raw.get("mode", "live"), rule,
                 Gate(float(gate.get("min_days", 0)), *accuracies))  # fmt: skip


def rollout_problems(data: Mapping[str, Any], lines: Lines) -> list[Problem]:
    """Phase names used twice, and segments that name neither a field nor ids."""
    problems: list[Problem] = []

    def add(message: str, *path: Any) -> None:
        problems.append(Problem(message, key_of(path), lines.line(path)))

    rollout = data.get("rollout")
    phases = rollout.get("phases") if isinstance(rollout, dict) else None
    seen: set[str] = set()
    for index, phase in enumerate(phases if isinstance(phases, list) else []):
        if not isinstance(phase, dict):
            continue
        name = phase.get("name")
        if isinstance(name, str) and name in seen:
            add(f"phase {name!r} is declared twice", "rollout", "phases", index, "name")
        if isinstance(name, str):
            seen.add(name)
        segment = phase.get("segment")
        if isinstance(segment, dict) and not (segment.get("field") or segment.get("ids")):
            add("a segment needs a field with values, or ids", "rollout", "phases", index,
                "segment")  # fmt: skip
    return problems


def _texts(values: Sequence[Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _ratio(value: Any) -> float | None:
    return None if value is None else float(value)


__all__ = [
    "Gate",
    "Phase",
    "PhaseMode",
    "RolloutConfig",
    "SegmentRule",
    "build_rollout",
    "rollout_problems",
]

"""Running a phased rollout: the active phase's segment and mode applied to the flows, its
gate judged from the reconciles since it started, and the decisions to advance or hold.

A gate is evidence, not a calendar: every flow needs a reconcile since the phase began (no
reconcile, no advance), each at the gate's accuracies, and the phase its minimum days.
Advancing past a failing gate takes `force` and a reason, both recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from harness.config import HarnessConfig
from harness.config.rollout import Phase, SegmentRule
from harness.rollout.state import Decision, RolloutState, read_state, state_path, write_state
from sync.errors import ConfigError
from sync.flow import Mode
from sync.mapping import MappingSpec
from sync.mapping.segment import PhaseSegment


@dataclass(frozen=True)
class GateCheck:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Standing:
    """The active phase, how long it has run and its gate, check by check."""

    phase: Phase
    state: RolloutState
    days: float
    checks: tuple[GateCheck, ...]
    next_phase: Phase | None

    @property
    def gate_ok(self) -> bool:
        return all(c.ok for c in self.checks)


def current(config: HarnessConfig, now: datetime | None = None) -> tuple[Phase, RolloutState]:
    phases = config.rollout.phases
    if not phases:
        raise ConfigError("no rollout is configured; add `rollout: {phases: [...]}` to"
                          " harness.yaml", file=str(config.path))  # fmt: skip
    state = read_state(state_path(config.state_path), phases[0].name, now)
    try:
        return phases[config.rollout.index(state.phase)], state
    except KeyError as exc:
        raise ConfigError(f"the rollout state names {exc.args[0]}", file=str(config.path)) from None


def segmented(config: HarnessConfig, spec: MappingSpec) -> MappingSpec:
    """`spec` limited to the active phase's segment (unchanged without a rollout or segment)."""
    if not config.rollout.phases:
        return spec
    phase, _state = current(config)
    if phase.segment is None:
        return spec
    return replace(spec, segment=_segment(phase.name, phase.segment, spec))


def capped_mode(config: HarnessConfig, mode: Mode) -> Mode:
    """A live run during a shadow phase runs as a shadow: the phase writes nothing."""
    if mode != "live" or not config.rollout.phases:
        return mode
    phase, _state = current(config)
    return "shadow" if phase.mode == "shadow" else mode


def _segment(phase: str, rule: SegmentRule, spec: MappingSpec) -> PhaseSegment:
    path = rule.field
    if path is not None:  # a canonical or target name means the source field behind it
        for mapped in spec.fields:
            names = (mapped.canonical, mapped.target)
            if mapped.kind == "source" and mapped.sources and path in names:
                path = mapped.sources[0]
                break
    return PhaseSegment.of(phase, path, rule.values, rule.ids)


def standing(config: HarnessConfig, now: datetime | None = None) -> Standing:
    now = now or datetime.now(UTC)
    phase, state = current(config, now)
    days = (now - state.started).total_seconds() / 86_400
    checks = [GateCheck("days", days >= phase.gate.min_days,
                        f"{days:.1f} of {phase.gate.min_days:g} days in {phase.name}")]  # fmt: skip
    if state.held:
        checks.append(GateCheck("hold", False, f"held: {state.held}"))
    checks += _flow_checks(config, phase, state.started)
    phases = config.rollout.phases
    number = config.rollout.index(phase.name)
    following = phases[number + 1] if number + 1 < len(phases) else None
    return Standing(phase, state, days, tuple(checks), following)


def _flow_checks(config: HarnessConfig, phase: Phase, started: datetime) -> list[GateCheck]:
    """Each flow's latest reconcile since the phase started, against the gate's accuracies;
    in a shadow phase, which writes nothing to reconcile, its latest shadow run instead."""
    from harness.api import reconcile_history

    if phase.mode == "shadow":
        return [_shadow_check(config, flow.name, started) for flow in config.flows]

    gate, floor = phase.gate, config.thresholds
    record = floor.record_accuracy if gate.record_accuracy is None else gate.record_accuracy
    fields = floor.field_accuracy if gate.field_accuracy is None else gate.field_accuracy
    checks = []
    for flow in config.flows:
        since = [s for s in reconcile_history(config, flow.name, 50) if s.generated_at >= started]
        if not since:
            checks.append(GateCheck(flow.name, False, "no reconcile since the phase started"))
            continue
        last = since[0]
        empty = not last.counts.get("source_records")
        if empty and flow.name not in config.thresholds.expect_empty:  # 100% of nothing
            checks.append(GateCheck(flow.name, False, "its last reconcile read no record"))
            continue
        ok = last.record_accuracy >= record and last.field_accuracy >= fields
        checks.append(GateCheck(flow.name, ok, f"record accuracy {last.record_accuracy:.2%}"
                                f" (gate {record:.2%}), field {last.field_accuracy:.2%}"
                                f" (gate {fields:.2%})"))  # fmt: skip
    return checks


def _shadow_check(config: HarnessConfig, flow: str, started: datetime) -> GateCheck:
    """A shadow run of `flow` since the phase started, which held nothing back."""
    from harness.api import run_history

    runs = [r for r in run_history(config, flow, 50)
            if r.mode == "shadow" and r.started_at >= started]  # fmt: skip
    if not runs:
        return GateCheck(flow, False, "no shadow run since the phase started")
    last = runs[0]
    held, read = last.counts.get("quarantined", 0), last.counts.get("read", 0)
    ok = last.status == "succeeded" and held == 0 and read > 0
    agree = last.counts.get("in_sync", 0)
    return GateCheck(flow, ok, f"shadow run {last.run_id}: {last.status}, {read:,} read,"
                     f" {held:,} held back, {agree:,} already agree")  # fmt: skip


def advance(config: HarnessConfig, *, force: bool = False, reason: str = "", by: str = "",
            now: datetime | None = None) -> Standing:  # fmt: skip
    """Move to the next phase when the gate holds (or when forced, with a reason); returns
    the standing that was judged. Raises RolloutRefused otherwise."""
    now = now or datetime.now(UTC)
    judged = standing(config, now)
    if judged.next_phase is None:
        raise RolloutRefused(f"{judged.phase.name} is the last phase: nothing to advance to")
    if not judged.gate_ok and not force:
        failing = "; ".join(f"{c.name}: {c.detail}" for c in judged.checks if not c.ok)
        raise RolloutRefused(f"the gate of {judged.phase.name} does not hold ({failing}); fix it,"
                             " or advance --force --reason '...' to go on anyway")  # fmt: skip
    if force and not judged.gate_ok and not reason.strip():
        raise ConfigError("--force needs --reason: a forced advance is recorded", key="--reason")
    state = judged.state
    forced = force and not judged.gate_ok
    step = Decision(now.isoformat(), "advance", state.phase, judged.next_phase.name, forced, by,
                    reason.strip())  # fmt: skip
    state.decisions.append(step)
    state.phase, state.since, state.held = judged.next_phase.name, now.isoformat(), None
    write_state(state_path(config.state_path), state)
    return judged


def hold(config: HarnessConfig, reason: str, by: str = "", now: datetime | None = None) -> None:
    """Keep the active phase, with a reason: advancing then needs `force`."""
    if not reason.strip():
        raise ConfigError("a hold needs --reason", key="--reason")
    now = now or datetime.now(UTC)
    _phase, state = current(config, now)
    state.held = reason.strip()
    state.decisions.append(Decision(now.isoformat(), "hold", state.phase, None, False, by,
                                    reason.strip()))  # fmt: skip
    write_state(state_path(config.state_path), state)


class RolloutRefused(Exception):
    """An advance the gate does not allow; the message says why and how to go on."""


__all__ = [
    "GateCheck",
    "RolloutRefused",
    "Standing",
    "advance",
    "capped_mode",
    "current",
    "hold",
    "segmented",
    "standing",
]

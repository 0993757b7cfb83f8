"""System-of-record rules: who owns a field, and who wins when both systems changed it.

Pure functions over plain values; the engine supplies the values and carries the decisions
out. A flow's source owns every field the flow maps, unless the mapping's `governance`
section says a field is owned by the target (then the flow only fills it while the target
has no value). An edit the non-owner made to an owned field since the flow last wrote it is
a conflict, settled by the field's policy:

- `owner_wins`: the owner's value is written back over the edit (the edit is reverted, and
  the revert is logged);
- `last_modified_wins`: the side modified last keeps its value (a target edit newer than the
  source's change stays, and the flow stops claiming that value);
- `most_complete_wins`: the record with more filled mapped fields wins (ties: the owner);
- `manual`: nothing is written; the record waits in quarantine (reason `conflict`) for a
  data steward (`harness conflicts resolve --keep crm|erp`).

`lock: true` makes every non-owner edit a violation that is reverted whatever the policy and
reported as such. Policies are looked up by name; an unknown name lists the known ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Winner = Literal["source", "target", "steward"]
Owner = Literal["source", "target"]


@dataclass(frozen=True)
class Conflict:
    """One owned field both sides changed since the flow last wrote it."""

    path: str
    written: Any  # what the flow last wrote there
    source_value: Any  # what the owner says now
    target_value: Any  # what the non-owner changed it to


@dataclass(frozen=True)
class Sides:
    """What a policy may weigh about the two records."""

    source_modified: datetime | None
    target_modified: datetime | None
    source_filled: int  # filled mapped fields in the source's mapped payload
    target_filled: int  # ... and in the target's current image


@dataclass(frozen=True)
class Decision:
    path: str
    winner: Winner
    policy: str
    why: str


PolicyFn = Callable[[Conflict, Sides], tuple[Winner, str]]
_POLICIES: dict[str, PolicyFn] = {}


def policy(name: str) -> Callable[[PolicyFn], PolicyFn]:
    def register(fn: PolicyFn) -> PolicyFn:
        _POLICIES[name] = fn
        return fn

    return register


def known_policies() -> tuple[str, ...]:
    return tuple(sorted(_POLICIES))


def policy_fn(name: str) -> PolicyFn:
    try:
        return _POLICIES[name]
    except KeyError:
        raise ValueError(
            f"unknown conflict policy {name!r}; known policies: {', '.join(known_policies())}"
        ) from None


@policy("owner_wins")
def _owner_wins(conflict: Conflict, sides: Sides) -> tuple[Winner, str]:
    return "source", "the owner's value is restored"


@policy("last_modified_wins")
def _last_modified_wins(conflict: Conflict, sides: Sides) -> tuple[Winner, str]:
    src, tgt = sides.source_modified, sides.target_modified
    if src is not None and tgt is not None and tgt > src:
        return "target", f"the target edit ({tgt.isoformat()}) is newer than the source's"
    return "source", "the source change is the newer (or as new)"


@policy("most_complete_wins")
def _most_complete_wins(conflict: Conflict, sides: Sides) -> tuple[Winner, str]:
    if sides.target_filled > sides.source_filled:
        return "target", (
            f"the target record is more complete ({sides.target_filled} vs "
            f"{sides.source_filled} filled fields)"
        )
    return "source", f"the source record is as complete or more ({sides.source_filled} fields)"


@policy("manual")
def _manual(conflict: Conflict, sides: Sides) -> tuple[Winner, str]:
    return "steward", "a data steward decides"


@dataclass(frozen=True)
class FieldGovernance:
    owner: Owner | None = None
    on_conflict: str | None = None


@dataclass(frozen=True)
class Governance:
    """A mapping's `governance` section."""

    on_conflict: str = "owner_wins"
    lock: bool = False
    # Re-read the target's recent changes each run, so edits made there to owned fields are
    # found even while the source stays unchanged (costs reads of the target's changes).
    watch_target: bool = False
    fields: Mapping[str, FieldGovernance] = field(default_factory=dict)

    def __post_init__(self) -> None:
        policy_fn(self.on_conflict)
        for rule in self.fields.values():
            if rule.on_conflict is not None:
                policy_fn(rule.on_conflict)

    def owner(self, path: str) -> Owner:
        rule = self.fields.get(path)
        return rule.owner if rule and rule.owner else "source"

    def policy_for(self, path: str) -> str:
        rule = self.fields.get(path)
        return rule.on_conflict if rule and rule.on_conflict else self.on_conflict


def filled(values: Mapping[str, Any], paths: Sequence[str], get: Callable[[Any, str], Any]) -> int:
    """How many of `paths` hold a value in `values` (blank text counts as empty)."""
    return sum(1 for p in paths if get(values, p) not in (None, "", [], {}))


def decide(
    governance: Governance,
    conflicts: Sequence[Conflict],
    sides: Sides,
    *,
    steward: tuple[Owner, str] | None = None,
) -> list[Decision]:
    """Who wins each conflict. With `lock`, the owner always does (the edit was a violation);
    `steward` is a person's decision (`(side kept, who)`), which overrides both."""
    decisions = []
    for conflict in conflicts:
        name = governance.policy_for(conflict.path)
        if steward is not None:
            side, who = steward
            decisions.append(Decision(conflict.path, side, "manual", f"{who} kept the {side}"))
            continue
        if governance.lock:
            decisions.append(
                Decision(
                    conflict.path, "source", name, "locked field: the non-owner edit is refused"
                )
            )
            continue
        winner, why = policy_fn(name)(conflict, sides)
        decisions.append(Decision(conflict.path, winner, name, why))
    return decisions

"""What a dry-run or shadow run would write, as a person reviews it: per record, the action
and each changed field with its value (and, for an update, the value it replaces).

Pure text shaping (no console), so the human output and the JSON say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from sync.flow import PlannedWrite

VALUE_WIDTH = 60  # a longer value is shortened at its end; a field name never is
DEFAULT_LIMIT = 20  # records shown by `harness sync --mode dry-run|shadow` unless --limit


def show_value(value: Any, width: int = VALUE_WIDTH) -> str:
    """A value as JSON (so "" and null and "null" differ), shortened at the end if long."""
    text = orjson.dumps(value, default=str).decode()
    return text if len(text) <= width else text[: width - 1] + "…"


def changes(plan: PlannedWrite) -> dict[str, tuple[Any, Any]]:
    """Each changed target path -> (value the target holds, value that would be written)."""
    from sync.mapping import get_path  # the mapping package is heavy; only a plan needs it

    return {
        path: (None if plan.before is None else get_path(plan.before, path),
               get_path(plan.after, path))
        for path in plan.fields
    }  # fmt: skip


def describe(plan: PlannedWrite) -> str:
    """The headline of one planned write: action, external id, target id."""
    target = f" -> target {plan.target_id}" if plan.target_id else ""
    return f"{plan.action} {plan.external_id}{target}"


def change_lines(plan: PlannedWrite) -> Iterator[str]:
    """One line per changed field: `path  new` for a create, `path  old -> new` otherwise."""
    found = changes(plan)
    width = max((len(p) for p in found), default=0)
    for path, (old, new) in found.items():
        if plan.before is None or plan.action == "create":
            yield f"{path:<{width}}  {show_value(new)}"
        else:
            yield f"{path:<{width}}  {show_value(old)} -> {show_value(new)}"


def summary(planned: Sequence[PlannedWrite]) -> str:
    """`would create 3, update 12 (28 field changes)`, or that nothing would be written."""
    if not planned:
        return "nothing would be written: the target already agrees"
    by_action: dict[str, int] = {}
    for plan in planned:
        by_action[plan.action] = by_action.get(plan.action, 0) + 1
    actions = ", ".join(f"{action} {n:,}" for action, n in sorted(by_action.items()))
    fields = sum(len(p.fields) for p in planned)
    return f"would {actions} ({fields:,} field changes)"


def plan_json(plan: PlannedWrite) -> dict[str, Any]:
    return {
        "action": plan.action,
        "external_id": plan.external_id,
        "target_id": plan.target_id,
        "fields": list(plan.fields),
        "changes": {
            path: {"before": old, "after": new} for path, (old, new) in changes(plan).items()
        },
    }

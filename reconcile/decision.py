"""What turns a scorecard into a decision record: who owns each failing check and what they
should do, and root causes grouped by cause rather than split by their parameters.

Pure functions (this module imports nothing of the report model, which uses it); every
renderer (JSON, Markdown, HTML, JUnit) goes through them, so all four name the same owner,
action and cause groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTEGRATION_ENGINEER = "integration engineer"
DATA_STEWARD = "data steward"
OPERATIONS = "operations"


@dataclass(frozen=True)
class Ownership:
    """Who acts on a failing check, and the first thing they should do."""

    owner: str
    action: str


# Check name -> default owner and action. A check another module adds later falls back to
# the integration engineer (`owner_of`), never to nobody.
DEFAULT_OWNERS: dict[str, Ownership] = {
    "evidence: source records read": Ownership(
        INTEGRATION_ENGINEER,
        "Nothing was read: check the flow's source object, credentials and filters, then sync "
        "and reconcile again (or declare the flow in thresholds.expect_empty).",
    ),
    "record accuracy": Ownership(
        INTEGRATION_ENGINEER,
        "Fix the mapping or transform behind the largest root cause below, sync with --full, "
        "and reconcile again.",
    ),
    "field accuracy": Ownership(
        INTEGRATION_ENGINEER,
        "Fix the fields with the lowest accuracy (see the field chart), sync with --full, and "
        "reconcile again.",
    ),
    "missing in target": Ownership(
        INTEGRATION_ENGINEER,
        "Find why these records never arrived (failed runs, quarantine, filters), fix it, and "
        "sync with --full.",
    ),
    "unexpected in target": Ownership(
        DATA_STEWARD,
        "Link each target record no source claims to its source, or retire it in the target.",
    ),
    "quarantined": Ownership(
        DATA_STEWARD,
        "Review `harness quarantine list`: fix the source data or the mapping, then replay or "
        "discard each entry.",
    ),
    "completeness": Ownership(
        DATA_STEWARD,
        "Fill in or correct the source records the target lacks, then sync again.",
    ),
    "uniqueness": Ownership(
        DATA_STEWARD,
        "Merge the duplicate target records sharing an external id.",
    ),
    "missed changes": Ownership(
        INTEGRATION_ENGINEER,
        "Run `harness sync --full` to carry the missed changes, then find how they escaped the "
        "incremental read (late commits: raise the flow's lookback_seconds; changes without a "
        "stamp bump: schedule a periodic full run).",
    ),
    "p95 sync lag: no source change timed": Ownership(
        OPERATIONS,
        "Make a source change after go-live (or wait for one), sync, and reconcile again: a lag "
        "limit is met only by a lag measured.",
    ),
    "p95 sync lag": Ownership(
        OPERATIONS,
        "Schedule the flow more often, or find the slow or failed runs in `harness history`.",
    ),
}
_FALLBACK = Ownership(INTEGRATION_ENGINEER, "Investigate the failing check and its root causes.")


def owner_of(check_name: str) -> Ownership:
    """The owner and action of a check, by its name (`Check.name`)."""
    return DEFAULT_OWNERS.get(check_name, _FALLBACK)


@dataclass(frozen=True)
class CauseGroup:
    """One root cause with its total, and the parameters it was seen with (and how often)."""

    cause: str
    records: int
    parameters: tuple[tuple[str, int], ...] = ()


# A trailing "(28 of 43 characters)": a parameter of the cause when it holds a number.
_PARAMETERS = re.compile(r"^(?P<cause>.*?)\s*\((?P<params>[^()]*\d[^()]*)\)$")


def split_cause(cause: str) -> tuple[str, str | None]:
    """`"silently truncated by the target (28 of 43 characters)"` -> the cause and
    `"28 of 43 characters"`; a cause without numeric parameters comes back whole."""
    found = _PARAMETERS.match(cause.strip())
    if found is None or not found.group("cause"):
        return cause, None
    return found.group("cause"), found.group("params")


def group_causes(root_causes: dict[str, int]) -> list[CauseGroup]:
    """Root causes grouped by cause, the largest first; parameters listed inside each."""
    totals: dict[str, int] = {}
    params: dict[str, dict[str, int]] = {}
    for raw, n in root_causes.items():
        cause, param = split_cause(raw)
        totals[cause] = totals.get(cause, 0) + n
        if param is not None:
            seen = params.setdefault(cause, {})
            seen[param] = seen.get(param, 0) + n
    return [
        CauseGroup(cause, total, tuple(sorted(params.get(cause, {}).items(),
                                              key=lambda p: (-p[1], p[0]))))
        for cause, total in sorted(totals.items(), key=lambda c: (-c[1], c[0]))
    ]  # fmt: skip


def parameters_text(group: CauseGroup, limit: int = 5) -> str:
    """`28 of 43 characters x3, 30 of 50 characters x2` ("-" for a cause without any)."""
    if not group.parameters:
        return "-"
    shown = ", ".join(f"{p} x{n}" for p, n in group.parameters[:limit])
    more = len(group.parameters) - limit
    return f"{shown}{f', and {more} more' if more > 0 else ''}"


def describe_group(group: CauseGroup) -> str:
    """`silently truncated by the target: 5 records (28 of 43 characters x3, ...)`."""
    text = f"{group.cause}: {group.records:,} record{'s' if group.records != 1 else ''}"
    return f"{text} ({parameters_text(group)})" if group.parameters else text

"""`harness plan` for people (a few lines a flow, 80 columns) and as JSON."""

from __future__ import annotations

from typing import Any

from harness.output import console
from harness.plan import FlowPlan, Plan


def duration(seconds: float) -> str:
    """`45 s`, `12 min`, `3.4 h` or `2.1 days`: the unit a person plans in."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


def print_capacity(plan: Plan) -> None:
    for flow in plan.flows:
        _print_flow(flow)
    for name, why in plan.unplanned.items():
        console.print(f"[bold]{name}[/bold]: not planned: {why}")
    console.print("[bold]Steady state, calls a day[/bold]")
    for system, calls in sorted(plan.daily_calls().items()):
        allowance = plan.allowances.get(system)
        share = f"{calls / allowance:.1%} of {allowance:,}" if allowance else "no daily allowance"
        console.print(f"  {system}: {calls:,.0f} ({share})")
    for warning in plan.warnings():
        console.print(f"[yellow]warning[/yellow]: {warning}")
    console.print("fits" if not plan.warnings() else "does not fit", style="bold")


def _print_flow(flow: FlowPlan) -> None:
    full, run = flow.full, flow.run
    console.print(f"[bold]{flow.flow}[/bold] ({flow.source} -> {flow.target}),"
                  f" {flow.volume:,} records")  # fmt: skip
    console.print(f"  full load: {duration(full.seconds)}; {full.source_calls:,} {flow.source}"
                  f" calls, {full.target_calls:,} {flow.target} calls")  # fmt: skip
    console.print(f"    bound by {full.binding}")
    if flow.faster is not None:
        hint, seconds = flow.faster
        console.print(f"    {hint}: {duration(seconds)}")
    runs = (f"a run every {duration(flow.interval_seconds)}" if flow.interval_seconds
            else "run on demand (planned once a day)")  # fmt: skip
    console.print(f"  steady: {flow.changes_per_day:,} changes a day, {runs}:"
                  f" {duration(run.seconds)} a run")  # fmt: skip


def capacity_json(plan: Plan) -> dict[str, Any]:
    return {
        "fits": not plan.warnings(),
        "warnings": plan.warnings(),
        "daily_calls": plan.daily_calls(),
        "daily_allowances": plan.allowances,
        "unplanned": plan.unplanned,
        "flows": [_flow_json(f) for f in plan.flows],
    }


def _flow_json(flow: FlowPlan) -> dict[str, Any]:
    return {
        "flow": flow.flow,
        "source": flow.source,
        "target": flow.target,
        "volume": flow.volume,
        "full_load": {
            "seconds": round(flow.full.seconds, 1),
            "binding": flow.full.binding,
            "source_calls": flow.full.source_calls,
            "target_calls": flow.full.target_calls,
            "limits": {k: round(v, 1) for k, v in flow.full.times.items()},
            "faster": None
            if flow.faster is None
            else {
                "hint": flow.faster[0],
                "seconds": round(flow.faster[1], 1),
            },
        },
        "steady_state": {
            "changes_per_day": flow.changes_per_day,
            "runs_per_day": round(flow.runs_per_day, 2),
            "interval_seconds": flow.interval_seconds,
            "run_seconds": round(flow.run.seconds, 1),
            "binding": flow.run.binding,
            "fits_interval": flow.fits_interval,
            "calls_per_day": flow.calls_per_day,
        },
    }


__all__ = ["capacity_json", "duration", "print_capacity"]

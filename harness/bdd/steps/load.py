"""Steps for the load scenarios (`make load`): volume, throughput, the bottleneck.

Figures are printed (`make load` runs pytest with `-s`) and appended to
`reports/load.json`; they are never asserted: speed is measured, correctness is checked.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
from pytest_bdd import parsers, then, when

from harness.bdd.business import Business, get
from harness.bdd.steps.common import crm_customers, customers, erp_customers
from harness.output import console
from harness.sandbox import Sandbox
from sync.engine import RunResult

LOAD_REPORT = Path("reports") / "load.json"
BATCH = 200  # records an edit sends a write at a time (a common vendor batch limit)


def _record(figure: dict[str, Any]) -> None:
    LOAD_REPORT.parent.mkdir(parents=True, exist_ok=True)
    existing = orjson.loads(LOAD_REPORT.read_bytes()) if LOAD_REPORT.exists() else []
    existing.append(figure)
    LOAD_REPORT.write_bytes(orjson.dumps(existing, option=orjson.OPT_INDENT_2))


def stage_table(name: str, run: RunResult) -> dict[str, Any]:
    """The run's throughput and where its time went, printed and returned."""
    total = sum(run.stages.values()) or 1.0
    slowest = max(run.stages, key=lambda s: run.stages[s]) if run.stages else "-"
    figure = {
        "scenario": name,
        "records": run.counts.read,
        "written": run.counts.written,
        "seconds": round(run.seconds, 2),
        "records_per_second": round(run.counts.read / run.seconds, 1) if run.seconds else None,
        "source_calls": run.source_calls,
        "target_calls": run.target_calls,
        "stages": {k: round(v, 2) for k, v in run.stages.items()},
        "bottleneck": slowest,
    }
    rate = figure["records_per_second"]
    console.print(
        f"\n[bold]{name}[/]: {figure['records']} records in {figure['seconds']} s "
        f"({rate} records/s), {run.target_calls} target calls"
    )
    for stage, seconds in run.stages.items():
        bar = "#" * round(40 * seconds / total)
        console.print(f"  {stage:<10} {seconds:8.2f} s  {bar}")
    console.print(f"  bottleneck: [bold]{slowest}[/]")
    _record(figure)
    return figure


@then(parsers.parse('the run\'s throughput and stage breakdown are reported as "{name}"'))
def report_run(scenario_context: dict[str, Any], name: str) -> None:
    run: RunResult = scenario_context["run"]
    assert run.status == "succeeded", run.error
    figure = stage_table(name, run)
    assert set(figure["stages"]) == {"read", "transform", "validate", "lookup", "write", "commit"}


@when(parsers.parse("{count:d} customers are edited in the CRM through its API"))
def edit_many(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    flow = customers(sandbox)
    chosen = crm_customers(sandbox)[:count]
    edits = {a.id: f"Load edit {i:05d}" for i, a in enumerate(chosen)}
    values = {record_id: {"description": text} for record_id, text in edits.items()}
    Business(sandbox).edit_many(flow, "crm", values, batch=BATCH)
    scenario_context["edits"] = edits


@then(parsers.parse("the run updated exactly those {count:d} customers and created none"))
def updated_exactly(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    run: RunResult = scenario_context["run"]
    assert (run.counts.updated, run.counts.created, run.counts.quarantined) == (count, 0, 0)
    flow = customers(sandbox)
    external, description = flow.spec.external_id_field, flow.target_path("description")
    edits: dict[str, str] = scenario_context["edits"]
    found = {c.fields[external]: get(c, description) for c in erp_customers(sandbox)}
    assert {k: found[k] for k in edits} == edits


@then("the reconcile's throughput is reported")
def reconcile_throughput(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    started = time.perf_counter()
    report, _paths = sandbox.reconcile([customers(sandbox).name])
    seconds = time.perf_counter() - started
    (flow,) = report.flows
    pairs = flow.source_records
    figure = {"scenario": "reconcile", "pairs": pairs, "seconds": round(seconds, 2),
              "pairs_per_second": round(pairs / seconds, 1) if seconds else None,
              "verdict": "GO" if report.verdict.go else "NO-GO"}  # fmt: skip
    console.print(f"\n[bold]reconcile[/]: {pairs} pairs in {figure['seconds']} s "
                  f"({figure['pairs_per_second']} pairs/s), {figure['verdict']}")  # fmt: skip
    _record(figure)
    assert report.verdict.go

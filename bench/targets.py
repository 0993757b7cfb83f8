"""The issues' speed targets (#7, #13, #14, #15) judged on one `make bench` run: measured
value, target, verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.table import Table

Verdict = bool | None  # None: not measured in this run (skipped, or a tool failed)


def _get(results: dict[str, Any], *path: str) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _row(
    section: str,
    name: str,
    value: Any,
    target: str,
    check: Callable[[float], bool],
    unit: str = "",
) -> dict[str, Any]:
    met: Verdict = None if value is None else bool(check(float(value)))
    return {"section": section, "target": name, "measured": value, "unit": unit, "goal": target,
            "met": met}  # fmt: skip


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target the issue names, on the figures of `results`."""
    startup = _get(results, "startup", "median") or {}
    ceiling = _get(results, "ceiling", "median") or {}
    limits = _get(results, "limits", "figures") or {}
    suiteql = _get(results, "suiteql", "figures") or {}
    paging = _get(results, "paging", "figures") or {}
    sap = _get(results, "sap", "figures") or {}
    hubspot = _get(results, "hubspot", "figures") or {}
    world = _get(results, "world_generation", "median") or {}
    companies = _get(results, "world_generation", "companies") or 0
    at_1m = _get(results, "reconcile_scale", "targets", "1m") or {}
    unchanged = None
    if "incremental_calls_unchanged_records" in limits:
        unchanged = limits["incremental_calls_unchanged_records"] + limits.get(
            "incremental_lookup_ids_unchanged", 0
        )
    scale = "reconcile_scale"
    per_field = at_1m.get("met_per_field")
    rows = [
        _row("startup", "`harness --help` wall time (median; see the load average)",
             startup.get("help_s"), "< 0.5 s", lambda v: v < 0.5, "s"),
        _row("ceiling", "sync vs transport ceiling", ceiling.get("sync_vs_ceiling"),
             ">= 0.8", lambda v: v >= 0.8, "x"),
        _row("limits", "sync under realistic limits, fraction of the theoretical max",
             limits.get("fraction_of_max"), ">= 0.9", lambda v: v >= 0.9, "x"),
        _row("limits", "API calls per synced record vs vendor minimum",
             limits.get("calls_vs_minimum"), "<= 1.05x", lambda v: v <= 1.05, "x"),
        _row("limits", "incremental: calls naming unchanged records", unchanged, "0",
             lambda v: v == 0),
        _row("suiteql", "reconcile 5,000 accounts: NetSuite calls per record",
             suiteql.get("netsuite_calls_per_record"), "<= 0.01", lambda v: v <= 0.01),
        _row("suiteql", "reconcile 5,000 accounts vs the ceiling the limits set",
             suiteql.get("reconcile_vs_ceiling"), ">= 0.8", lambda v: v >= 0.8, "x"),
        _row("suiteql", "incremental: NetSuite calls per edited record",
             suiteql.get("netsuite_calls_per_edited_record"), "<= 1.1", lambda v: v <= 1.1),
        _row(scale, "reconcile 1M: compare vs datacompy pandas",
             at_1m.get("faster_than_datacompy_pandas"), ">= 5x", lambda v: v >= 5, "x"),
        _row(scale, "reconcile 1M: compare vs datacompy polars",
             at_1m.get("faster_than_datacompy_polars"), ">= 2x", lambda v: v >= 2, "x"),
        _row(scale, "reconcile 1M: per-field findings", per_field, "included",
             lambda v: bool(v)),
        _row(scale, "reconcile 1M: peak RSS", at_1m.get("peak_rss_mb"), "< 2,048 MB",
             lambda v: v < 2048, "MB"),
        _row("paging", "mock paging vs bare FastAPI, Salesforce",
             paging.get("salesforce_ratio"), ">= 0.5", lambda v: v >= 0.5, "x"),
        _row("paging", "mock paging vs bare FastAPI, NetSuite", paging.get("netsuite_ratio"),
             ">= 0.5", lambda v: v >= 0.5, "x"),
        _row("sap", "SAP: calls per synced record vs the $batch minimum (#15)",
             sap.get("calls_vs_minimum"), "<= 1.1x", lambda v: v <= 1.1, "x"),
        _row("hubspot", "HubSpot: calls per synced record vs the batch minimum (#14)",
             hubspot.get("calls_vs_minimum"), "<= 1.05x", lambda v: v <= 1.05, "x"),
        _row("hubspot", "HubSpot: throughput vs the max its limits allow, lookups counted (#14)",
             hubspot.get("throughput_vs_max_with_lookups"), ">= 0.9", lambda v: v >= 0.9, "x"),
        _row("world_generation", f"world generation, {companies:,} companies + business",
             world.get("generate_s"), "< 30 s", lambda v: v < 30, "s"),
    ]  # fmt: skip
    started = _get(results, "run", "started_at")
    for row in rows:
        row["from_run"] = _get(results, row["section"], "from_run")
        row["this_run"] = row["from_run"] == started
    return rows


def targets_summary(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="targets")
    for column in ("target", "measured", "goal", "verdict", "run"):
        table.add_column(column, justify="right" if column == "measured" else "left")
    for row in rows:
        value = row["measured"]
        if isinstance(value, bool) or value is None:
            shown = "-" if value is None else ("yes" if value else "no")
        else:
            shown = f"{value:,.2f}{row['unit'] if row['unit'] != 'x' else 'x'}"
            if row["unit"] in ("s", "MB"):
                shown = f"{value:,.2f} {row['unit']}"
        verdict = {None: "not measured", True: "met", False: "NOT met"}[row["met"]]
        when = "this" if row["this_run"] else (row["from_run"] or "-")
        table.add_row(row["target"], shown, row["goal"], verdict, when)
    return table

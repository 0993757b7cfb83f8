"""Tables of the reconcile-at-scale figures: one row per tool, and the targets at a scale."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from bench.reconcile_scale import TOOL_LABELS


def scale_table(name: str, figures: dict[str, Any]) -> Table:
    """One row per tool: its times, peak memory and whether it found what the truth holds."""
    truth = figures["truth"]
    table = Table(
        title=(
            f"reconcile at scale: {figures['rows_per_side']:,} a side ({truth['differing']:,} "
            f"differing, {truth['missing']:,} missing, {truth['extra']:,} extra); each tool in "
            f"its own process; ours and datacompy: median of {figures['repeat']}, others: 1 run"
        )
    )
    for column in ("tool", "load s", "compare s", "peak RSS MB", "findings match", "per-field"):
        table.add_column(column, justify="left" if column == "tool" else "right")
    for tool, run in figures["tools"].items():
        label = TOOL_LABELS.get(tool, tool)
        if "error" in run:
            table.add_row(label, "-", "-", "-", run["error"], "-")
            continue
        compare = f"{run['compare_s']:,.2f}" + (" (extrapolated)" if run["extrapolated"] else "")
        table.add_row(
            label,
            f"{run['load_s']:,.2f}",
            compare,
            f"{run['peak_rss_mb']:,.0f}",
            "yes" if run["findings_match"] else "NO",
            "yes" if run["per_field"] else "no",
        )
    return table


def targets_table(name: str, met: dict[str, Any]) -> Table:
    """Issue #7's targets for the columnar engine at this scale."""

    def verdict(value: bool | None) -> str:
        return "unknown" if value is None else ("met" if value else "NOT met")

    def times(value: float | None) -> str:
        return "-" if value is None else f"{value:,.1f}x"

    table = Table(title=f"targets at {name} (issue #7: judged at 1m)")
    table.add_column("target")
    table.add_column("measured", justify="right")
    table.add_column("verdict")
    table.add_row(
        "compare >= 5x faster than datacompy pandas",
        times(met["faster_than_datacompy_pandas"]),
        verdict(met["met_5x_pandas"]),
    )
    table.add_row(
        "compare >= 2x faster than datacompy polars",
        times(met["faster_than_datacompy_polars"]),
        verdict(met["met_2x_polars"]),
    )
    table.add_row("per-field findings included", "", verdict(met["met_per_field"]))
    rss = met["peak_rss_mb"]
    table.add_row(
        "peak RSS < 2 GB",
        "-" if rss is None else f"{rss:,.0f} MB",
        verdict(met["met_rss_under_2gb"]),
    )
    return table

"""Human output of `harness profile` (rich, on the shared consoles of `harness.output`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from harness.output import console

if TYPE_CHECKING:  # the profiler is loaded by `harness profile` when it runs, not at start-up
    from reconcile.profile import ProfileReport

ISSUES_SHOWN = 15


def _pct(value: float) -> str:
    colour = "green" if value >= 0.99 else "yellow" if value >= 0.9 else "red"
    return f"[{colour}]{value:.1%}[/]"


def print_profile(report: ProfileReport, paths: dict[str, Path] | None = None) -> None:
    # Seven columns, field names never wrapped: readable in an 80-column terminal.
    table = Table(title=f"profile: {report.system} {report.object} ({report.records:,} records)")
    table.add_column("field", no_wrap=True)
    table.add_column("type (*req)", no_wrap=True)
    for col in ("complete", "distinct"):
        table.add_column(col, justify="right")
    table.add_column("format: style")
    table.add_column("conform", justify="right")
    table.add_column("over", justify="right")
    for f in report.fields:
        if not f.filled and not f.required:
            continue
        kind = f.semantic if f.semantic not in ("other", "text") or f.dominant_style else ""
        table.add_row(
            escape(f.name),
            (f"{f.type}({f.length})" if f.length else f.type) + ("*" if f.required else ""),
            _pct(f.completeness) if f.expected else f"{f.completeness:.1%}",
            f"{f.distinct:,}",
            f"{kind}: {f.dominant_style}" if f.dominant_style else kind,
            _pct(f.conformity) if f.checked else "",
            f"{f.over_limit}>{f.limit}" if f.over_limit else "",
        )
    console.print(table)
    empty = sum(1 for f in report.fields if not f.filled and not f.required)
    if empty:
        console.print(f"({empty} optional fields are empty on every record and not shown)")
    if report.duplicates:
        dups = Table(title=f"duplicate clusters ({len(report.duplicates)})")
        for col in ("records", "names", "score", "shared"):
            dups.add_column(col)
        for g in report.duplicates[:ISSUES_SHOWN]:
            dups.add_row(
                "\n".join(g.record_ids),
                escape("\n".join(g.names)),
                f"{g.score:.0f}",
                ", ".join(g.reasons),
            )
        console.print(dups)
    summary = Table(title="data quality")
    summary.add_column("dimension")
    summary.add_column("score", justify="right")
    for name, value in report.dimensions.items():
        summary.add_row(name, _pct(value))
    for kind, count in report.issue_counts().items():
        summary.add_row(f"findings: {kind}", f"{count:,}")
    console.print(summary)
    body = f"data-quality score {_pct(report.score)} over {report.records:,} records"
    if report.no_evidence:
        body = "[red]NO-GO: no evidence[/], 0 records read (--allow-empty if that is expected)"
    console.print(Panel(body, title=f"{report.system} {escape(report.object)}", expand=False))
    for kind, path in (paths or {}).items():
        console.print(f"{kind} report: {path}")

"""All human output goes through here (rich); machine output is plain JSON on stdout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from reconcile.model import ReconcileReport
from sync.engine import RunResult

if TYPE_CHECKING:
    from harness.sandbox import MockEnvironment

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    # soft_wrap: a path or a key in the message must stay on one line, copyable as it is.
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)


def info(message: str) -> None:
    console.print(message)


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Progress]:
    """A progress bar that counts records; `advance` through the yielded Progress's task 0."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    with bar:
        bar.add_task(description, total=total)
        yield bar


def print_run(result: RunResult) -> None:
    c = result.counts
    table = Table(title=f"sync {result.flow} ({result.mode}, {result.kind}) run {result.run_id}")
    for col in ("read", "unchanged", "in sync", "created", "updated", "quarantined", "calls", "s"):
        table.add_column(col, justify="right")
    table.add_row(
        str(c.read),
        str(c.unchanged),
        str(c.in_sync),
        str(c.created),
        str(c.updated),
        str(c.quarantined),
        f"{result.source_calls}+{result.target_calls}",
        f"{result.seconds:.1f}",
    )
    console.print(table)
    if result.planned and result.mode != "live":
        plan = Table(title=f"planned writes ({len(result.planned)})")
        for col in ("action", "external id", "target id", "fields"):
            plan.add_column(col)
        for item in result.planned[:50]:
            plan.add_row(
                item.action, item.external_id, item.target_id or "-", ", ".join(item.fields)
            )
        console.print(plan)
        if len(result.planned) > 50:
            console.print(f"... and {len(result.planned) - 50} more")
    for q in result.quarantined[:20]:
        detail = escape(f"{q.source_id}: {q.reason}/{q.code}: {q.message}")
        console.print(f"[yellow]quarantined[/] {detail}", soft_wrap=True)
    if len(result.quarantined) > 20:
        console.print(f"[yellow]... and {len(result.quarantined) - 20} more in quarantine[/]")


def print_scorecard(report: ReconcileReport, paths: dict[str, Path] | None = None) -> None:
    table = Table(title="reconciliation scorecard")
    for col in (
        "flow",
        "source",
        "target",
        "equal",
        "different",
        "missing",
        "unexpected",
        "quarantined",
        "record acc.",
        "field acc.",
    ):
        table.add_column(col, justify="right" if col not in ("flow",) else "left")
    for f in report.flows:
        table.add_row(
            f.flow,
            str(f.source_records),
            str(f.target_records),
            str(f.equal),
            str(f.different),
            str(f.missing_in_target),
            str(f.unexpected_in_target),
            str(f.quarantined),
            f"{f.record_accuracy:.2%}",
            f"{f.field_accuracy:.2%}",
        )
    console.print(table)
    checks = Table(title="go/no-go checks")
    for col in ("flow", "check", "value", "needs", "result"):
        checks.add_column(col)
    for c in report.verdict.checks:
        mark = "[green]pass[/]" if c.ok else "[red]FAIL[/]"
        checks.add_row(
            c.flow, c.name, c.describe(c.value), f"{c.comparison} {c.describe(c.threshold)}", mark
        )
    console.print(checks)
    for f in report.flows:
        for cause, n in list(f.root_causes.items())[:10]:
            console.print(escape(f"  {f.flow}: {n} x {cause}"))
        for flag, n in f.policy_flags.items():
            console.print(
                escape(f"  {f.flow}: {n} x {flag} by the mapping's policy (not a mismatch)")
            )
    verdict = "[bold green]GO[/]" if report.verdict.go else "[bold red]NO-GO[/]"
    body = verdict
    if report.verdict.reasons:
        body += "\n" + "\n".join(f"- {r}" for r in report.verdict.reasons)
    console.print(Panel(body, title="verdict", expand=False))
    for kind, path in (paths or {}).items():
        console.print(f"{kind} report: {path}")


def run_json(result: RunResult) -> dict[str, object]:
    return {
        "run_id": result.run_id,
        "flow": result.flow,
        "mode": result.mode,
        "kind": result.kind,
        "status": result.status,
        "counts": result.counts.as_dict(),
        "seconds": round(result.seconds, 3),
        "calls": {"source": result.source_calls, "target": result.target_calls},
        "planned": [
            {
                "action": p.action,
                "external_id": p.external_id,
                "target_id": p.target_id,
                "fields": list(p.fields),
            }
            for p in result.planned
        ],
        "quarantined": [
            {"source_id": q.source_id, "reason": q.reason, "code": q.code, "message": q.message}
            for q in result.quarantined
        ],
        "error": result.error,
    }


def print_mock_environment(env: MockEnvironment) -> None:
    table = Table(title="mock servers (Ctrl-C to stop)")
    for col in ("role", "vendor", "url"):
        table.add_column(col)
    for role, mock in (("crm", env.mocks.crm), ("erp", env.mocks.erp)):
        table.add_row(role, mock.vendor.name, mock.url)
    console.print(table)
    if env.mocks.tls:
        console.print(f"CA certificate: {env.mocks.tls.ca_path}")
    console.print(f"config: {env.config_path}")
    console.print(f"credentials (export them, or pass --env-file {env.env_path}):")
    for name, value in sorted(env.mocks.env.items()):
        console.print(f"  export {name}={value}", soft_wrap=True)

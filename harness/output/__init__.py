"""All human output goes through here (rich); machine output is plain JSON on stdout."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from harness.output.plan import DEFAULT_LIMIT, change_lines, plan_json
from harness.output.plan import describe as describe_plan
from harness.output.plan import summary as plan_summary
from harness.output.tables import Column, print_rows

if TYPE_CHECKING:  # annotations only: every command imports this module at start-up
    from harness.sandbox import MockEnvironment
    from reconcile.model import FlowScore, ReconcileReport
    from sync.engine import RunResult
    from sync.state import ReconcileSummary, RunInfo

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    # soft_wrap: a path or a key in the message must stay on one line, copyable as it is.
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)


def info(message: str) -> None:
    console.print(message)


def warn(message: str) -> None:
    err_console.print(f"[bold yellow]warning:[/] {escape(message)}", soft_wrap=True)


class Ticker:
    """What a long job sees of its progress bar: records done, and the stage it is in."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar, self._task = bar, task

    def advance(self, records: int) -> None:
        self._bar.advance(self._task, records)
        # Drawn now, not at the next tick: a batch can take longer than the whole refresh.
        self._bar.refresh()

    def stage(self, description: str) -> None:
        self._bar.update(self._task, description=description, completed=0)


@contextmanager
def progress_bar(
    description: str, total: int | None = None, *, to: Console | None = None
) -> Iterator[Ticker]:
    """A transient progress bar (on stderr unless `to` says otherwise) that counts records."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=to or err_console,
        transient=True,
    )
    with bar:
        yield Ticker(bar, bar.add_task(description, total=total))


def print_run(result: RunResult, *, limit: int = DEFAULT_LIMIT) -> None:
    """A run's counts and, for a dry-run or shadow run, the first `limit` planned writes with
    the values they would write."""
    c = result.counts
    # The run id on a line of its own: a table title would wrap it at 80 columns.
    console.print(
        f"sync {escape(result.flow)} ({result.mode}, {result.kind}) run {result.run_id}",
        soft_wrap=True,
    )
    table = Table()
    for col in ("read", "unchanged", "in sync", "created", "updated", "quarantined", "calls", "s"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{c.read:,}", f"{c.unchanged:,}", f"{c.in_sync:,}", f"{c.created:,}", f"{c.updated:,}",
        f"{c.quarantined:,}", f"{result.source_calls}+{result.target_calls}",
        f"{result.seconds:.1f}",
    )  # fmt: skip
    console.print(table)
    if result.mode != "live":
        _print_plan(result, limit)
    for q in result.quarantined[:20]:
        detail = escape(f"{q.source_id}: {q.reason}/{q.code}: {q.message}")
        console.print(f"[yellow]quarantined[/] {detail}", soft_wrap=True)
    if len(result.quarantined) > 20:
        console.print(f"[yellow]... and {len(result.quarantined) - 20} more in quarantine[/]")
    for source_id, message in result.warnings[:20]:
        console.print(f"[yellow]written with a warning[/] {escape(f'{source_id}: {message}')}",
                      soft_wrap=True)  # fmt: skip
    if len(result.warnings) > 20:
        console.print(f"[yellow]... and {len(result.warnings) - 20} more warnings, kept on "
                      "their audit rows (`harness audit`)[/]")  # fmt: skip


def _print_plan(result: RunResult, limit: int) -> None:
    console.print(f"[bold]planned writes[/]: {escape(plan_summary(result.planned))}")
    for item in result.planned[:limit]:
        console.print(f"- {escape(describe_plan(item))}", soft_wrap=True)
        for line in change_lines(item):
            console.print(f"    {escape(line)}", soft_wrap=True)
    hidden = len(result.planned) - limit
    if hidden > 0:
        console.print(
            f"... and {hidden:,} more: --limit N shows more; `harness shadow-report "
            f"{result.run_id}` reports the whole plan",
            soft_wrap=True,
        )


def print_scorecard(report: ReconcileReport, paths: dict[str, Path] | None = None) -> None:
    # One column per flow, one row per measure: stays readable in an 80-column terminal.
    table = Table(title="reconciliation scorecard")
    table.add_column("measure")
    for f in report.flows:
        table.add_column(f"{f.flow}\n{f.source_object} -> {f.target_object}", justify="right")
    rows: list[tuple[str, Callable[[FlowScore], str]]] = [
        ("source records", lambda f: f"{f.source_records:,}"),
        ("target records", lambda f: f"{f.target_records:,}"),
        ("equal", lambda f: f"{f.equal:,}"),
        ("different", lambda f: f"{f.different:,}"),
        ("missing in target", lambda f: f"{f.missing_in_target:,}"),
        ("unexpected in target", lambda f: f"{f.unexpected_in_target:,}"),
        ("quarantined", lambda f: f"{f.quarantined:,}"),
        ("record accuracy", lambda f: f"{f.record_accuracy:.2%}"),
        ("field accuracy", lambda f: f"{f.field_accuracy:.2%}"),
        ("completeness", lambda f: f"{f.completeness:.2%}"),
        ("uniqueness", lambda f: f"{f.uniqueness:.2%}"),
        (
            "sync lag p95",
            lambda f: "-" if f.lag_p95_seconds is None else f"{f.lag_p95_seconds:,.1f} s",
        ),
    ]
    for label, value in rows:
        table.add_row(label, *(value(f) for f in report.flows))
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
    if masked := report.meta.get("masked"):
        console.print(escape(f"personal data masked in every report: {masked}"))
    for kind, path in (paths or {}).items():
        console.print(f"{kind} report: {path}")


JSON_PLANNED_CAP = 1000


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
        # Capped: a run of 50,000 creates would print megabytes; the whole plan stays in the
        # state store (`harness shadow-report RUN_ID`, `harness history`).
        "planned_total": len(result.planned),
        "planned": [plan_json(p) for p in result.planned[:JSON_PLANNED_CAP]],
        "quarantined": [
            {"source_id": q.source_id, "reason": q.reason, "code": q.code, "message": q.message}
            for q in result.quarantined
        ],
        "warnings": [{"source_id": s, "message": m} for s, m in result.warnings],
        "error": result.error,
    }


def print_mock_environment(env: MockEnvironment, *, show_secrets: bool = False) -> None:
    """Where the mocks listen and where their credentials are; the credentials themselves
    only when asked (`--show-secrets`): a terminal's scrollback and CI logs keep them."""
    table = Table(title="mock servers (Ctrl-C to stop)")
    for col in ("role", "vendor", "url"):
        table.add_column(col)
    for role, mock in (("crm", env.mocks.crm), ("erp", env.mocks.erp)):
        table.add_row(role, mock.vendor.name, mock.url)
    console.print(table)
    if env.mocks.tls:
        console.print(f"CA certificate: {env.mocks.tls.ca_path}")
    console.print(f"config: {env.config_path}")
    if env.retired_state:
        console.print(f"an earlier sandbox's state file was moved to {env.retired_state}")
    names = ", ".join(sorted(env.mocks.env))
    console.print(f"credentials: {env.env_path} (owner-only) holds {names}", soft_wrap=True)
    console.print(f"  pass --env-file {env.env_path} to harness commands, or export them with"
                  f" `set -a; . {env.env_path}; set +a`", soft_wrap=True)  # fmt: skip
    if show_secrets:
        for name, value in sorted(env.mocks.env.items()):
            console.print(f"  export {name}={escape(value)}", soft_wrap=True)


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled between the smallest and the largest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high - low < 1e-12:
        return SPARK[-1] * len(values) if high > 0 else SPARK[0] * len(values)
    return "".join(SPARK[round((v - low) / (high - low) * (len(SPARK) - 1))] for v in values)


def _run_counts(run: RunInfo) -> str:
    c = run.counts
    keys = ("read", "created", "updated", "quarantined")
    return " ".join(f"{k} {c[k]:,}" for k in keys if k in c) or "-"


# A run's status as a person scans it: a failure in red, a stop (Ctrl-C, a killed process)
# in yellow: the next run resumes it.
_STATUS_STYLE = {"failed": "[red]failed[/]", "interrupted": "[yellow]interrupted[/]"}


def print_history(runs: Sequence[RunInfo], reconciles: Sequence[ReconcileSummary]) -> None:
    """Past sync runs and past reconciles, newest first."""
    if not runs and not reconciles:
        console.print("no sync runs or reconciles recorded yet")
        return
    run_columns = [Column("run id", copyable=True), Column("flow"), Column("mode"),
                   Column("kind"), Column("status"), Column("started (UTC)"),
                   Column("counts")]  # fmt: skip
    run_rows = [
        [escape(run.run_id), escape(run.flow), run.mode, run.kind,
         _STATUS_STYLE.get(run.status, run.status),
         f"{run.started_at:%Y-%m-%d %H:%M:%S}", _run_counts(run)]
        for run in runs
    ]  # fmt: skip
    print_rows(console, f"sync runs ({len(runs)})", run_columns, run_rows)
    rec_columns = [Column("reconcile id", copyable=True), Column("flow"),
                   Column("generated (UTC)"), Column("verdict"), Column("flow checks"),
                   Column("records", "right"), Column("missing", "right"),
                   Column("record acc.", "right"), Column("field acc.", "right")]  # fmt: skip
    rec_rows = [
        [escape(s.reconcile_id), escape(s.flow), f"{s.generated_at:%Y-%m-%d %H:%M:%S}",
         "[green]GO[/]" if s.verdict == "GO" else "[red]NO-GO[/]",
         "pass" if s.passed else "[red]FAIL[/]",
         f"{s.counts.get('source_records', 0):,}", f"{s.counts.get('missing_in_target', 0):,}",
         f"{s.record_accuracy:.2%}", f"{s.field_accuracy:.2%}"]
        for s in reconciles
    ]  # fmt: skip
    print_rows(console, f"reconciles ({len(reconciles)} flow results)", rec_columns, rec_rows)


def print_trend(history: Sequence[ReconcileSummary]) -> None:
    """Accuracy across reconciles per flow, oldest first, with a sparkline per measure."""
    by_flow: dict[str, list[ReconcileSummary]] = {}
    for s in sorted(history, key=lambda s: s.generated_at):
        by_flow.setdefault(s.flow, []).append(s)
    for flow, items in sorted(by_flow.items()):
        table = Table(title=f"trend: {escape(flow)} ({len(items)} reconciles)")
        for col in ("generated (UTC)", "flow checks", "record acc.", "field acc."):
            table.add_column(col, justify="right" if "acc" in col else "left")
        for s in items:
            verdict = "[green]pass[/]" if s.passed else "[red]FAIL[/]"
            table.add_row(f"{s.generated_at:%Y-%m-%d %H:%M:%S}", verdict,
                          f"{s.record_accuracy:.2%}", f"{s.field_accuracy:.2%}")  # fmt: skip
        console.print(table)
        for label, values in (("record", [s.record_accuracy for s in items]),
                              ("field", [s.field_accuracy for s in items])):  # fmt: skip
            console.print(
                f"  {label:<6} accuracy {sparkline(values)}  {values[0]:.2%} -> {values[-1]:.2%}"
            )


def summary_json(s: ReconcileSummary) -> dict[str, object]:
    return {
        "reconcile_id": s.reconcile_id,
        "flow": s.flow,
        "generated_at": s.generated_at.isoformat(),
        "config": s.config,
        "verdict": s.verdict,
        "passed": s.passed,
        "record_accuracy": s.record_accuracy,
        "field_accuracy": s.field_accuracy,
        "counts": dict(s.counts),
    }


def run_info_json(run: RunInfo) -> dict[str, object]:
    return {
        "run_id": run.run_id,
        "flow": run.flow,
        "mode": run.mode,
        "kind": run.kind,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": None if run.finished_at is None else run.finished_at.isoformat(),
        "counts": dict(run.counts),
        "error": run.error,
    }

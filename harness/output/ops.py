"""Human output of the operating commands (quarantine, rollback, status, prune) through rich,
and their JSON shapes. Uses `harness.output`'s consoles, so tests and `--json` behave alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from harness.output import console
from harness.output.tables import Column, print_rows

if TYPE_CHECKING:  # annotations only: the commands import this module at start-up
    from harness.monitoring.health import FlowHealth, HealthReport
    from harness.monitoring.retention import PruneReport
    from sync.rollback import RollbackResult
    from sync.state import QuarantineEntry
    from sync.state.quarantine import EntryDetail

_LIST_LIMIT = 200


def _when(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M:%S}"


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


def quarantine_json(q: QuarantineEntry) -> dict[str, Any]:
    return {
        "qid": q.qid, "flow": q.flow, "source_id": q.source_id, "run_id": q.run_id,
        "reason": q.reason, "code": q.code, "message": q.message, "status": q.status,
        "payload": q.payload, "mapped": q.mapped,
        "created_at": q.created_at.isoformat(),
        "updated_at": None if q.updated_at is None else q.updated_at.isoformat(),
        "resolved_at": None if q.resolved_at is None else q.resolved_at.isoformat(),
        "resolved_by": q.resolved_by, "note": q.note,
    }  # fmt: skip


def print_quarantine_list(entries: Sequence[QuarantineEntry]) -> None:
    if not entries:
        console.print("no quarantine entries match")
        return
    columns = [Column("qid", copyable=True), Column("flow"), Column("source id", copyable=True),
               Column("reason"), Column("code"), Column("status"), Column("since (UTC)"),
               Column("message")]  # fmt: skip
    rows = [
        [q.qid, escape(q.flow), escape(q.source_id), q.reason, escape(q.code), q.status,
         _when(q.created_at), escape(q.message[:120])]
        for q in entries[:_LIST_LIMIT]
    ]  # fmt: skip
    print_rows(console, f"quarantine ({len(entries)})", columns, rows)
    if len(entries) > _LIST_LIMIT:
        console.print(f"... and {len(entries) - _LIST_LIMIT} more (use --json for all)")


def _pretty(value: Any) -> str:
    return escape(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())


def print_quarantine_detail(detail: EntryDetail) -> None:
    q = detail.entry
    head = [
        f"[bold]{q.qid}[/]  flow {escape(q.flow)}  source {escape(q.source_id)}",
        f"status {q.status}; reason {q.reason}; code {escape(q.code)}",
        f"message: {escape(q.message)}",
        f"quarantined {_when(q.created_at)}, last by run {q.run_id} at {_when(q.updated_at)}",
    ]
    if q.resolved_at is not None:
        note = f" - {escape(q.note)}" if q.note else ""
        head.append(f"{q.status} {_when(q.resolved_at)} by {escape(q.resolved_by or '?')}{note}")
    console.print(Panel("\n".join(head), title="quarantine entry", expand=False))
    console.print(Panel(_pretty(q.payload), title="source payload", expand=False))
    mapped = "(mapping did not get that far)" if q.mapped is None else _pretty(q.mapped)
    console.print(Panel(mapped, title="mapped payload", expand=False))
    history = Table(title="history of this record")
    for col in ("when (UTC)", "event", "by / run", "detail"):
        history.add_column(col, overflow="fold")
    for e in detail.earlier:
        history.add_row(_when(e.created_at), f"quarantined ({e.reason})", e.run_id,
                        escape(f"{e.code}: {e.message}"[:100]))  # fmt: skip
        if e.resolved_at is not None:
            history.add_row(_when(e.resolved_at), e.status, escape(e.resolved_by or "?"),
                            escape(e.note or ""))  # fmt: skip
    for a in detail.writes:
        history.add_row(_when(a.at), a.action, a.run_id, escape(f"target {a.target_id}"))
    history.add_row(_when(q.created_at), f"quarantined ({q.reason})", q.run_id, "this entry")
    console.print(history)


def print_rollback(result: RollbackResult) -> None:
    what = "dry run: nothing written" if result.dry_run else f"rollback run {result.run_id}"
    counts = {k: v for k, v in result.counts().items() if v}
    summary = ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing to undo"
    console.print(
        f"rollback of run {result.of_run.run_id} ({escape(result.of_run.flow)}): {what}; "
        f"{summary}; status {result.status}"
    )
    if not result.items:
        return
    columns = [Column("external id", copyable=True), Column("target id", copyable=True),
               Column("action"), Column("outcome"), Column("fields"), Column("detail")]  # fmt: skip
    rows = []
    for item in result.items[:_LIST_LIMIT]:
        outcome = (
            f"[red]{item.outcome}[/]" if item.outcome in ("conflict", "failed") else item.outcome
        )
        fields = ", ".join(item.conflicts or item.paths) if item.action == "restore" else "-"
        rows.append([escape(item.external_id), escape(item.target_id), item.action, outcome,
                     escape(fields), escape(item.detail)])  # fmt: skip
    print_rows(console, "records", columns, rows)
    if result.count("conflict") and not result.force:
        console.print("conflicts were skipped: records edited since the run keep their edit; "
                      "re-run with --force to overwrite them")  # fmt: skip


def rollback_json(result: RollbackResult) -> dict[str, Any]:
    return {
        "of_run": result.of_run.run_id, "run_id": result.run_id, "flow": result.of_run.flow,
        "status": result.status, "dry_run": result.dry_run, "force": result.force,
        "counts": result.counts(),
        "items": [
            {"action": i.action, "outcome": i.outcome, "source_id": i.source_id,
             "target_id": i.target_id, "external_id": i.external_id, "fields": list(i.paths),
             "conflicts": list(i.conflicts), "detail": i.detail}
            for i in result.items
        ],
    }  # fmt: skip


def print_health(report: HealthReport) -> None:
    columns = [Column("flow"), Column("last run", copyable=True), Column("mode"),
               Column("status"), Column("age"), Column("read", "right"),
               Column("written", "right"), Column("quarantined", "right"),
               Column("error rate", "right"), Column("lag", "right"),
               Column("open quarantine"), Column("last reconcile")]  # fmt: skip
    rows = [_health_row(report, f) for f in report.flows]
    print_rows(console, f"harness status at {_when(report.generated_at)} UTC", columns, rows)
    if not report.flows:
        console.print("no runs recorded yet")


def _health_row(report: HealthReport, f: FlowHealth) -> list[str]:
    run = f.last_run
    if run is None:
        return [escape(f.flow), "-", "-", "-", "-", "-", "-", "-", "-", _age(f.lag_seconds),
                _held(f), _verdict(f)]  # fmt: skip
    counts = run.counts
    status = {"failed": "[red]failed[/]", "interrupted": "[yellow]interrupted[/]"}.get(
        run.status, run.status
    )
    age = (report.generated_at - run.started_at).total_seconds()
    rate = "-" if f.error_rate is None else f"{f.error_rate:.2%}"
    written = counts.get("created", 0) + counts.get("updated", 0)
    return [escape(f.flow), run.run_id, f"{run.mode}, {run.kind}", status, _age(age),
            f"{counts.get('read', '-')}", str(written), f"{counts.get('quarantined', '-')}",
            rate, _age(f.lag_seconds), _held(f), _verdict(f)]  # fmt: skip


def _held(f: FlowHealth) -> str:
    return ", ".join(f"{r} {n}" for r, n in sorted(f.open_quarantine.items())) or "0"


def _verdict(f: FlowHealth) -> str:
    rec = f.last_reconcile
    if rec is None:
        return "-"
    return f"{'[green]pass[/]' if rec.passed else '[red]FAIL[/]'} {rec.record_accuracy:.1%}"


def print_prune(report: PruneReport) -> None:
    verb = "would delete" if report.dry_run else "deleted"
    rows = ", ".join(f"{k} {v}" for k, v in report.rows.as_dict().items())
    console.print(f"older than {_when(report.cutoff)} UTC: {verb} {rows}", soft_wrap=True)
    if report.log_files:
        console.print(f"{verb} {len(report.log_files)} log file(s):")
        for path in report.log_files:
            console.print(f"  {escape(str(path))}", soft_wrap=True)


def prune_json(report: PruneReport) -> dict[str, Any]:
    return {
        "cutoff": report.cutoff.isoformat(),
        "dry_run": report.dry_run,
        "rows": report.rows.as_dict(),
        "log_files": [str(p) for p in report.log_files],
    }

"""Human output of `harness audit` and of a sync stopped by Ctrl-C.

An audit row is printed as a short block, not a table row: ids (run ids, record ids) stay
whole on one line whatever the terminal width, and each changed field gets its own line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson
from rich.markup import escape

from harness.api.audit import AuditRow
from harness.output import console

if TYPE_CHECKING:  # the engine is heavy; `harness audit` never runs it
    from sync.engine import SyncInterrupted

_VALUE_WIDTH = 60  # a long value is shortened in the human view; --json has it whole

_OUTCOMES = {
    "applied": "applied",
    "not_applied": "[yellow]not applied[/]",
    "pending": "[red]pending[/]",
}


def print_audit(rows: Sequence[AuditRow], *, limit: int) -> None:
    if not rows:
        console.print("no audit rows match")
        return
    for row in rows:
        _print_row(row)
    more = " (the newest; --limit N shows more)" if len(rows) >= limit else ""
    console.print(f"{len(rows)} audit row(s){more}", soft_wrap=True)


def _line(text: str) -> None:
    console.print(text, soft_wrap=True)  # never cut or folded mid-id: a terminal wraps it


def _print_row(row: AuditRow) -> None:
    _line(
        f"[bold]#{row.seq}[/] {row.at:%Y-%m-%d %H:%M:%S} UTC  {escape(row.flow)} -> "
        f"{escape(row.side)}  [bold]{row.action}[/]  {_OUTCOMES.get(row.outcome, row.outcome)}"
    )
    _line(f"  run      {escape(row.run_id)} ({row.run_mode})")
    _line(f"  record   source {escape(row.source_id)}  external {escape(row.external_id)}")
    _line(f"  target   {escape(row.target_id) or '(not known yet)'}")
    _line(f"  decision {escape(row.decision)}")
    _line(f"  settled  {_settled(row)}")
    for change in row.changes:
        _line(f"    {escape(change.path)}: {_value(change.before)} -> {_value(change.after)}")
    if row.action == "delete":
        _line("    (the record was deleted; its image before is in --json)")
    console.print()


def _settled(row: AuditRow) -> str:
    if row.outcome == "pending":
        return "no: the run stopped before it knew; the next run of the flow settles it"
    when = "" if row.settled_at is None else f" at {row.settled_at:%Y-%m-%d %H:%M:%S} UTC"
    by = "" if row.settled_by in (None, row.run_id) else f" by run {escape(row.settled_by or '')}"
    return f"yes{when}{by}"


def _value(value: Any) -> str:
    text = orjson.dumps(value).decode() if not isinstance(value, str) else repr(value)
    if len(text) > _VALUE_WIDTH:
        text = text[: _VALUE_WIDTH - 3] + "..."
    return escape(text)


def interrupted_json(stop: SyncInterrupted) -> dict[str, Any]:
    mark = stop.watermark
    return {
        "run_id": stop.result.run_id,
        "flow": stop.result.flow,
        "status": "interrupted",
        "pages_committed": stop.pages,
        "records_written": stop.written,
        "watermark": None if mark is None else {
            "modified_at": mark.modified_at.isoformat(), "record_id": mark.record_id,
        },
        "next": f"harness sync --flow {stop.result.flow} resumes from the watermark",
    }  # fmt: skip


def print_interrupted(stop: SyncInterrupted) -> None:
    """What a sync stopped by Ctrl-C had made durable, and what happens next."""
    mark = stop.watermark
    where = "none yet" if mark is None else f"{mark.modified_at:%Y-%m-%d %H:%M:%S} UTC"
    if mark is not None and mark.record_id:
        where += f" (record {escape(mark.record_id)})"
    flow = escape(stop.result.flow)
    _line(f"[yellow]interrupted[/]: run {stop.result.run_id} of {flow} stopped (Ctrl-C)")
    _line(f"  committed: {stop.pages} page(s), {stop.written} record(s) written")
    _line(f"  watermark: {where}")
    _line(f"  the run is recorded as interrupted; the next `harness sync --flow {flow}` "
          "resumes from the watermark")  # fmt: skip

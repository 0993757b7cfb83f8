"""`harness quarantine list|show|replay|discard`: the data steward's quarantine workflow.

Nothing leaves the quarantine on its own: a successful replay (or sync) closes an entry as
'replayed', a person closes it as 'discarded' (`--by NAME`, optionally `--note`).
Exit codes: 0 done, 1 a replay left records in quarantine, 2 an error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from harness import output
from harness.api import (
    quarantine_discard,
    quarantine_list,
    quarantine_show,
    run_replay,
    select_replay,
)
from harness.commands.common import (
    EXIT_NO_GO,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    JsonOpt,
    guarded,
    load,
)
from harness.output import ops as ops_output
from sync.state import QuarantineEntry
from sync.state.quarantine import EntryDetail

app = typer.Typer(help="List, inspect, replay and discard quarantined records.",
                  no_args_is_help=True)  # fmt: skip

FlowOpt = Annotated[str | None, typer.Option("--flow", help="Only this flow.")]
ReasonOpt = Annotated[
    str | None,
    typer.Option("--reason", help="Only this reason (validation, rejected, conflict, ...)."),
]


def _emit(doc: Any) -> None:
    sys.stdout.write(orjson.dumps(doc).decode() + "\n")


def show_entries(entries: Sequence[QuarantineEntry], as_json: bool) -> None:
    """Entries as a table, or as JSON on stdout (`harness conflicts list` too)."""
    if as_json:
        _emit([ops_output.quarantine_json(q) for q in entries])
    else:
        ops_output.print_quarantine_list(entries)


def show_detail(detail: EntryDetail, as_json: bool) -> None:
    """One entry with its history, as text or JSON (`harness conflicts show` too)."""
    if as_json:
        _emit({
            **ops_output.quarantine_json(detail.entry),
            "earlier": [ops_output.quarantine_json(q) for q in detail.earlier],
            "writes": [{"run_id": a.run_id, "action": a.action, "at": a.at.isoformat(),
                        "target_id": a.target_id} for a in detail.writes],
        })  # fmt: skip
    else:
        ops_output.print_quarantine_detail(detail)


@app.command("list")
def list_command(
    config: ConfigOpt = Path("harness.yaml"),
    flow: FlowOpt = None,
    reason: ReasonOpt = None,
    status: Annotated[
        str, typer.Option("--status", help="open, replayed, discarded or all.")
    ] = "open",
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Quarantined records, oldest first (open ones by default)."""

    def body() -> int:
        entries = quarantine_list(load(config, env_file), flow=flow, reason=reason, status=status)
        show_entries(entries, as_json)
        return EXIT_OK

    raise typer.Exit(guarded(body))


@app.command("show")
def show_command(
    qid: Annotated[str, typer.Argument(help="Quarantine id (from `harness quarantine list`).")],
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One entry: payload, mapped payload, reason, code, message and the record's history."""

    def body() -> int:
        show_detail(quarantine_show(load(config, env_file), qid), as_json)
        return EXIT_OK

    raise typer.Exit(guarded(body))


@app.command("replay")
def replay_command(
    qids: Annotated[list[str] | None, typer.Argument(help="Quarantine ids to replay.")] = None,
    config: ConfigOpt = Path("harness.yaml"),
    flow: FlowOpt = None,
    reason: ReasonOpt = None,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-run the chosen records through the current mapping (after a fix)."""

    def body() -> int:
        cfg = load(config, env_file)
        groups = select_replay(cfg, qids or [], flow=flow, reason=reason)
        if not groups:
            output.info("no open quarantine entries match; nothing to replay")
            return EXIT_OK
        docs, still_open = [], 0
        for name, entries in groups.items():
            with output.progress_bar(f"replay {name}") as bar:
                result = run_replay(cfg, name, [q.qid for q in entries],
                                    progress=lambda _e, n: bar.advance(n))  # fmt: skip
            left = {q.source_id for q in result.quarantined}
            still_open += len(left)
            docs.append({**output.run_json(result), "still_open": sorted(left)})
            if not as_json:
                output.print_run(result)
                output.info(
                    f"{name}: {len(entries) - len(left)} of {len(entries)} replayed, "
                    f"{len(left)} still in quarantine"
                )
        if as_json:
            _emit(docs)
        return EXIT_NO_GO if still_open else EXIT_OK

    raise typer.Exit(guarded(body))


@app.command("discard")
def discard_command(
    qids: Annotated[list[str], typer.Argument(help="Quarantine ids to discard.")],
    by: Annotated[str, typer.Option("--by", help="Who decides (name or email); required.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, for the record.")] = None,
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close entries for good, with your name: the records will not be synced as they are."""

    def body() -> int:
        done = quarantine_discard(load(config, env_file), qids, by=by, note=note)
        if as_json:
            _emit([ops_output.quarantine_json(q) for q in done])
        else:
            for q in done:
                output.info(f"discarded {q.qid} ({q.flow} {q.source_id}) by {q.resolved_by}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="quarantine")

"""`harness rollback RUN_ID`: undo a live run's writes through the same target connector.

Exit 0 when everything was undone, or when a --dry-run listed its plan (conflicts included:
a plan is an answer, not a failure); 1 when records were skipped (conflicts, refusals, or
deletions that cannot be undone); 2 on an error (an unknown run, a dry-run or shadow run, a
run already rolled back, a flow busy in another process); 130 when stopped by Ctrl-C (the
next `harness rollback` of the same run resumes it).

A rollback stopped midway (Ctrl-C, or its process killed) is resumed by running the same
command again; `--force` also takes over one recorded as running on another host.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from harness import output
from harness.api import run_rollback
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


def rollback(
    run_id: Annotated[str, typer.Argument(help="Id of the live run to undo (`harness history`).")],
    config: ConfigOpt = Path("harness.yaml"),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be undone; write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Also restore records edited since the run (overwrites them), and take over "
            "a rollback of this run recorded as running on another host.",
        ),
    ] = False,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore what a run changed and delete what it created (itself a recorded run)."""

    def body() -> int:
        cfg = load(config, env_file)
        try:
            with output.progress_bar(f"rollback {run_id}") as bar:
                result = run_rollback(
                    cfg, run_id, dry_run=dry_run, force=force, progress=bar.advance
                )
        except KeyboardInterrupt:
            if not dry_run:  # what is undone stays undone; the rest waits for the next try
                output.warn(f"rollback of run {run_id} stopped: what it undid stays undone; "
                            f"`harness rollback {run_id}` resumes it")  # fmt: skip
            raise
        if as_json:
            sys.stdout.write(orjson.dumps(ops_output.rollback_json(result)).decode() + "\n")
        else:
            ops_output.print_rollback(result)
        if result.dry_run:
            return EXIT_OK
        trouble = sum(result.count(o) for o in ("conflict", "failed", "unsupported"))
        return EXIT_NO_GO if trouble else EXIT_OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("rollback")(rollback)

"""`harness shadow-report RUN_ID`: what a shadow run would write, and how far production
already agrees (also reachable as `harness reconcile --shadow RUN_ID`).

Exit 0 when the plan is empty (production already agrees), 1 when writes are planned, 2 on
an error (no such run, a live run's id, no state file).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from harness import output
from harness.commands.common import (
    EXIT_NO_GO,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    JsonOpt,
    guarded,
    load,
)


def run_shadow_report(
    config: Path, run_id: str, reports_dir: Path | None, env_file: Path | None, as_json: bool
) -> int:
    """The command body, shared with `harness reconcile --shadow`."""

    def body() -> int:
        from harness.api.shadow import shadow_report
        from reconcile.shadow import render_shadow_json

        cfg = load(config, env_file)
        report, paths = shadow_report(cfg, run_id, reports_dir=reports_dir)
        if as_json:
            sys.stdout.write(render_shadow_json(report).decode() + "\n")
        else:
            output.info(
                f"shadow run {report.run_id} ({report.flow}): would create "
                f"{report.would_create}, update {report.would_update}; unchanged "
                f"{report.unchanged} of {report.read} read ({report.agreement:.2%} already "
                f"agree); quarantined {report.quarantined}"
            )
            for path, n in report.field_updates.items():
                output.info(f"  {path}: {n} update(s)")
            for fmt, written in paths.items():
                output.info(f"{fmt} report: {written}")
        return EXIT_OK if report.would_write == 0 else EXIT_NO_GO

    return guarded(body)


def shadow_report_command(
    run_id: Annotated[str, typer.Argument(help="Id of a shadow (or dry-run) run.")],
    config: ConfigOpt = Path("harness.yaml"),
    reports_dir: Annotated[Path | None, typer.Option(help="Where to write the reports.")] = None,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Report a shadow run's planned writes (exit 0 nothing to write, 1 writes planned)."""
    raise typer.Exit(run_shadow_report(config, run_id, reports_dir, env_file, as_json))


def register(app: typer.Typer) -> None:
    app.command("shadow-report")(shadow_report_command)

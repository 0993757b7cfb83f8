"""`harness sync` and `harness reconcile`: run a flow, and score both systems."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from harness import output
from harness.api import run_reconcile, run_sync
from harness.commands.common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NO_GO,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    JsonOpt,
    guarded,
    load,
)
from sync.errors import ConfigError
from sync.flow import MODES  # not sync.engine: loading the engine is for a sync, not --help


def sync(
    config: ConfigOpt = Path("harness.yaml"),
    flow: Annotated[str, typer.Option(help="Flow to run (see harness.yaml).")] = "customers",
    mode: Annotated[str, typer.Option(help=f"One of {', '.join(MODES)}.")] = "live",
    full: Annotated[
        bool | None,
        typer.Option(
            "--full/--incremental",
            help="Read everything, or only what changed since the watermark. Default:"
            " incremental, except shadow runs, which check the whole source.",
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(min=0, help="Planned writes shown per dry-run or shadow run, with values."),
    ] = output.DEFAULT_LIMIT,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run one flow now."""

    def body() -> int:
        from sync.engine import SyncInterrupted

        if mode not in MODES:
            raise ConfigError(
                f"unknown mode {mode!r}; choose one of {', '.join(MODES)}", key="--mode"
            )
        cfg = load(config, env_file)
        try:
            with output.progress_bar(f"sync {flow}") as bar:
                result = run_sync(
                    cfg,
                    flow,
                    mode=mode,
                    full=full,  # type: ignore[arg-type]
                    progress=lambda _e, n: bar.advance(n),
                )
        except SyncInterrupted as stop:  # Ctrl-C: say what is committed and what comes next
            from harness.output.audit import interrupted_json, print_interrupted

            if as_json:
                sys.stdout.write(orjson.dumps(interrupted_json(stop)).decode() + "\n")
            else:
                print_interrupted(stop)
            return EXIT_INTERRUPTED
        if as_json:
            sys.stdout.write(orjson.dumps(output.run_json(result)).decode() + "\n")
        else:
            output.print_run(result, limit=limit)
        return EXIT_OK if result.status in ("succeeded", "partial") else EXIT_ERROR

    raise typer.Exit(guarded(body))


def reconcile(
    config: ConfigOpt = Path("harness.yaml"),
    flow: Annotated[
        list[str] | None, typer.Option(help="Flow(s) to reconcile; all by default.")
    ] = None,
    reports_dir: Annotated[Path | None, typer.Option(help="Where to write the reports.")] = None,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
    mask_pii: Annotated[
        bool,
        typer.Option(
            "--mask-pii", help="Mask names, emails and phones in every report and on stdout."
        ),
    ] = False,
    shadow: Annotated[
        str | None,
        typer.Option(
            "--shadow",
            metavar="RUN_ID",
            help="Report a shadow run's planned writes instead (as `harness shadow-report`).",
        ),
    ] = None,
) -> None:
    """Compare both systems read-only and give a GO / NO-GO verdict (exit 0 / 1)."""
    if shadow is not None:
        from harness.commands.shadow import run_shadow_report

        raise typer.Exit(run_shadow_report(config, shadow, reports_dir, env_file, as_json))

    def body() -> int:
        cfg = load(config, env_file)
        with output.progress_bar("reconcile") as bar:
            report, paths = run_reconcile(
                cfg,
                flow or None,
                reports_dir=reports_dir,
                progress=lambda _o, n: bar.advance(n),
                mask_pii=mask_pii,
            )
        if as_json:
            sys.stdout.write(orjson.dumps(report.to_json()).decode() + "\n")
        else:
            output.print_scorecard(report, paths)
        return EXIT_OK if report.verdict.go else EXIT_NO_GO

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
    app.command("reconcile")(reconcile)

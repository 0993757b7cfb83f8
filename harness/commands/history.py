"""`harness history` and `harness trend`: past syncs and reconciles, read from the state file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from harness import output
from harness.api import reconcile_history, run_history
from harness.commands.common import EXIT_OK, ConfigOpt, EnvFileOpt, JsonOpt, guarded, load

FlowOpt = Annotated[str | None, typer.Option("--flow", help="Only this flow.")]
LimitOpt = Annotated[int, typer.Option("--limit", min=1, help="At most this many rows of each.")]


def history(
    config: ConfigOpt = Path("harness.yaml"),
    flow: FlowOpt = None,
    limit: LimitOpt = 20,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Past sync runs and reconciles, newest first."""

    def body() -> int:
        cfg = load(config, env_file)
        runs = run_history(cfg, flow, limit)
        reconciles = reconcile_history(cfg, flow, limit)
        if as_json:
            doc = {
                "runs": [output.run_info_json(r) for r in runs],
                "reconciles": [output.summary_json(s) for s in reconciles],
            }
            sys.stdout.write(orjson.dumps(doc).decode() + "\n")
        else:
            output.print_history(runs, reconciles)
        return EXIT_OK

    raise typer.Exit(guarded(body))


def trend(
    config: ConfigOpt = Path("harness.yaml"),
    flow: FlowOpt = None,
    limit: LimitOpt = 30,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record and field accuracy across past reconciles, oldest first, with a sparkline."""

    def body() -> int:
        cfg = load(config, env_file)
        found = reconcile_history(cfg, flow, limit)
        if as_json:
            oldest_first = sorted(found, key=lambda s: s.generated_at)
            sys.stdout.write(
                orjson.dumps([output.summary_json(s) for s in oldest_first]).decode() + "\n"
            )
        elif not found:
            output.info(
                f"no reconciles recorded in {cfg.state_path} yet; run `harness reconcile` first"
            )
        else:
            output.print_trend(found)
        return EXIT_OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("history")(history)
    app.command("trend")(trend)

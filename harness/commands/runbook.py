"""`harness runbook`: the configured integration's runbook, in Markdown."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from harness import output
from harness.commands.common import EXIT_OK, ConfigOpt, EnvFileOpt, guarded, load

OutOpt = Annotated[Path | None, typer.Option("--out", help="Write it here (default: stdout).")]


def runbook(
    config: ConfigOpt = Path("harness.yaml"), env_file: EnvFileOpt = None, out: OutOpt = None
) -> None:
    """Each failure the harness can meet (quarantine reasons, alerts, vendor faults), how it
    shows up, how to recover with the exact commands, who is paged, and how to roll back."""

    def body() -> int:
        from harness.runbook import render_runbook

        text = render_runbook(load(config, env_file))
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")
            output.info(f"runbook: {out}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("runbook")(runbook)

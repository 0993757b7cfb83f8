"""`harness profile`: the data quality of one system's records, read-only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
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
from harness.output.profile import print_profile


def profile(
    system: Annotated[str, typer.Option(help="System to profile, as named in harness.yaml.")],
    obj: Annotated[
        str | None,
        typer.Option("--object", help="Object to profile (default: the one its flow reads)."),
    ] = None,
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    reports_dir: Annotated[
        Path | None, typer.Option(help="Where the JSON and Markdown reports go.")
    ] = None,
    min_score: Annotated[
        float, typer.Option(min=0, max=1, help="Exit 1 when the score is below this.")
    ] = 0.0,
    allow_empty: Annotated[
        bool, typer.Option(help="An object with no records is expected: do not fail on it.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Profile a system's records: completeness, formats, lengths, duplicates, a score."""

    def body() -> int:
        from harness.api.profiling import run_profile  # loads the profiler when profiling

        cfg = load(config, env_file)
        with output.progress_bar(f"reading {system}") as bar:
            report, paths = run_profile(
                cfg,
                system,
                obj,
                progress=lambda _o, n: bar.advance(n),
                reports_dir=reports_dir,
            )
        if as_json:
            sys.stdout.write(orjson.dumps(report.to_json()).decode() + "\n")
        else:
            print_profile(report, paths)
        if report.no_evidence:
            return EXIT_OK if allow_empty else EXIT_NO_GO
        return EXIT_OK if report.score >= min_score else EXIT_NO_GO

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("profile")(profile)

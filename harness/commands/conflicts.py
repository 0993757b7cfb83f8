"""`harness conflicts list|show|resolve`: the data steward's queue of held conflicts.

A flow whose policy is `manual` writes nothing for a record both systems changed: it waits
here (a quarantine entry with reason `conflict`) until a person keeps one system's values.
Exit codes: 0 done, 1 some records are still held after a resolve, 2 an error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from harness import output
from harness.api import quarantine_list, quarantine_show, run_resolve_conflicts
from harness.commands.common import (
    EXIT_NO_GO,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    JsonOpt,
    guarded,
    load,
)
from harness.commands.quarantine import show_detail, show_entries

app = typer.Typer(help="Held conflicts: list, inspect, and resolve them.", no_args_is_help=True)


@app.command("list")
def list_command(
    config: ConfigOpt = Path("harness.yaml"),
    flow: Annotated[str | None, typer.Option("--flow", help="Only this flow.")] = None,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Records waiting for a steward's decision, oldest first."""

    def body() -> int:
        show_entries(quarantine_list(load(config, env_file), flow=flow, reason="conflict"), as_json)
        return EXIT_OK

    raise typer.Exit(guarded(body))


@app.command("show")
def show_command(
    qid: Annotated[str, typer.Argument(help="The conflict's quarantine id.")],
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Both systems' values for one held record, and its history."""

    def body() -> int:
        detail = quarantine_show(load(config, env_file), qid)
        if detail.entry.reason != "conflict":
            output.info(f"{qid} is held for {detail.entry.reason}, not a conflict")
        show_detail(detail, as_json)
        return EXIT_OK

    raise typer.Exit(guarded(body))


@app.command("resolve")
def resolve_command(
    qids: Annotated[list[str], typer.Argument(help="Conflict ids (or source ids) to settle.")],
    keep: Annotated[
        str, typer.Option("--keep", help="The system whose values win: crm or erp (its name).")
    ],
    by: Annotated[str, typer.Option("--by", help="Who decides (name or email); required.")],
    flow: Annotated[str, typer.Option("--flow", help="The flow they belong to.")] = "customers",
    config: ConfigOpt = Path("harness.yaml"),
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Keep one system's values for these records; the other system is brought in line."""

    def body() -> int:
        result = run_resolve_conflicts(load(config, env_file), flow, qids, keep=keep, by=by)
        if as_json:
            sys.stdout.write(orjson.dumps(output.run_json(result)).decode() + "\n")
        else:
            output.print_run(result)
        return EXIT_NO_GO if result.quarantined else EXIT_OK

    raise typer.Exit(guarded(body))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="conflicts")

"""`harness plan`: what the configured flows will cost the vendors' APIs, before they run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from harness.commands.common import (
    EXIT_NO_GO,
    EXIT_OK,
    ConfigOpt,
    EnvFileOpt,
    JsonOpt,
    guarded,
    load,
)
from sync.errors import ConfigError

VolumeOpt = Annotated[list[str] | None, typer.Option(
    "--volume", metavar="NAME=COUNT",
    help="Records in a flow's source, by flow or entity name (customers=50000).",
)]  # fmt: skip
ChangesOpt = Annotated[list[str] | None, typer.Option(
    "--changes-per-day", metavar="NAME=COUNT",
    help="Records changed a day, by flow or entity name (default: 2% of the volume).",
)]  # fmt: skip
FlowsOpt = Annotated[list[str] | None, typer.Option("--flow", help="Only these flows.")]


def plan(
    config: ConfigOpt = Path("harness.yaml"),
    volume: VolumeOpt = None,
    changes: ChangesOpt = None,
    flows: FlowsOpt = None,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """API calls, share of each daily allowance and wall time of each flow's full load and
    steady state, from the volumes you state and each vendor's limits; names the limit that
    binds. Exit 1 when a schedule cannot finish inside its interval or a day of steady state
    spends more than a daily allowance."""

    def body() -> int:
        from harness.output.capacity import capacity_json, print_capacity
        from harness.plan import build_plan

        cfg = load(config, env_file)
        made = build_plan(cfg, _counts(volume, "--volume"), _counts(changes, "--changes-per-day"),
                          flows=flows or None)  # fmt: skip
        if as_json:
            sys.stdout.write(orjson.dumps(capacity_json(made)).decode() + "\n")
        else:
            print_capacity(made)
        return EXIT_NO_GO if made.warnings() else EXIT_OK

    raise typer.Exit(guarded(body))


def _counts(pairs: list[str] | None, option: str) -> dict[str, int]:
    """`NAME=COUNT` pairs; anything else is a ConfigError naming the option and the value."""
    counts: dict[str, int] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip().replace("_", "").isdecimal():
            raise ConfigError(f"{option} {pair!r}: expected NAME=COUNT, e.g. customers=50000",
                              key=option)  # fmt: skip
        counts[name.strip()] = int(value.strip().replace("_", ""))
    return counts


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)

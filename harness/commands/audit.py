"""`harness audit`: read the audit log without opening the state file by hand.

What changed, on which side, when, by which run and under which governance decision, with
the before and after value of each field the write changed, and whether the write's intent
was settled. Exit 0 (an empty answer included), 2 on an error (an unknown flow or side).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from harness.commands.common import EXIT_OK, ConfigOpt, EnvFileOpt, JsonOpt, guarded, load


def audit(
    config: ConfigOpt = Path("harness.yaml"),
    run: Annotated[str | None, typer.Option("--run", metavar="ID", help="Only this run.")] = None,
    flow: Annotated[str | None, typer.Option("--flow", help="Only this flow.")] = None,
    record: Annotated[
        str | None,
        typer.Option(
            "--record", metavar="KEY", help="Only this record: source, target or external id."
        ),
    ] = None,
    side: Annotated[
        str | None,
        typer.Option("--side", metavar="SYSTEM", help="Only writes into this system (crm, erp)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many rows.")] = 50,
    env_file: EnvFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Audited writes, newest first: what changed, where, when, by which run and why."""

    def body() -> int:
        import orjson

        from harness.api.audit import audit_json, audit_rows
        from harness.output.audit import print_audit

        cfg = load(config, env_file)
        rows = audit_rows(cfg, run_id=run, flow=flow, record=record, side=side, limit=limit)
        if as_json:
            sys.stdout.write(orjson.dumps([audit_json(r) for r in rows]).decode() + "\n")
        else:
            print_audit(rows, limit=limit)
        return EXIT_OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)

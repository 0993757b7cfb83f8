"""`harness init`: scaffold a project for one CRM x ERP pair."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness import output
from harness.commands.common import EXIT_OK, guarded
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP


def init(
    folder: Annotated[Path, typer.Argument(help="Where the project goes (default: here).")] = Path(
        "."
    ),
    crm: Annotated[str, typer.Option(help="The CRM's pack.")] = DEFAULT_CRM,
    erp: Annotated[str, typer.Option(help="The ERP's pack.")] = DEFAULT_ERP,
) -> None:
    """Write harness.yaml, the pair's compiled mappings, an env-file template and the
    standard scenarios into FOLDER; then `harness sandbox` there runs them on the mocks."""

    def body() -> int:
        # Imported here: compiling mappings loads the canonical model and every transform.
        from harness.config.scaffold import init_project

        scaffold = init_project(crm, erp, folder)
        for path in scaffold.files:
            output.info(f"wrote {path}")
        for flow, why in scaffold.skipped.items():
            output.warn(f"flow {flow} left out: {why}")
        output.info(
            f"next: fill in {folder / '.env.example'} (as .env), review mappings/, then"
            f" `harness sandbox` in {folder} to run the pair on its sandboxes"
        )
        return EXIT_OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("init")(init)

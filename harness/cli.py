"""The `harness` command line: one typer app, commands registered from `harness.commands`.

Exit codes are a contract: 0 GO / clean, 1 NO-GO / differences, 2 error, 130 interrupted
(see `harness.commands.common`).
"""

from __future__ import annotations

import typer

from harness.commands import mocks, runs

app = typer.Typer(
    name="harness",
    help="Build, test and sign off a CRM <-> ERP integration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("mock-up")(mocks.mock_up)
app.command("sandbox")(mocks.sandbox)
app.command("sync")(runs.sync)
app.command("reconcile")(runs.reconcile)


def main() -> None:
    app()


if __name__ == "__main__":
    main()

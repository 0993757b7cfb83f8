"""The `harness` command line: one typer app; every module in `harness.commands` that
defines `register(app)` adds its command group, so a new group never edits this file.

Exit codes are a contract: 0 GO / clean, 1 NO-GO / differences, 2 error, 130 interrupted
(see `harness.commands.common`).
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import harness.commands

app = typer.Typer(
    name="harness",
    help="Build, test and sign off a CRM <-> ERP integration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in sorted(pkgutil.iter_modules(harness.commands.__path__), key=lambda m: m.name):
    _register = getattr(
        importlib.import_module(f"harness.commands.{_module.name}"), "register", None
    )
    if _register is not None:
        _register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()

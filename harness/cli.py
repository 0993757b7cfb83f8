"""The `harness` command line: one typer app; every module in `harness.commands` that
defines `register(app)` adds its command group, so a new group never edits this file.

Exit codes are a contract: 0 GO / clean, 1 NO-GO / differences, 2 error, 130 interrupted
(see `harness.commands.common`).
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
from typing import Annotated

import typer

import harness.commands
from harness.monitoring.logs import FORMAT_ENV, LEVEL_ENV, configure_logging

app = typer.Typer(
    name="harness",
    help="Build, test and sign off a CRM <-> ERP integration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    """`--version`: print the installed version and stop. Eager, so it answers before any
    command is looked up (or found missing) and nothing beyond this module's imports loads."""
    if value:
        typer.echo(f"harness {harness.__version__}")
        raise typer.Exit()


@app.callback()
def logging_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the harness version and exit.",
        ),
    ] = False,
    log_json: Annotated[
        bool,
        typer.Option(
            "--log-json", help=f"JSON log lines (also {FORMAT_ENV}=json), secrets masked."
        ),
    ] = False,
    log_level: Annotated[
        str | None, typer.Option("--log-level", help=f"DEBUG, INFO, WARNING (also {LEVEL_ENV}).")
    ] = None,
) -> None:
    """Build, test and sign off a CRM <-> ERP integration."""
    use_json = log_json or os.environ.get(FORMAT_ENV) == "json"
    wanted = (log_level or os.environ.get(LEVEL_ENV) or "INFO").upper()
    if wanted not in logging.getLevelNamesMapping():  # a usage error (exit 2), not a traceback
        where = "--log-level" if log_level else LEVEL_ENV
        message = f"{wanted!r} is not a log level; use DEBUG, INFO, WARNING or ERROR"
        raise typer.BadParameter(message, param_hint=where)
    if use_json or log_level or os.environ.get(LEVEL_ENV):
        # Commands that load a config add its secrets and, for JSON, its log file.
        configure_logging(None, os.environ, json_format=use_json, level=log_level)


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

"""What every command shares: exit codes, option types, config loading, error handling.

Exit codes are a contract: 0 GO / clean, 1 NO-GO / differences, 2 error (bad input, config,
vendor), 130 interrupted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from harness import output
from harness.config import HarnessConfig, apply_env_file, load_config
from sync.errors import ConfigError, SyncError

EXIT_OK, EXIT_NO_GO, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
T = TypeVar("T")

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="harness.yaml to use.")]
EnvFileOpt = Annotated[
    Path | None,
    typer.Option("--env-file", help="KEY=VALUE file whose variables fill gaps in the environment."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def guarded(action: Callable[[], T]) -> T:
    """Run a command body, turning our errors into exit code 2 with an actionable message."""
    try:
        return action()
    except (ConfigError, SyncError) as exc:
        output.error(str(exc))
        raise typer.Exit(EXIT_ERROR) from exc
    except OSError as exc:  # a path the user gave that cannot be read or written
        where = f" {exc.filename}" if exc.filename else ""
        output.error(f"cannot use{where}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_ERROR) from exc
    except KeyboardInterrupt as exc:
        output.error("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from exc


def load(config: Path, env_file: Path | None) -> HarnessConfig:
    """Read harness.yaml once, after `--env-file` has filled gaps in the environment."""
    if env_file is not None:
        apply_env_file(env_file, os.environ)
    return load_config(config, os.environ)

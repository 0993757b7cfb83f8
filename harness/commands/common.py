"""What every command shares: exit codes, option types, config loading, error handling.

Exit codes are a contract: 0 GO / clean, 1 NO-GO / differences, 2 error (bad input, config,
vendor), 130 interrupted.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import orjson
import typer

from harness import output
from harness.config import HarnessConfig, apply_env_file, load_config
from harness.config.envfile import EnvFileNotFound
from sync.errors import ConfigError, SyncError, VendorError

EXIT_OK, EXIT_NO_GO, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
T = TypeVar("T")
log = logging.getLogger("harness")

# Set by `--json` for the command being run: its errors are JSON on stdout too.
_JSON_ERRORS: ContextVar[bool] = ContextVar("json_errors", default=False)
# Exceptions typer and click raise on purpose (exit codes, usage errors): never ours to catch.
_CLI_SIGNALS: tuple[type[BaseException], ...] = (
    typer.Exit,
    typer.Abort,
    next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"),
)


def _remember_json(ctx: typer.Context, value: bool) -> bool:
    """`--json` asks for machine output, errors included; forgotten when the command ends."""
    _JSON_ERRORS.set(bool(value))
    ctx.call_on_close(lambda: _JSON_ERRORS.set(False))
    return value


ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="harness.yaml to use.")]
EnvFileOpt = Annotated[
    Path | None,
    typer.Option("--env-file", help="KEY=VALUE file whose variables fill gaps in the environment."),
]
JsonOpt = Annotated[
    bool,
    typer.Option(
        "--json",
        help='Print machine-readable JSON on stdout (errors too: {"error": {...}}).',
        callback=_remember_json,
    ),
]


def guarded(action: Callable[[], T]) -> T:
    """Run a command body, turning every error into exit code 2 (130 for Ctrl-C) with an
    actionable message, never a traceback; with `--json`, the error is JSON on stdout too."""
    try:
        return action()
    except _CLI_SIGNALS:
        raise
    except (ConfigError, SyncError) as exc:
        _fail(str(exc), exc, EXIT_ERROR)
    except OSError as exc:  # a path the user gave that cannot be read or written
        where = f" {exc.filename}" if exc.filename else ""
        _fail(f"cannot use{where}: {exc.strerror or exc}", exc, EXIT_ERROR)
    except KeyboardInterrupt as exc:
        _fail("interrupted", exc, EXIT_INTERRUPTED)
    except Exception as exc:  # a bug: still no traceback for the user, but a way to get one
        log.debug("unexpected error", exc_info=True)
        message = (
            f"unexpected error ({type(exc).__name__}: {exc}); this is a bug in the harness:"
            " please report it with the command you ran (--log-level DEBUG shows the traceback)"
        )
        _fail(message, exc, EXIT_ERROR)


def _fail(message: str, exc: BaseException, code: int) -> NoReturn:
    """Report `exc` (as JSON on stdout too under `--json`) and exit with `code`."""
    output.error(message)
    if _JSON_ERRORS.get():
        sys.stdout.write(orjson.dumps({"error": error_json(message, exc, code)}).decode() + "\n")
        sys.stdout.flush()
    raise typer.Exit(code) from exc


def error_json(message: str, exc: BaseException, code: int) -> dict[str, Any]:
    """An error as `--json` prints it: message, kind, exit code, and where it is when known
    (file, line and key of a config or mapping; status and code of a vendor answer)."""
    shape: dict[str, Any] = {"message": message, "kind": type(exc).__name__, "exit_code": code}
    if isinstance(exc, ConfigError):
        shape.update(file=exc.file, line=exc.line, key=exc.key)
        problems = getattr(exc, "problems", None)
        if problems:
            shape["problems"] = [
                {"message": p.message, "line": p.line, "key": p.key} for p in problems
            ]
    elif isinstance(exc, OSError) and exc.filename:
        shape["file"] = str(exc.filename)
    if isinstance(exc, VendorError):
        shape.update(status=exc.status, code=exc.code)
    return shape


def load(config: Path, env_file: Path | None) -> HarnessConfig:
    """Read harness.yaml once, after `--env-file` has filled gaps in the environment. A
    missing env file names every variable the config needs that is not set."""
    if env_file is not None:
        try:
            apply_env_file(env_file, os.environ)
        except EnvFileNotFound as exc:
            missing = load_config(config, os.environ).missing_variables()
            needs = f"; the config needs {', '.join(missing)}, which are not set" if missing else ""
            raise ConfigError(
                f"env file not found{needs} (`harness mock-up` writes one and says where)",
                file=exc.file,
            ) from None
    return load_config(config, os.environ)

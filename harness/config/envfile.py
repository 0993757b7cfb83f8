"""Dotenv files for `--env-file`: where secrets live when they are not exported.

Secrets never go in `harness.yaml`; an env file supplies the variables its credentials name.
The real environment always wins, and no error message shows a value.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

from sync.errors import ConfigError

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(?:#.*)?')
_SINGLE_QUOTED = re.compile(r"'([^']*)'\s*(?:#.*)?")


class EnvFileNotFound(ConfigError):
    """The env file named with `--env-file` does not exist."""


def load_env_file(path: Path) -> dict[str, str]:
    """The KEY=VALUE lines of a dotenv file: `#` comments, an optional `export `, single
    quotes (literal) and double quotes (\\n \\t \\" \\\\ escapes). Errors never show values."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EnvFileNotFound("cannot read the env file: it does not exist", file=file) from None
    except IsADirectoryError:
        raise ConfigError("the env file is a directory; name a KEY=VALUE file", file=file) from None
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"cannot read the env file: {exc}", file=file) from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line.removeprefix("export ").lstrip()
        name, sep, rest = line.partition("=")
        name = name.strip()
        if not sep or not _ENV_NAME.fullmatch(name):
            message = "expected KEY=VALUE (KEY: letters, digits and '_')"
            raise ConfigError(message, file=file, line=number)
        value = _env_value(rest.strip())
        if value is None:
            message = "a quoted value must end with its quote (then only a # comment)"
            raise ConfigError(message, file=file, key=name, line=number)
        values[name] = value
    return values


def _env_value(text: str) -> str | None:
    """The value of one line; None when a quoted value is not closed properly."""
    if text.startswith("'"):
        single = _SINGLE_QUOTED.fullmatch(text)
        return single[1] if single else None
    if text.startswith('"'):
        double = _DOUBLE_QUOTED.fullmatch(text)
        unescape = lambda m: _ESCAPES.get(m[1], m[1])  # noqa: E731
        return re.sub(r"\\(.)", unescape, double[1]) if double else None
    comment = re.search(r"\s#", text)
    return (text[: comment.start()] if comment else text).rstrip()


def apply_env_file(path: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set the env file's variables that are not set yet (the real environment wins);
    returns the names it set. `environ` defaults to the process environment."""
    target = os.environ if environ is None else environ
    added: list[str] = []
    for name, value in load_env_file(path).items():
        if name not in target:
            target[name] = value
            added.append(name)
    return added

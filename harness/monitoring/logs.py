"""Structured logs: one JSON object per line, with every secret masked before it is written.

`RedactionFilter` masks the values it is given (the configured systems' credentials, the
alert webhook URL, environment variables whose names contain SECRET, TOKEN, PASSWORD or KEY)
and anything shaped like a secret (`Bearer ...`, `access_token=...`, `oauth_signature=...`,
`client_secret=...`), in the message, its arguments and the traceback. `configure_logging`
installs it on the handlers it adds: a JSON (or plain) stream on stderr and, when asked, a
JSON log file under the state directory (`logs/harness.log`), which `harness prune` ages out.

Turn it on with `--log-json` or `HARNESS_LOG_FORMAT=json`; `HARNESS_LOG_LEVEL` sets the level.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path
from typing import Any

from harness.config import HarnessConfig

MASK = "***"
LOG_FILE = "harness.log"
FORMAT_ENV, LEVEL_ENV = "HARNESS_LOG_FORMAT", "HARNESS_LOG_LEVEL"
_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|KEY", re.IGNORECASE)
_MIN_SECRET = 4  # shorter values ("1", "yes") would mask ordinary words
_PATTERNS = (
    re.compile(r"(?i)(\bBearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)(\b(?:access_token|refresh_token|oauth_signature|oauth_token|client_secret|"
        r"password|api_key)\s*[=:]\s*\"?)[^\s&,\"']+"
    ),
    re.compile(r"(?i)(\"(?:access_token|refresh_token|client_secret|password)\"\s*:\s*\")[^\"]+"),
)
# LogRecord attributes that are not `extra=` fields.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName",
}  # fmt: skip


def secret_values(config: HarnessConfig | None, environ: Mapping[str, str]) -> set[str]:
    """Every value that must never reach a log: credentials, the webhook URL, and env vars
    whose names say they hold a secret."""
    found = {v for k, v in environ.items() if _SECRET_NAME.search(k)}
    if config is not None:
        for system in config.systems.values():
            found.update(environ.get(var, "") for var in system.credentials.values())
        if config.alerts.webhook_url_env:
            found.add(environ.get(config.alerts.webhook_url_env, ""))
    return {v for v in found if len(v) >= _MIN_SECRET}


class Redactor:
    """Masks known secret values and secret-looking patterns in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        ordered = sorted({s for s in secrets if len(s) >= _MIN_SECRET}, key=len, reverse=True)
        self._values = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        if self._values is not None:
            text = self._values.sub(MASK, text)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return text


class RedactionFilter(logging.Filter):
    """Rewrites a record so its message, arguments, extras and traceback carry no secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            doc["exception"] = record.exc_text
        return json.dumps(doc, default=str, ensure_ascii=False)


_HANDLER_MARK = "_harness_handler"


class _OwnerOnlyLog(TimedRotatingFileHandler):
    """Log lines can carry record data: the file, and each one a rotation starts, is 0600."""

    def _open(self) -> Any:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        return open(  # the handler owns the stream and closes it
            os.open(self.baseFilename, flags, 0o600), self.mode, encoding=self.encoding,
            errors=self.errors,
        )  # fmt: skip


_requested: dict[str, Any] = {}  # what the command line asked for, kept for `adopt_config`


def configure_logging(
    config: HarnessConfig | None,
    environ: Mapping[str, str],
    *,
    json_format: bool | None = None,
    to_file: bool | None = None,
    level: str | None = None,
) -> Path | None:
    """Install the harness's log handlers on the root logger (replacing ones it installed
    before); returns the log file, if any. `json_format` and `to_file` default to
    `HARNESS_LOG_FORMAT=json`; the file goes to `config.logs_dir` (beside the state file)."""
    use_json = json_format if json_format is not None else environ.get(FORMAT_ENV) == "json"
    want_file = to_file if to_file is not None else use_json
    _requested.update(json_format=use_json, level=level)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    redaction = RedactionFilter(secret_values(config, environ))
    stream = logging.StreamHandler()
    stream.setFormatter(
        JsonFormatter() if use_json else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    handlers: list[logging.Handler] = [stream]
    path: Path | None = None
    if want_file and config is not None:
        config.logs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = config.logs_dir / LOG_FILE
        # Rotated at midnight UTC into harness.log.YYYY-MM-DD; `harness prune` ages them out.
        file_handler = _OwnerOnlyLog(path, when="midnight", utc=True, encoding="utf-8")
        file_handler.setFormatter(JsonFormatter())
        handlers.append(file_handler)
    for handler in handlers:
        handler.addFilter(redaction)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel((level or environ.get(LEVEL_ENV) or "INFO").upper())
    return path


def adopt_config(config: HarnessConfig, environ: Mapping[str, str]) -> Path | None:
    """Once a command has loaded its config, re-install the handlers the command line asked
    for with the config's secrets masked too and, for JSON logs, the log file under its
    state directory. Does nothing when logging was not configured."""
    if not _requested:
        return None
    return configure_logging(
        config, environ, json_format=_requested["json_format"], level=_requested["level"]
    )


def reset_logging() -> None:
    """Remove the handlers `configure_logging` installed (tests, and a CLI shutting down)."""
    _requested.clear()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()

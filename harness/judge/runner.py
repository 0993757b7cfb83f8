"""Run the judged command: bounded by a time limit, or stopped once the sandboxes have been
quiet for a while (a long-running integration never exits by itself)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sync.errors import ConfigError

POLL_SECONDS = 0.2
STOP_GRACE_SECONDS = 5.0  # after SIGTERM, before SIGKILL
Ending = Literal["exited", "timed_out", "quiet"]
# Seconds since the sandboxes last answered a request (None: no request yet).
QuietProbe = Callable[[], float | None]


@dataclass(frozen=True)
class CommandResult:
    """How the command ended: by itself (`exited`), killed at the time limit (`timed_out`),
    or stopped after the sandboxes were quiet long enough (`quiet`, the normal end of a
    long-running integration)."""

    argv: tuple[str, ...]
    exit_code: int
    ending: Ending
    seconds: float
    log_path: Path

    @property
    def ok(self) -> bool:
        """Finished cleanly: exit status 0, or stopped on purpose once quiet."""
        return self.ending == "quiet" or (self.ending == "exited" and self.exit_code == 0)

    def describe(self) -> str:
        if self.ending == "timed_out":
            return f"did not finish within the time limit ({self.seconds:.0f} s); stopped"
        if self.ending == "quiet":
            return f"stopped after the sandboxes went quiet ({self.seconds:.1f} s)"
        return f"exited with status {self.exit_code} after {self.seconds:.1f} s"


def run_command(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log_path: Path,
    timeout: float,
    quiet_for: float | None = None,
    quiet: QuietProbe | None = None,
) -> CommandResult:
    """Run `argv` with its output in `log_path`; stop it at `timeout` seconds, or once
    `quiet()` has reported `quiet_for` seconds of silence after at least one request."""
    if not argv:
        raise ConfigError("no command to judge: give it after `--`", key="COMMAND")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("wb") as log:
        try:
            process = subprocess.Popen(
                list(argv), env=dict(env), cwd=cwd, stdout=log, stderr=subprocess.STDOUT
            )
        except OSError as exc:
            raise ConfigError(
                f"cannot run {argv[0]!r}: {exc.strerror or exc}", key="COMMAND"
            ) from exc
        ending = _watch(process, started, timeout, quiet_for, quiet)
        if ending != "exited":
            _stop(process)
    code = process.returncode if process.returncode is not None else -1
    return CommandResult(tuple(argv), code, ending, time.monotonic() - started, log_path)


def _watch(
    process: subprocess.Popen[bytes],
    started: float,
    timeout: float,
    quiet_for: float | None,
    quiet: QuietProbe | None,
) -> Ending:
    """Poll until the process exits, the time is up, or the sandboxes are quiet enough."""
    deadline = started + timeout
    while True:  # bounded: the deadline ends it
        try:
            process.wait(timeout=POLL_SECONDS)
            return "exited"
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() >= deadline:
            return "timed_out"
        if quiet_for is not None and quiet is not None:
            silence = quiet()
            if silence is not None and silence >= quiet_for:
                return "quiet"


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_GRACE_SECONDS)


__all__ = ["CommandResult", "run_command"]

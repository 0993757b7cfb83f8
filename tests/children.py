"""`harness` run as a child process the way a user runs it: started, read until it says it
is ready, interrupted with Ctrl-C. Shared by the tests that start `harness mock-up`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

HARNESS = [sys.executable, "-m", "harness.cli"]


def child_env() -> dict[str, str]:
    """This environment without the harness's own variables (a clean shell), and with
    Python's fault handler on, so a child that hangs can be made to show where."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    env["PYTHONFAULTHANDLER"] = "1"
    return env


def start_harness(args: Sequence[str], cwd: Path) -> subprocess.Popen[str]:
    """`harness ARGS` in `cwd`, stdout and stderr on one pipe."""
    return subprocess.Popen(
        [*HARNESS, *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env(),
    )  # fmt: skip


def read_until(proc: subprocess.Popen[str], marker: str, timeout: float = 60) -> str:
    """What the child printed up to the line starting with `marker` (or until it ended, or
    `timeout` seconds passed)."""
    assert proc.stdout is not None
    deadline, lines = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith(marker):
            break
    return "".join(lines)


def interrupt(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    """Ctrl-C the child and wait for it, draining its pipe; what it printed meanwhile.

    A child still running after `timeout` fails the test with every thread's stack (the
    fault handler prints them on SIGABRT), then is killed: a hang is a defect to see, and
    never a process left behind for the next test."""
    proc.send_signal(signal.SIGINT)
    try:
        rest, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        try:
            stacks, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            stacks, _ = proc.communicate()
        pytest.fail(f"the child did not stop {timeout:.0f} s after Ctrl-C:\n{stacks[-8000:]}")
    return rest

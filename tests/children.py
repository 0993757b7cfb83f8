"""`harness` run as a child process the way a user runs it: started, read until it says it
is ready, interrupted with Ctrl-C. Shared by the tests that start `harness mock-up`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

HARNESS = [sys.executable, "-m", "harness.cli"]
# `python -m harness.cli`, with Ctrl-C made to raise KeyboardInterrupt first. A child starts
# with SIGINT ignored when its parent ignored it as it forked, and Python then keeps it
# ignored: one mock-up child in the suite had SIGINT and SIGQUIT ignored (the pair C's
# system() ignores while it waits; which thread of the pytest worker did so is not known)
# and outlived its Ctrl-C by an hour. Outside tests, `harness` keeps an ignored SIGINT
# ignored, as a background job expects (`bench/sync_bench.mockup` stops it with SIGTERM).
_INTERRUPTIBLE = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler);"
    " runpy.run_module('harness.cli', run_name='__main__', alter_sys=True)"
)


def child_env() -> dict[str, str]:
    """This environment without the harness's own variables (a clean shell), and with
    Python's fault handler on, so a child that hangs can be made to show where."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    env["PYTHONFAULTHANDLER"] = "1"
    return env


def start_harness(args: Sequence[str], cwd: Path) -> subprocess.Popen[str]:
    """`harness ARGS` in `cwd`, stdout and stderr on one pipe, stopped by Ctrl-C whatever
    the test's process was doing as it started it."""
    return subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTIBLE, *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env(),
    )  # fmt: skip


def read_until(proc: subprocess.Popen[str], marker: str, timeout: float = 60) -> str:
    """What the child printed up to the line starting with `marker`, or until it ended, or
    until a line arrived `timeout` seconds after the start (a child silent without ending
    blocks the read: the test's own timeout ends that)."""
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
    """Ctrl-C the child and wait for it; everything it printed after `read_until` stopped.

    The rest is read through the same buffered pipe `read_until` used, on a thread of its
    own. A child still running after `timeout` fails the test with every thread's stack (the
    fault handler prints them on SIGABRT), then is killed: a hang is a defect to see, and
    never a process left behind for the next test."""
    assert proc.stdout is not None
    stdout, rest = proc.stdout, []
    reader = threading.Thread(target=lambda: rest.append(stdout.read()), daemon=True)
    reader.start()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(10)
        stacks = "".join(rest)
        pytest.fail(f"the child did not stop {timeout:.0f} s after Ctrl-C:\n{stacks[-8000:]}")
    reader.join(10)
    stdout.close()
    return "".join(rest)

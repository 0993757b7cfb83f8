"""Start-up figures: the wall time of `harness --help` in a fresh process, which every command
pays before it does anything (issue #17: under 0.5 s on an idle machine)."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

STARTUP_LABELS = {
    "help_s": "`harness --help`, seconds (median of fresh processes)",
    "help_min_s": "`harness --help`, seconds (fastest run)",
    "help_cpu_s": "`harness --help`, CPU seconds (user + system, median)",
}


def harness_executable() -> list[str]:
    """The installed `harness` script beside this interpreter, else `python -m harness.cli`."""
    script = Path(sys.executable).with_name("harness")
    return [str(script)] if script.exists() else [sys.executable, "-m", "harness.cli"]


def bench_startup(repeat: int = 7) -> dict[str, object]:
    """Run `harness --help` `repeat` times (after one warm-up that fills the OS file cache) and
    keep every wall time, with the load average beside them: start-up is short enough for a
    busy neighbour to double it."""
    command = [*harness_executable(), "--help"]
    subprocess.run(command, capture_output=True, check=True)  # warm-up, not counted
    runs: list[float] = []
    cpu: list[float] = []  # what the process itself costs: a busy machine inflates less of it
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        runs.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {
        "repeat": repeat,
        "median": {
            "help_s": statistics.median(runs),
            "help_min_s": min(runs),
            "help_cpu_s": statistics.median(cpu),
        },
        "runs": runs,
        "cpu": cpu,
        "load_average": list(os.getloadavg()),
    }

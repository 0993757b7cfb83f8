"""CPU seconds on each side of the wire: steadier than wall time on a shared machine."""

from __future__ import annotations

import glob
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Timing:
    """Wall seconds, and CPU seconds of this process (all threads) and of the mocks process."""

    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float | None = None


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu() -> float | None:
    """CPU seconds of this process's live children (the mocks), from /proc; None elsewhere."""
    try:
        pids = {
            pid
            for path in glob.glob("/proc/self/task/*/children")
            for pid in Path(path).read_text().split()
        }
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in pids:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total if pids else None
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def timed() -> Iterator[Timing]:
    timing = Timing()
    wall, own, children = time.perf_counter(), own_cpu(), children_cpu()
    yield timing
    timing.wall = time.perf_counter() - wall
    timing.client_cpu = own_cpu() - own
    after = children_cpu()
    timing.server_cpu = None if after is None or children is None else after - children


def cpu_figures(prefix: str, timing: Timing, records: int) -> dict[str, float]:
    """CPU milliseconds per record on each side of the wire: steadier than wall time when
    other work shares the machine, and the server's shows both sides asked the same of it."""
    figures = {f"{prefix}_client_cpu_ms_per_record": 1000 * timing.client_cpu / records}
    if timing.server_cpu is not None:
        figures[f"{prefix}_server_cpu_ms_per_record"] = 1000 * timing.server_cpu / records
    return figures

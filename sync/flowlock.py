"""One process at a time per flow: an OS file lock beside the state file.

Two syncs of one flow racing would read the same watermark and write the same records twice
over; and only a lock tells a run that a dead process left "running" (a `kill -9`) from one
that another process is still executing. The kernel releases the lock when its holder dies,
however it dies, so a crashed sync never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.errors import FatalError


class FlowBusyError(FatalError):
    """Another process is running this flow right now."""


def lock_path(state_path: Path, flow: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", flow)
    return state_path.with_name(f"{state_path.name}.{safe}.lock")


@contextmanager
def flow_lock(state_path: Path, flow: str) -> Iterator[None]:
    """Hold the flow's lock for the block; raise `FlowBusyError` at once if it is taken."""
    path = lock_path(Path(state_path), flow)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FlowBusyError(
                f"flow {flow!r} is already running in another process (lock {path}); wait "
                "for it to finish, or check `harness status`"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

"""A read started on a daemon thread of its own, its answer handed back as a future.

For reads a run starts beside its own work (a lookup ahead of the writes, the other side's
describe): a run that stops, by an error or Ctrl-C, neither waits for such a read nor is
kept alive by it; the read, left running, ends on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

__all__ = ["in_background"]

_T = TypeVar("_T")


def in_background(read: Callable[[], _T], name: str) -> Future[_T]:
    """`read()` started now on a daemon thread named `name`; its result, or the exception
    it raised, in the returned future (raised where the caller waits for it)."""
    future: Future[_T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(read())
        except BaseException as exc:  # handed to the caller, raised where it waits
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future

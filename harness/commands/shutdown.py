"""Graceful shutdown for long-running commands: the first SIGTERM or SIGINT asks nicely, a
second one aborts at once.

Python's signal machinery writes each signal's number to a wakeup pipe from whichever thread
the kernel picked (libraries such as polars start threads we cannot mask). A small watcher
thread reads that pipe and runs `on_first` on an ordinary thread, so it may set a
`threading.Event`; a Python-level handler doing that could deadlock, interrupting the main
thread while it holds that very event's lock. The Python-level handlers installed here do
nothing until an abort is under way. On the second signal the watcher raises
`KeyboardInterrupt` in the main thread (`_thread.interrupt_main`) and sends that thread a
SIGUSR1, which breaks any blocking call it is in (a socket read, a sleep); a sync run it
interrupts is closed as failed by the engine.
"""

from __future__ import annotations

import _thread
import os
import select
import signal
import threading
from collections.abc import Callable, Sequence
from types import FrameType, TracebackType
from typing import Any

DEFAULT_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)
WAKE_SIGNAL = signal.SIGUSR1  # sent to the main thread on abort, to break a blocking call
_CLOSE = b"\0"  # written to the pipe by `__exit__`: no signal has the number 0
_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class GracefulShutdown:
    """While active (a context manager), the first of `signals` calls `on_first(signum)` on a
    watcher thread and a second raises KeyboardInterrupt in the main thread. Outside the main
    thread it does nothing (Python manages signals only there)."""

    def __init__(
        self,
        on_first: Callable[[int], None],
        signals: Sequence[signal.Signals] = DEFAULT_SIGNALS,
    ) -> None:
        self._on_first = on_first
        self._signals = tuple(signals)
        self.received: int | None = None  # the first signal, once one came
        self._aborting = False
        self._raised = False
        self._thread: threading.Thread | None = None
        self._pipe: tuple[int, int] | None = None
        self._old_handlers: dict[int, _Handler] = {}
        self._old_wakeup = -1

    def __enter__(self) -> GracefulShutdown:
        if threading.current_thread() is not threading.main_thread():
            return self
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)  # set_wakeup_fd wants a non-blocking fd
        self._pipe = (read_end, write_end)
        for signum in (*self._signals, WAKE_SIGNAL):
            self._old_handlers[signum] = signal.signal(signum, self._handle)
        self._old_wakeup = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        self._thread = threading.Thread(target=self._watch, name="harness-signals", daemon=True)
        self._thread.start()
        return self

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        """The Python-level handler (main thread): quiet until the watcher starts an abort,
        then raising once (signals still pending must not break the cleanup it starts)."""
        if self._aborting and not self._raised and signum != WAKE_SIGNAL:
            self._raised = True
            raise KeyboardInterrupt

    def _watch(self) -> None:
        assert self._pipe is not None
        read_end = self._pipe[0]
        while True:
            select.select([read_end], [], [])
            for number in os.read(read_end, 64):
                if bytes([number]) == _CLOSE:
                    return
                if number not in self._signals:
                    continue
                if self.received is None:
                    self.received = number
                    self._on_first(number)
                    continue
                self._abort()
                return

    def _abort(self) -> None:
        self._aborting = True
        _thread.interrupt_main(signal.SIGINT)
        main = threading.main_thread().ident
        if main is not None:
            signal.pthread_kill(main, WAKE_SIGNAL)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is None or self._pipe is None:
            return
        read_end, write_end = self._pipe
        os.write(write_end, _CLOSE)
        self._thread.join(timeout=5)
        signal.set_wakeup_fd(self._old_wakeup)
        for signum, old in self._old_handlers.items():
            if old is not None:  # None: set outside Python, nothing to restore
                signal.signal(signum, old)
        os.close(read_end)
        os.close(write_end)
        self._thread, self._pipe = None, None

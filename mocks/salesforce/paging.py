"""Query locators: the result of a query, kept so later pages are stable.

Salesforce snapshots a query's result when it runs (here: the matched rows already encoded,
or, with `render`, frozen copies rendered a page at a time); `nextRecordsUrl` pages through
that snapshot even if records change meanwhile. Locators expire when idle, and a user holds
only a few at once: opening one more drops the least recently used.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from mocks.salesforce.ids import make_id
from mocks.salesforce.records import Renderer

LOCATOR_PREFIX = "01g"


@dataclass
class Cursor:
    rows: list[Any]  # encoded rows, or frozen records when `render` is set
    render: Renderer | None
    batch: int
    touched: float


class QueryCursors:
    def __init__(self) -> None:
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._counter = 0
        self._lock = threading.Lock()

    def open(self, rows: list[Any], render: Renderer | None, batch: int, max_open: int) -> str:
        with self._lock:
            self._counter += 1
            locator = make_id(LOCATOR_PREFIX, self._counter)
            self._cursors[locator] = Cursor(rows, render, batch, time.monotonic())
            while len(self._cursors) > max(1, max_open):
                self._cursors.popitem(last=False)
            return locator

    def get(self, locator: str, ttl_seconds: float | None) -> Cursor | None:
        """The live cursor for `locator` (touching it), or None when unknown or expired."""
        with self._lock:
            cursor = self._cursors.get(locator)
            if cursor is None:
                return None
            now = time.monotonic()
            if ttl_seconds is not None and now - cursor.touched >= float(ttl_seconds):
                del self._cursors[locator]
                return None
            cursor.touched = now
            self._cursors.move_to_end(locator)
            return cursor

    def clear(self) -> None:
        with self._lock:
            self._cursors.clear()

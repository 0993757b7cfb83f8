"""A settable clock for stores and engines under test: it stands still until a test moves it."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    """Returns `now` until told to move (`tick` by whole seconds, `advance` by any delta)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: int = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

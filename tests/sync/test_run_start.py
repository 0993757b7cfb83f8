"""A run asks the source for its pages as soon as the source's schema is in: the read's first
round trips (a count, a first page) do not wait for the target's describe. A run refused at
its start closes the read it began."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sync.connectors.base import ObjectSchema, Record
from tests.sync.conftest import Rig

WAIT_S = 10.0  # a bound on every wait, never reached when the code is right


def _watched_read(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, threading.Event]:
    """The source's read, noting when it starts and when it is closed."""
    started, closed = threading.Event(), threading.Event()
    real = rig.crm.read

    def read(*args: Any, **kwargs: Any) -> Iterator[list[Record]]:
        started.set()
        try:
            for page in real(*args, **kwargs):
                # A page a record: the read-ahead cannot drain the read on its own (it holds
                # one page), so only the run's closing ends it.
                yield from ([record] for record in page)
        finally:
            closed.set()

    monkeypatch.setattr(rig.crm, "read", read)
    return started, closed


def test_the_read_starts_before_the_targets_schema_is_in(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, _ = _watched_read(rig, monkeypatch)
    seen: list[bool] = []
    real = rig.erp.describe

    def describe(obj: str) -> ObjectSchema:
        seen.append(started.wait(WAIT_S))  # answers only once the source's read has begun
        return real(obj)

    monkeypatch.setattr(rig.erp, "describe", describe)
    result = rig.engine().run(rig.flow, full=True)
    assert result.status == "succeeded", result.error
    assert seen == [True]
    assert len(rig.customers()) == result.counts.written > 0


def test_a_run_refused_at_its_start_closes_the_read_it_began(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, closed = _watched_read(rig, monkeypatch)

    def describe(obj: str) -> ObjectSchema:
        started.wait(WAIT_S)
        raise RuntimeError(f"no {obj} today")

    monkeypatch.setattr(rig.erp, "describe", describe)
    with pytest.raises(RuntimeError, match="no customer today"):
        rig.engine().run(rig.flow, full=True)
    assert started.is_set() and closed.is_set()
    assert rig.customers() == {}

"""Both sides' schemas are asked for side by side: a run's start and each recheck wait for
two round trips at once, not one after the other."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, cast

import pytest

from sync.connectors.base import Connector, ObjectSchema
from sync.schema_watch import SchemaWatch

WAIT_S = 10.0  # a bound on every wait, never reached when the code is right


class Describer:
    """A connector whose describe answers only once the other side's is in flight too."""

    def __init__(self, meeting: threading.Barrier) -> None:
        self.meeting = meeting
        self.asked: list[str] = []

    def describe(self, obj: str) -> ObjectSchema:
        self.asked.append(obj)
        self.meeting.wait(WAIT_S)  # broken (an error) when the other side never comes
        return ObjectSchema(obj, {})


def test_both_schemas_are_asked_for_at_once_at_the_start_and_on_a_recheck() -> None:
    meeting = threading.Barrier(2)
    source, target = Describer(meeting), Describer(meeting)
    watch = SchemaWatch(
        cast(Connector, source),
        cast(Connector, target),
        "Account",
        "customer",
        every=timedelta(hours=1),
        clock=lambda: 0.0,
    )
    assert (watch.source_schema.name, watch.target_schema.name) == ("Account", "customer")
    assert watch.maybe_recheck(now=True) == []
    assert (source.asked, target.asked) == (["Account"] * 2, ["customer"] * 2)


class Refusing:
    def describe(self, obj: str) -> Any:
        raise RuntimeError(f"no {obj}")


class Plain:
    def describe(self, obj: str) -> ObjectSchema:
        return ObjectSchema(obj, {})


@pytest.mark.parametrize(
    ("source", "target", "refused"),
    [(Refusing(), Plain(), "no Account"), (Plain(), Refusing(), "no customer")],
    ids=["source", "target"],
)
def test_a_failing_describe_is_raised_to_the_run(source: Any, target: Any, refused: str) -> None:
    with pytest.raises(RuntimeError, match=refused):
        SchemaWatch(source, target, "Account", "customer", every=timedelta(hours=1),
                    clock=lambda: 0.0)  # fmt: skip


def test_a_failing_source_describe_does_not_wait_for_the_targets() -> None:
    """A source refusing its describe (or Ctrl-C) ends the run's start at once, while the
    target's describe, stuck, is left to end on its own."""
    released, finished = threading.Event(), threading.Event()

    class Stuck:
        def describe(self, obj: str) -> ObjectSchema:
            released.wait(WAIT_S)
            finished.set()
            return ObjectSchema(obj, {})

    try:
        with pytest.raises(RuntimeError, match="no Account"):
            SchemaWatch(Refusing(), Stuck(), "Account", "customer",  # type: ignore[arg-type]
                        every=timedelta(hours=1), clock=lambda: 0.0)  # fmt: skip
        assert not finished.is_set()  # raised while the target's describe was still out
    finally:
        released.set()

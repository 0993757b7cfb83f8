"""The id crosswalk: upserts, lookups both ways, and a large flow."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sync.state import StateStore

if TYPE_CHECKING:
    from tests.sync.state.conftest import Clock, Make


def test_crosswalk_round_trip(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    entry = make.crosswalk(run, "001A")
    bare = make.crosswalk(run, "001B", target_id="", source_modified_at=None)
    store.commit_page(run.run_id, "customers", crosswalk=[entry, bare])
    assert store.crosswalk_get("customers", "001A") == entry
    assert store.crosswalk_get("customers", "001B") == bare
    assert store.crosswalk_by_target("customers", "T-001A") == entry
    assert store.crosswalk_all("customers") == {"001A": entry, "001B": bare}
    assert store.crosswalk_count("customers") == 2
    assert store.crosswalk_get("customers", "nope") is None
    assert store.crosswalk_by_target("customers", "nope") is None
    assert store.crosswalk_all("contacts") == {}


def test_a_later_sync_replaces_the_entry(store: StateStore, make: Make, clock: Clock) -> None:
    first = store.start_run("customers", "live", "full")
    store.commit_page(first.run_id, "customers", crosswalk=[make.crosswalk(first, "001A")])
    store.finish_run(first.run_id, "succeeded", {})
    clock.advance(hours=1)
    second = store.start_run("customers", "live", "incremental")
    newer = make.crosswalk(second, "001A", content_hash="hash-2", target_id="T-new")
    store.commit_page(second.run_id, "customers", crosswalk=[newer])
    assert store.crosswalk_all("customers") == {"001A": newer}
    assert store.crosswalk_by_target("customers", "T-001A") is None


def test_flows_keep_separate_crosswalks(store: StateStore, make: Make) -> None:
    customers = store.start_run("customers", "live", "full")
    contacts = store.start_run("contacts", "live", "full")
    store.commit_page(customers.run_id, "customers", crosswalk=[make.crosswalk(customers, "X")])
    store.commit_page(
        contacts.run_id, "contacts", crosswalk=[make.crosswalk(contacts, "X", target_id="C-X")]
    )
    assert store.crosswalk_get("customers", "X").target_id == "T-X"  # type: ignore[union-attr]
    assert store.crosswalk_get("contacts", "X").target_id == "C-X"  # type: ignore[union-attr]


def test_a_large_flow_loads_whole(store: StateStore, make: Make, clock: Clock) -> None:
    """Sanity at volume (timings live in the benchmarks): 50k entries in and out."""
    run = store.start_run("customers", "live", "full")
    base = make.crosswalk(run, "template")
    for start in range(0, 50_000, 10_000):
        page = [
            base.__class__(
                base.flow,
                f"S{n:06d}",
                f"T{n:06d}",
                f"E{n:06d}",
                f"h{n}",
                clock.now - timedelta(seconds=n),
                clock.now,
                run.run_id,
            )
            for n in range(start, start + 10_000)
        ]
        store.commit_page(run.run_id, "customers", crosswalk=page)
    everything = store.crosswalk_all("customers")
    assert len(everything) == store.crosswalk_count("customers") == 50_000
    assert everything["S049999"].target_id == "T049999"
    assert everything["S000007"].source_modified_at == clock.now - timedelta(seconds=7)

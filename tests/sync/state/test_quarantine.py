"""Quarantine: one open entry per record and flow, resolution by a run or a person."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from sync.state import QuarantineEntry, StateError, StateStore

if TYPE_CHECKING:
    from tests.sync.state.conftest import Clock, Make


def test_requarantining_updates_the_open_entry(store: StateStore, clock: Clock) -> None:
    first_run = store.start_run("customers", "live", "full")
    first = store.record_quarantine(
        first_run.run_id,
        "customers",
        source_id="001A",
        reason="validation",
        code="REQUIRED",
        message="companyName is required",
        payload={"Id": "001A"},
    )
    store.finish_run(first_run.run_id, "partial", {"quarantined": 1})
    clock.advance(hours=1)
    second_run = store.start_run("customers", "live", "incremental")
    again = store.record_quarantine(
        second_run.run_id,
        "customers",
        source_id="001A",
        reason="rejected",
        code="STRING_TOO_LONG",
        message="phone too long",
        payload={"Id": "001A", "Phone": "9" * 40},
        mapped={"phone": "9" * 40},
    )
    assert again.qid == first.qid
    assert (again.run_id, again.reason, again.code) == (
        second_run.run_id,
        "rejected",
        "STRING_TOO_LONG",
    )
    assert again.created_at == first.created_at
    assert again.updated_at == clock.now
    assert again.mapped == {"phone": "9" * 40}
    assert store.quarantined("customers") == [again]
    # The same source id in another flow is a different record.
    other = store.start_run("contacts", "live", "full")
    store.record_quarantine(
        other.run_id,
        "contacts",
        source_id="001A",
        reason="conflict",
        code="OWNER_WINS",
        message="edited in ERP",
        payload={},
    )
    assert len(store.quarantined()) == 2


def test_a_page_may_requarantine_with_a_new_entry(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    first, second = make.quarantine(run, "001A"), make.quarantine(run, "001A", code="OTHER")
    store.commit_page(run.run_id, "customers", quarantine=[first])
    store.commit_page(run.run_id, "customers", quarantine=[second])
    [stored] = store.quarantined("customers")
    assert (stored.qid, stored.code) == (first.qid, "OTHER")


def test_a_synced_record_resolves_its_entry_as_replayed(
    store: StateStore, make: Make, clock: Clock
) -> None:
    run = store.start_run("customers", "live", "full")
    store.commit_page(
        run.run_id, "customers", quarantine=[make.quarantine(run, s) for s in ("a", "b")]
    )
    clock.advance(minutes=2)
    store.commit_page(
        run.run_id,
        "customers",
        crosswalk=[make.crosswalk(run, "a")],
        resolved_quarantine=["a", "never-quarantined"],
    )
    assert store.quarantine_open_ids("customers") == {"b"}
    [replayed] = store.quarantined("customers", status="replayed")
    assert (replayed.source_id, replayed.resolved_by, replayed.resolved_at) == (
        "a",
        run.run_id,
        clock.now,
    )
    # History stays; quarantining "a" again opens a new entry.
    store.commit_page(run.run_id, "customers", quarantine=[make.quarantine(run, "a")])
    assert store.quarantine_open_ids("customers") == {"a", "b"}
    assert len(store.quarantined(status=None)) == 3


def test_a_person_discards_an_entry(store: StateStore, make: Make, clock: Clock) -> None:
    run = store.start_run("customers", "live", "full")
    entry = make.quarantine(run, "a")
    store.commit_page(run.run_id, "customers", quarantine=[entry])
    clock.advance(days=1)
    done = store.quarantine_resolve(entry.qid, "discarded", by="steward@example.com")
    assert (done.status, done.resolved_by, done.resolved_at) == (
        "discarded",
        "steward@example.com",
        clock.now,
    )
    assert store.quarantine_get(entry.qid) == done
    assert store.quarantined("customers") == []
    assert store.quarantined("customers", status="discarded") == [done]
    with pytest.raises(StateError, match="already discarded"):
        store.quarantine_resolve(entry.qid, "replayed", by="someone")


@pytest.mark.parametrize(
    ("qid", "status", "match"),
    [
        ("nope", "discarded", "no quarantine entry 'nope'"),
        ("any", "open", "not 'open'"),
        ("any", "gone", "expected one of: open, replayed, discarded"),
    ],
    ids=["unknown-qid", "open", "unknown-status"],
)
def test_resolve_refuses_bad_requests(store: StateStore, qid: str, status: str, match: str) -> None:
    with pytest.raises(StateError, match=match):
        store.quarantine_resolve(qid, status, by="someone")


def test_payloads_round_trip(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    payload = {
        "Id": "a",
        "Address": {"City": "Zürich", "Lines": ["1", None]},
        "Credit": Decimal("1.50"),
    }
    entry = make.quarantine(run, "a", payload=payload, mapped=None, reason="unresolved_reference")
    store.commit_page(run.run_id, "customers", quarantine=[entry])
    stored = store.quarantine_get(entry.qid)
    assert stored is not None
    assert stored.payload == {**payload, "Credit": "1.50"}
    assert stored.mapped is None
    assert stored.reason == "unresolved_reference"


def test_unknown_reasons_name_the_valid_ones() -> None:
    with pytest.raises(StateError, match="expected one of: validation, rejected"):
        QuarantineEntry.new(
            run_id="r", flow="f", source_id="s", reason="oops", code="X", message="m", payload={}
        )


def test_new_entries_get_distinct_short_qids() -> None:
    qids = {
        QuarantineEntry.new(
            run_id="r", flow="f", source_id="s", reason="drift", code="X", message="m", payload={}
        ).qid
        for _ in range(100)
    }
    assert len(qids) == 100
    assert all(len(q) == 12 for q in qids)


def test_dry_runs_quarantine_nothing(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "dry-run", "full")
    with pytest.raises(StateError, match="planned changes only"):
        store.commit_page(run.run_id, "customers", quarantine=[make.quarantine(run, "a")])

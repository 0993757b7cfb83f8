"""Steps about incremental edges: timestamp ties across page boundaries, late commits, hard
deletes. Objects and fields come from the customers flow's mapping; the CRM's page size is a
vendor-neutral knob, and a refused page is a fault matched by request kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from harness.bdd.business import get
from harness.bdd.steps.common import (
    crm_customers,
    customers,
    erp_customer,
    erp_customers,
    reconcile,
)
from harness.bdd.variants import write_variant
from harness.sandbox import Sandbox
from sync.engine import RunResult
from sync.errors import SyncError
from sync.mapping import get_path
from sync.state import RunInfo, StateStore

FIRST_PAGE = 200  # records the CRM's first query page holds (the Background's page size)
# Every query after the run's first one is refused: the page after the first is never served.
NEXT_PAGE_REFUSED = {
    "version": 1,
    "seed": 1,
    "rules": [
        {
            "name": "next-query-page-refused",
            "match": {"kind": ["query"]},
            "when": {"after": 1},
            "effect": {
                "type": "error",
                "status": 400,
                "code": "QUERY_CURSOR_EXPIRED",
                "message": "the query cursor has expired",
            },
        }
    ],
}


def _stored(box: Sandbox, obj: str) -> dict[str, dict[str, Any]]:
    """The CRM sandbox's records of `obj` as it stores them (stamps included), by id."""
    return {r["id"]: r for r in box.stored("crm", obj)}


def _stamp(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["modified_at"])


@given(parsers.parse("the CRM returns query results in pages of {size:d}"))
def query_pages(sandbox: Sandbox, size: int) -> None:
    sandbox.knob("crm", "page_size", size)


@given(parsers.parse("the customer flow looks back {seconds:d} seconds"))
def looks_back(sandbox: Sandbox, seconds: int) -> None:
    sandbox.use_mapping(sandbox.default_mapping, lookback_seconds=seconds)


@given("the customer flow propagates deletes")
def propagates_deletes(sandbox: Sandbox) -> None:
    path = sandbox.workdir / "customers-deletes.yaml"
    sandbox.use_mapping(write_variant(sandbox.default_mapping, path, deletes="propagate"))


@when(
    parsers.parse(
        "{count:d} customers are edited in one transaction in the CRM, sharing one "
        "modification time"
    )
)
def tied_edits(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    flow = customers(sandbox)
    obj, description = flow.obj("crm"), flow.source_field("description")
    chosen = sorted(_stored(sandbox, obj))[:count]
    at = datetime.now(UTC).replace(microsecond=0)
    tied = {record_id: f"Tied edit {i:03d}" for i, record_id in enumerate(chosen)}
    for record_id, text in tied.items():
        sandbox.backdate("crm", obj, record_id, {description: text}, at)
    stored = _stored(sandbox, obj)
    assert len({_stamp(stored[r]) for r in chosen}) == 1
    scenario_context["tied"] = tied


@when("the CRM refuses the request for its next query page after the first")
def next_page_refused(sandbox: Sandbox) -> None:
    sandbox.set_faults("crm", NEXT_PAGE_REFUSED)


@when("the customer flow tries to run incrementally")
def tries_incremental(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    with pytest.raises(SyncError) as failure:
        sandbox.sync()
    with StateStore(sandbox.config.state_path) as state:
        (last, *_older) = state.runs(customers(sandbox).name, limit=1)
    scenario_context.update(failed_run=last, failure=failure.value)


@then("that run failed with the first page committed")
def failed_after_first_page(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunInfo = scenario_context["failed_run"]
    assert run.status == "failed" and "QUERY_CURSOR_EXPIRED" in (run.error or ""), run.error
    assert run.counts["read"] == FIRST_PAGE and run.counts["updated"] == FIRST_PAGE
    flow = customers(sandbox)
    tied: dict[str, str] = scenario_context["tied"]
    synced = {c.fields[flow.spec.external_id_field] for c in erp_customers(sandbox)
              if get(c, flow.target_path("description")) in tied.values()}  # fmt: skip
    assert len(synced) == FIRST_PAGE


@then(parsers.parse("all {count:d} edits are in the ERP, none lost and none duplicated"))
def all_edits_arrived(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    flow = customers(sandbox)
    external, description = flow.spec.external_id_field, flow.target_path("description")
    tied: dict[str, str] = scenario_context["tied"]
    found = erp_customers(sandbox)
    ids = [c.fields[external] for c in found]
    assert len(ids) == len(set(ids)) == len(crm_customers(sandbox))
    by_id = {c.fields[external]: get(c, description) for c in found}
    assert {k: by_id[k] for k in tied} == tied and len(tied) == count


@when(
    parsers.parse(
        "a customer's edit commits late in the CRM, stamped {seconds:d} seconds before "
        "the sync's watermark"
    )
)
def late_commit(sandbox: Sandbox, scenario_context: dict[str, Any], seconds: int) -> None:
    flow = customers(sandbox)
    obj, name = flow.obj("crm"), flow.source_field("name")
    with StateStore(sandbox.config.state_path) as state:
        mark = state.watermark(flow.name)
    assert mark is not None
    stamp = mark.modified_at - timedelta(seconds=seconds)
    record = next(r for r in _stored(sandbox, obj).values() if _stamp(r) < stamp)
    late = "Late Commit Holdings"
    scenario_context.update(source_id=record["id"], old_name=record["fields"][name], late_name=late)
    changed = sandbox.backdate("crm", obj, record["id"], {name: late}, stamp)
    assert _stamp(changed) == stamp


@then("that customer's name in the ERP is still the old one")
def still_old(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    found = erp_customer(sandbox, scenario_context["source_id"])
    assert get(found, customers(sandbox).target_path("name")) != scenario_context["late_name"]


@then("the reconciliation reports that customer's name as different")
def reconcile_sees_it(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    score = reconcile(sandbox, scenario_context, customers(sandbox).name)
    hits = [f for f in score.findings if f.source_id == scenario_context["source_id"]]
    name = customers(sandbox).target_path("name")
    assert [d.path for f in hits for d in f.diffs] == [name], hits


@when(parsers.parse("{count:d} customers are hard-deleted in the CRM, past the recycle bin"))
def hard_deleted(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    obj = customers(sandbox).obj("crm")
    facts = sandbox.trap("crm", trap="hard_delete", object=obj, count=count, seed=5)
    scenario_context["deleted_ids"] = [f["id"] for f in facts]
    assert len(scenario_context["deleted_ids"]) == count


@then("the audit log holds the before-image of each deleted customer")
def deletes_audited(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    name = customers(sandbox).target_path("name")
    with StateStore(sandbox.config.state_path) as state:
        deletes = [a for a in state.audit_for_run(run.run_id) if a.action == "delete"]
    assert sorted(a.source_id for a in deletes) == sorted(scenario_context["deleted_ids"])
    assert all(a.before and get_path(a.before, name) for a in deletes)

"""The engine when things go wrong: replay, schema drift mid-run, crashed runs, one runner."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sync.engine import INTERRUPTED, Flow, SyncEngine
from sync.flowlock import FlowBusyError, flow_lock
from tests.sync.conftest import ACCOUNTS, Rig


def test_replay_after_a_fix_runs_only_the_quarantined_record(rig: Rig) -> None:
    account = rig.crm_store.records("Account")[0]
    rig.crm_store.update("Account", account.id, {"BillingCountry": None})
    first = rig.engine().run(rig.flow, full=True)
    (held,) = first.quarantined
    assert held.reason == "validation"
    watermark = rig.state.watermark("customers")

    rig.crm_store.update("Account", account.id, {"BillingCountry": "Germany"})
    replay = rig.engine().replay(rig.flow, [account.id])
    assert (replay.kind, replay.counts.read, replay.counts.created) == ("replay", 1, 1)
    assert replay.status == "succeeded"
    assert rig.customers()[account.id]["externalId"] == account.id
    assert rig.state.quarantine_open_ids("customers") == set()
    (closed,) = rig.state.quarantined("customers", status="replayed")
    assert closed.qid == held.qid
    assert rig.state.watermark("customers") == watermark  # a replay never moves it


def test_replay_of_a_record_the_source_lost_keeps_it_in_quarantine_saying_so(rig: Rig) -> None:
    account = rig.crm_store.records("Account")[1]
    rig.crm_store.update("Account", account.id, {"BillingCountry": None})
    rig.engine().run(rig.flow, full=True)
    rig.crm_store.delete("Account", account.id)
    replay = rig.engine().replay(rig.flow, [account.id])
    assert replay.counts.read == 0 and replay.counts.quarantined == 1
    (still,) = rig.state.quarantined("customers")
    assert still.code == "SOURCE_MISSING" and "no longer in the source" in still.message
    assert still.reason == "validation"  # the original reason stays


def test_a_limit_shortened_mid_run_quarantines_only_values_that_no_longer_fit(rig: Rig) -> None:
    erp = rig.erp_client.app.state.mock.settings  # type: ignore[attr-defined]
    rig.crm_client.app.state.mock.settings["default_query_batch"] = 10  # type: ignore[attr-defined]
    names = {r.id: r.fields["Name"] for r in rig.crm_store.records("Account")}
    flow = Flow("customers", rig.flow.mapping, batch_size=15, schema_recheck=timedelta(0))
    pages: list[int] = []

    def shorten_after_first_page(_event: str, n: int) -> None:
        pages.append(n)  # progress comes as each write batch lands: one per page of 10 here
        if len(pages) == 1:
            erp["max_lengths"]["companyName"] = 12

    engine = SyncEngine(rig.crm, rig.erp, rig.state, progress=shorten_after_first_page)
    result = engine.run(flow, full=True)
    assert pages[0] == 10 and sum(pages) == ACCOUNTS
    assert result.drift == ["target customer.companyName was shortened: 83 -> 12"]
    drifted = [q for q in result.quarantined if q.reason == "drift"]
    assert drifted, "some names are longer than 12 characters"
    assert all(len(names[q.source_id].strip()) > 12 for q in drifted)
    assert all(
        q.code == "SCHEMA_DRIFT" and "harness quarantine replay" in q.message for q in drifted
    )
    written = rig.customers()
    assert all(q.source_id not in written for q in drifted)
    assert len(written) + len(result.quarantined) == ACCOUNTS


def test_a_second_process_cannot_run_the_same_flow_at_once(rig: Rig) -> None:
    with (
        flow_lock(rig.state_path, "customers"),
        pytest.raises(FlowBusyError, match="already running"),
    ):
        rig.engine().run(rig.flow, full=True)
    assert rig.state.runs("customers") == []  # refused before a run was even recorded
    assert rig.engine().run(rig.flow, full=True).status == "succeeded"  # the lock is free again


def test_a_run_left_running_by_a_dead_process_is_closed_as_interrupted(rig: Rig) -> None:
    dead = rig.state.start_run("customers", "live", "full")  # as if killed with SIGKILL
    result = rig.engine().run(rig.flow, full=True)
    assert result.status == "succeeded"
    closed = rig.state.get_run(dead.run_id)
    assert closed is not None and (closed.status, closed.error) == ("interrupted", INTERRUPTED)


def test_every_run_reports_where_its_time_went(rig: Rig) -> None:
    result = rig.engine().run(rig.flow, full=True)
    assert set(result.stages) == {"read", "transform", "validate", "lookup", "write", "commit"}
    assert all(seconds > 0 for seconds in result.stages.values())
    assert sum(result.stages.values()) <= result.seconds

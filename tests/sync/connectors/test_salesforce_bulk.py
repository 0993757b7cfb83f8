"""The Salesforce connector's Bulk API 2.0 path: same answers as the REST path, far fewer
calls. Both paths run against the mock org in process (`build_kit`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from sync.connectors import Connector, WriteResult

from .conftest import Kit, build_kit


@pytest.fixture
def sandbox() -> Iterator[Kit]:
    yield from build_kit("salesforce")


def _records(prefix: str, count: int) -> list[dict[str, Any]]:
    return [
        {
            "External_Id__c": f"{prefix}-{n:04d}",
            "Name": f"Company {n}",
            "Phone": None,
            "AnnualRevenue": 1000.5 + n,
            "NumberOfEmployees": n,
        }
        for n in range(count)
    ]


def _mixed() -> list[dict[str, Any]]:
    """Good rows, a too-long value, a missing required field and a repeated key."""
    return [
        *_records("MIX", 3),
        {"External_Id__c": "MIX-LONG", "Name": "x" * 300},
        {"External_Id__c": "MIX-NONAME", "Phone": "555"},
        {"External_Id__c": "MIX-TWIN", "Name": "One"},
        {"External_Id__c": "MIX-TWIN", "Name": "Two"},
        {"External_Id__c": 'MIX, "quoted"\nline', "Name": "Commas, quotes"},
    ]


def _without_ids(results: list[WriteResult]) -> list[WriteResult]:
    return [replace(r, id=None) for r in results]


def _connector(kit: Kit, threshold: int) -> Connector:
    return kit.connector(options={"bulk_threshold": threshold})


def test_bulk_upsert_reports_exactly_what_the_composite_path_reports() -> None:
    answers = []
    for threshold in (10_000, 0):  # composite first, then the same rows through a job
        for kit in build_kit("salesforce"):
            with _connector(kit, threshold) as conn:
                answers.append(conn.upsert("Account", "External_Id__c", _mixed()))
    composite, bulk = answers
    assert _without_ids(bulk) == _without_ids(composite)
    assert [r.ok for r in bulk] == [True, True, True, False, False, False, False, True]
    assert bulk[3].error_code == "STRING_TOO_LONG" and bulk[3].fields == ("Name",)
    assert bulk[4].error_code == "REQUIRED_FIELD_MISSING"


def test_large_writes_go_through_one_job(sandbox: Kit) -> None:
    conn = _connector(sandbox, 100)
    before = conn.call_count()
    results = conn.upsert("Account", "External_Id__c", _records("BIG", 1_000))
    job_calls = conn.call_count() - before
    assert all(r.ok and r.created for r in results)
    assert job_calls <= 12  # create, upload, close, polls, two result files (composite: 5)
    again = conn.upsert("Account", "External_Id__c", _records("BIG", 1_000))
    assert all(r.ok and not r.created for r in again)
    ids = [str(r.id) for r in results]
    updated = conn.update("Account", [(i, {"Phone": "555"}) for i in ids])
    assert all(r.ok for r in updated) and [r.key for r in updated] == ids
    deleted = conn.delete("Account", [*ids[:500], "001000000000000AAA"])
    assert all(r.ok for r in deleted[:500]) and deleted[500].error_code == "NOT_FOUND"


def test_small_writes_keep_the_composite_path(sandbox: Kit) -> None:
    conn = _connector(sandbox, 100)
    before = conn.call_count()
    conn.upsert("Account", "External_Id__c", _records("SMALL", 50))
    assert sandbox.app.state.salesforce_bulk.listing("ingest") == []
    assert conn.call_count() - before <= 2  # a token, one collection call


def test_full_read_through_a_query_job_equals_the_rest_read(sandbox: Kit) -> None:
    writer = _connector(sandbox, 10_000)
    writer.upsert("Account", "External_Id__c", _records("READ", 450))
    rest = [r for page in _connector(sandbox, 10_000).read("Account") for r in page]
    bulk_conn = _connector(sandbox, 100)
    bulk = [r for page in bulk_conn.read("Account") for r in page]
    assert len(sandbox.app.state.salesforce_bulk.listing("query")) == 1
    assert bulk == rest and len(bulk) == 450
    small = _connector(sandbox, 1_000)  # 450 rows: below the threshold, query/ pages
    assert len([r for page in small.read("Account") for r in page]) == 450
    assert len(sandbox.app.state.salesforce_bulk.listing("query")) == 1


def test_a_job_salesforce_refuses_whole_fails_each_record_not_the_run(sandbox: Kit) -> None:
    rows = [{**row, "No_Such_Field__c": "x"} for row in _records("BAD", 5)]
    with _connector(sandbox, 0) as conn:
        results = conn.upsert("Account", "External_Id__c", rows)
    assert [r.key for r in results] == [row["External_Id__c"] for row in rows]
    assert {(r.ok, r.error_code, r.retryable) for r in results} == {
        (False, "BULK_JOB_FAILED", False)
    }
    assert all("No_Such_Field__c" in (r.message or "") for r in results)


def test_a_job_that_outlasts_its_timeout_is_aborted_and_reports_what_it_saved(
    sandbox: Kit,
) -> None:
    """No job is left running behind the run: what it saved is reported saved, the rest
    unprocessed and retryable, and the store agrees with each answer."""
    conn = sandbox.connector(options={"bulk_threshold": 100, "bulk_timeout": 0})
    results = conn.upsert("Account", "External_Id__c", _records("SLOW", 600))
    (job,) = sandbox.app.state.salesforce_bulk.listing("ingest")
    assert job.state in ("Aborted", "JobComplete")
    stored = {
        r.fields.get("External_Id__c") for r in sandbox.app.state.mock.store.records("Account")
    }
    for result in results:
        assert (result.key in stored) == result.ok, result
        assert result.ok or (result.retryable and result.error_code == "UNPROCESSED")


def test_a_job_that_completes_as_it_is_aborted_keeps_its_results(sandbox: Kit) -> None:
    """The race behind a timed-out job: it completes between the last look and the abort.
    Salesforce refuses to abort a finished job (400 INVALIDJOBSTATE); the connector takes
    that as the job's answer, never as the run's end."""
    conn = sandbox.connector(options={"bulk_threshold": 100})
    assert all(r.ok for r in conn.upsert("Account", "External_Id__c", _records("DONE", 150)))
    (job,) = sandbox.app.state.salesforce_bulk.listing("ingest")
    assert job.state == "JobComplete"
    path = f"/services/data/v59.0/jobs/ingest/{job.id}"
    conn._bulk._abort(path)  # type: ignore[attr-defined]  # refused, and not raised
    (patched,) = [e for e in sandbox.app.state.journal.entries()
                  if e.method == "PATCH" and e.path == path and e.status == 400]  # fmt: skip
    assert patched.status == 400  # Salesforce's answer to aborting a finished job
    assert sandbox.app.state.salesforce_bulk.listing("ingest")[0].state == "JobComplete"


def test_a_job_is_polled_again_when_its_progress_says_it_ends() -> None:
    """A job a third done after 1 s should end in about 2 s more; a poll then notices it
    at once, where a doubling wait could overshoot by a whole wait."""
    from sync.connectors.salesforce.bulk import FIRST_POLL, _time_left

    assert _time_left({"numberRecordsProcessed": 1000}, 3000, 1.0) == 2.0
    assert _time_left({"numberRecordsProcessed": 2999}, 3000, 1.0) == FIRST_POLL
    for silent in ({}, {"numberRecordsProcessed": 0}, {"numberRecordsProcessed": 3000},
                   {"numberRecordsProcessed": True}):  # fmt: skip
        assert _time_left(silent, 3000, 1.0) == float("inf")  # the doubling wait decides


def test_rounds_are_a_job_s_size_whenever_such_a_round_goes_bulk(sandbox: Kit) -> None:
    """A threshold of 0 sends every write through bulk: the engine gathers rounds of
    `bulk_batch` (one job each, not one per source page); a threshold at or above the
    batch never sends a round to bulk, so nothing is gathered."""
    rounds = {
        threshold: sandbox.connector(options={"bulk_threshold": threshold,
                                              "bulk_batch": 5_000}).preferred_write_batch
        for threshold in (0, 2_000, 5_000)
    }  # fmt: skip
    assert rounds == {0: 5_000, 2_000: 5_000, 5_000: None}

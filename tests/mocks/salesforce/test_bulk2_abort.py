"""Aborting a Bulk API 2.0 ingest job lands between two of its chunks: the abort takes the
lock a chunk saves (and a job ends) under, a job that ended first is not aborted (the
route's INVALIDJOBSTATE), and a job aborted while queued saves and spends nothing."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from mocks.salesforce.bulk.ingest import Org, abort, run_ingest
from mocks.salesforce.bulk.jobs import Job
from mocks.salesforce.ids import IdAllocator
from mocks.store import RecordStore

WAIT_S = 10.0  # a bound on every wait, never reached when the code is right


def _org(store: RecordStore) -> Org:
    settings: dict[str, object] = {}
    return Org(store, IdAllocator(), threading.RLock(), settings, lambda objects: None)


def _job(state: str, rows: int = 3) -> Job:
    upload = "Name\n" + "".join(f"Account {i}\n" for i in range(rows))
    return Job("750000000000001AAA", "ingest", "insert", "Account", "005", datetime.now(UTC),
               state=state, upload=upload.encode())  # fmt: skip


def test_a_finished_job_is_not_aborted() -> None:
    org, job = _org(RecordStore()), _job("JobComplete")
    assert abort(org, job) is False
    assert job.state == "JobComplete"


def test_a_job_aborted_while_queued_saves_and_spends_nothing() -> None:
    store = RecordStore()
    org, job = _org(store), _job("UploadComplete")
    assert abort(org, job) is True
    run_ingest(org, job)  # the queue gets to it after the abort
    assert job.state == "Aborted" and job.outcomes == []
    assert [row for row in job.unprocessed] == [["Account 0"], ["Account 1"], ["Account 2"]]
    assert store.count("Account") == 0 and "bulk_records_used" not in org.settings


def test_an_abort_waits_for_the_chunk_being_saved() -> None:
    org, job = _org(RecordStore()), _job("InProgress")
    done = threading.Event()

    def aborting() -> None:
        abort(org, job)
        done.set()

    with org.write_lock:  # a chunk being saved
        thread = threading.Thread(target=aborting)
        thread.start()
        time.sleep(0.1)
        assert not done.is_set() and job.state == "InProgress"
    thread.join(WAIT_S)
    assert done.is_set() and job.state == "Aborted"

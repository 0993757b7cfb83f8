"""Bulk jobs and where they live: ids, states, counters, and one worker that runs them.

A job moves Open -> UploadComplete -> InProgress -> JobComplete | Failed (or Aborted by the
client). Processing runs on one worker thread per org, one job at a time (Salesforce queues
jobs too), so a client sees the state move between its polls and a request never waits for a
whole job. Jobs and their results stay until the client deletes them or the org is reset.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from mocks.salesforce.ids import make_id

JOB_PREFIX = "750"  # AsyncApexJob / bulk job key prefix
BATCH_PREFIX = "751"
TERMINAL = frozenset({"JobComplete", "Failed", "Aborted"})
JobKind = Literal["ingest", "query", "v1"]


@dataclass
class IngestOutcome:
    """One processed row: its cells as uploaded, and the save's answer."""

    row: list[str]
    ok: bool
    record_id: str = ""
    created: bool = False
    error: str = ""  # `CODE:message:fields --` as Bulk API results write it


@dataclass
class Job:
    id: str
    kind: JobKind
    operation: str
    object: str
    created_by: str
    created_at: datetime
    state: str = "Open"
    modified_at: datetime | None = None
    external_id_field: str | None = None
    content_type: str = "CSV"
    delimiter: str = "COMMA"
    line_ending: str = "LF"
    api_version: str = "59.0"
    concurrency: str = "Parallel"
    query: str | None = None
    upload: bytes | None = None
    header: list[str] = field(default_factory=list)
    outcomes: list[IngestOutcome] = field(default_factory=list)
    unprocessed: list[list[str]] = field(default_factory=list)
    # Query jobs: the CSV header line and one encoded line per row, snapshot when run.
    columns: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    locators: dict[str, int] = field(default_factory=dict)
    error_message: str | None = None
    processing_ms: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # Bulk 1.0 batches live here

    @property
    def processed(self) -> int:
        return len(self.lines) if self.kind == "query" else len(self.outcomes)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if not o.ok)


class BulkJobs:
    """Every bulk job of one org, and the worker that processes them."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._counter = 0
        self._batches = 0
        self._worker: ThreadPoolExecutor | None = None
        self.records_today = 0  # records processed against the daily allowance

    def new_id(self, prefix: str = JOB_PREFIX) -> str:
        with self._lock:
            if prefix == BATCH_PREFIX:
                self._batches += 1
                return make_id(prefix, self._batches)
            self._counter += 1
            return make_id(prefix, self._counter)

    def add(self, job: Job) -> Job:
        with self._lock:
            self._jobs[job.id] = job
        return job

    def get(self, job_id: str, kind: JobKind) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.kind == kind else None

    def listing(self, kind: JobKind) -> list[Job]:
        with self._lock:
            return [job for job in self._jobs.values() if job.kind == kind]

    def remove(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def submit(self, job: Job, work: Callable[[], None]) -> None:
        """Run `work` for `job` on the org's bulk worker (created on first use, one thread).
        A defect in the mock fails the job visibly instead of leaving it InProgress."""

        def guarded() -> None:
            try:
                work()
            except Exception as exc:  # a defect is reported on the job, as Salesforce does
                job.state, job.error_message = "Failed", f"UNKNOWN_EXCEPTION : {exc!r}"

        with self._lock:
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sf-bulk")
            worker = self._worker
        worker.submit(guarded)

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()
            self.records_today = 0

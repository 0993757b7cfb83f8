"""Bulk API 2.0 for large writes and full reads: one ingest job per write call, one query
job per full read, polled until done.

Why: the sObject Collections path spends one call per 200 records (1,000 calls for 200,000
records) and a `query/` read one per 2,000 rows; a bulk job spends about five calls whatever
its size (create, upload, close, a few polls, results). Below the threshold the REST path
stays faster, as a job's polling costs more than a handful of calls.

Results map to `WriteResult`s exactly as the composite path reports them: Bulk API results
are not in input order, so each result row is matched to its input by the cells it echoes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sync.connectors.base import ObjectSchema, Record, WriteResult
from sync.connectors.http import HttpSession
from sync.connectors.salesforce import bulk_dialect
from sync.errors import FatalVendorError, TransientVendorError

DEFAULT_THRESHOLD = 2_000  # records in one call above which writes and full reads go bulk
QUERY_PAGE = 50_000  # rows per query results page
DEFAULT_BULK_BATCH = 10_000  # records one write round holds when writes go bulk
# A lookup's IN list in a query job: the body carries it, so only SOQL's 100,000-character
# limit binds (kept well under it), not a URL's length.
BULK_LOOKUP_IDS, BULK_LOOKUP_CHARS = 4_000, 90_000
FIRST_POLL, MAX_POLL = 0.05, 2.0  # seconds between job polls: doubling up to MAX_POLL
DONE = frozenset({"JobComplete", "Failed", "Aborted"})
CSV_HEADERS = {"Content-Type": "text/csv", "Accept": "application/json"}
ABORT_WAIT = 60.0  # seconds an aborted job may take to stop


class BulkJobs:
    """Runs Bulk API 2.0 ingest and query jobs over the connector's HTTP session."""

    def __init__(
        self,
        http: HttpSession,
        data_prefix: str,
        *,
        timeout: float = 3600.0,
        page_size: int = QUERY_PAGE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = http
        self._jobs = f"{data_prefix}/jobs"
        self._timeout = timeout
        self._page_size = page_size
        self._sleep = sleep

    # -- ingest ------------------------------------------------------------------------------

    def ingest(
        self,
        obj: str,
        operation: str,
        keys: Sequence[str],
        records: Sequence[dict[str, Any]],
        *,
        first: Sequence[str] = (),
        external_id_field: str | None = None,
    ) -> list[WriteResult]:
        """One job for every record; a result per record, in input order."""
        header, rows = bulk_dialect.table(records, first)
        body, cells = bulk_dialect.upload_csv(header, rows)
        spec: dict[str, Any] = {"object": obj, "operation": operation, "contentType": "CSV",
                                "lineEnding": "LF", "columnDelimiter": "COMMA"}  # fmt: skip
        if external_id_field:
            spec["externalIdFieldName"] = external_id_field
        created = self.http.request("POST", f"{self._jobs}/ingest", json=spec).json()
        job = f"{self._jobs}/ingest/{_job_id(created)}"
        self.http.request("PUT", f"{job}/batches", content=body, headers=CSV_HEADERS)
        self.http.request("PATCH", job, json={"state": "UploadComplete"})
        try:
            info = self._wait(job, expected=len(records))
        except TransientVendorError:
            # Still running: a job left behind could save these records after the run has
            # taken them for unsaved. Abort it; what it saved comes back from its results,
            # the rest as unprocessed (safe to send again).
            self._abort(job)
            info = self._wait(job, timeout=ABORT_WAIT)
        if info["state"] == "Failed":
            # The whole upload was refused (a column the object lacks, ...): every record
            # fails with the job's reason, as sObject Collections fails each with its own,
            # so the records are quarantined, never lost and never the run's end.
            why = f"the Bulk API job failed: {info.get('errorMessage')}"
            return [WriteResult(k, False, error_code="BULK_JOB_FAILED", message=why) for k in keys]
        return self._results(job, keys, cells, len(header))

    def _abort(self, job: str) -> None:
        """Abort a running job. It may finish between the last look and the abort: Salesforce
        then refuses the change (400 INVALIDJOBSTATE) and the job's results stand whole."""
        try:
            self.http.request("PATCH", job, json={"state": "Aborted"})
        except FatalVendorError as exc:
            if exc.code != "INVALIDJOBSTATE":
                raise

    def _results(self, job: str, keys: Sequence[str], cells: list[tuple[str, ...]], width: int
                 ) -> list[WriteResult]:  # fmt: skip
        where: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for index, sent in enumerate(cells):
            where[sent].append(index)
        results: list[WriteResult | None] = [None] * len(cells)
        for kind, ok in (("successfulResults", True), ("failedResults", False)):
            names, rows = bulk_dialect.read_csv(self._text(f"{job}/{kind}/"))
            for row in rows:
                indexes = where.get(tuple(row[2 : 2 + width]))
                if indexes:
                    index = indexes.pop(0)
                    results[index] = bulk_dialect.result_from_row(
                        keys[index], dict(zip(names, row, strict=False)), ok
                    )
        # Rows the job did not process (an aborted job): not saved, safe to send again.
        return [
            r if r is not None else WriteResult(
                keys[i], False, error_code="UNPROCESSED", retryable=True,
                message="the Bulk API job ended before processing this record",
            )
            for i, r in enumerate(results)
        ]  # fmt: skip

    # -- query -------------------------------------------------------------------------------

    def query(self, soql: str, schema: ObjectSchema, *, include_deleted: bool = False
              ) -> Iterator[list[Record]]:  # fmt: skip
        """Pages of records (the query's order), following `Sforce-Locator` to `null`."""
        spec = {"operation": "queryAll" if include_deleted else "query", "query": soql,
                "contentType": "CSV", "lineEnding": "LF", "columnDelimiter": "COMMA"}  # fmt: skip
        created = self.http.request("POST", f"{self._jobs}/query", json=spec, read=True).json()
        job = f"{self._jobs}/query/{_job_id(created)}"
        info = self._wait(job)
        if info["state"] != "JobComplete":
            raise FatalVendorError(
                f"Salesforce Bulk API query job ended {info['state']}: {info.get('errorMessage')}",
                code="BULK_JOB_FAILED",
                body=info,
            )
        locator: str | None = None
        while True:
            params: dict[str, Any] = {"maxRecords": self._page_size}
            if locator:
                params["locator"] = locator
            page = self.http.get(f"{job}/results", params=params, headers={"Accept": "text/csv"})
            header, rows = bulk_dialect.read_csv(page.content.decode("utf-8"))
            if rows:
                yield bulk_dialect.records_from_csv(header, rows, schema)
            locator = page.header("sforce-locator")
            if not locator or locator == "null":
                return

    # -- helpers -----------------------------------------------------------------------------

    def _text(self, path: str) -> str:
        return self.http.get(path, headers={"Accept": "text/csv"}).content.decode("utf-8")

    def _wait(self, job: str, timeout: float | None = None, expected: int = 0) -> dict[str, Any]:
        """Poll the job until it is done (short waits first: small jobs end in moments; and
        no longer than the job's own progress says it needs, for `expected` records)."""
        started, delay = time.monotonic(), FIRST_POLL
        limit = self._timeout if timeout is None else timeout
        while True:
            info: dict[str, Any] = self.http.get(job).json()
            if info.get("state") in DONE:
                return info
            elapsed = time.monotonic() - started
            if elapsed > limit:
                raise TransientVendorError(
                    f"Salesforce Bulk API job {job} still {info.get('state')} after {limit:.0f} s",
                    code="BULK_JOB_TIMEOUT",
                )
            self._sleep(min(delay, _time_left(info, expected, elapsed)))
            delay = min(delay * 2, MAX_POLL)


def _time_left(info: dict[str, Any], expected: int, elapsed: float) -> float:
    """When a job processing `expected` records should end, from the share it has done
    (`numberRecordsProcessed`) in `elapsed` seconds; unbounded while nothing says so. A
    doubling poll alone notices a job that ends just after a poll up to a whole wait late."""
    done = info.get("numberRecordsProcessed")
    if not isinstance(done, int) or isinstance(done, bool) or not 0 < done < expected:
        return float("inf")
    return max(FIRST_POLL, elapsed * (expected - done) / done)


def _job_id(created: Any) -> str:
    """The id Salesforce gave a new job; an answer without one is the vendor's fault."""
    job_id = created.get("id") if isinstance(created, dict) else None
    if not isinstance(job_id, str) or not job_id:
        raise FatalVendorError("Salesforce created a Bulk API job without an id", body=created)
    return job_id

"""Processing an ingest job: every row goes through the same save as the REST API.

Rows are saved in chunks of 200, each chunk one transaction (`dml.UnitOfWork`) under the
org's write lock, so REST calls interleave with a long job as they do in Salesforce. A row
that fails does not stop the others (Bulk API has no all-or-none). Problems with the upload
as a whole (not CSV, an unknown column, a missing key column) fail the job instead.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from mocks.salesforce import parent_refs
from mocks.salesforce.bulk.csvio import DELIMITERS, CsvProblem, parse_upload, upload_values
from mocks.salesforce.bulk.jobs import TERMINAL, IngestOutcome, Job
from mocks.salesforce.dml import Directory, Planned, UnitOfWork
from mocks.salesforce.ids import IdAllocator
from mocks.salesforce.schema import FieldDef, SObjectDef, get_sobject
from mocks.salesforce.values import RecordError
from mocks.store import RecordStore

CHUNK = 200  # records per transaction, as Salesforce saves bulk data


@dataclass
class Org:
    """What processing needs of the org: its records, id allocator, lock and allowance."""

    store: RecordStore
    allocator: IdAllocator
    write_lock: threading.RLock
    settings: dict[str, Any]
    directory: Directory  # the org's users and record types, put in the store on first use


class JobFailure(Exception):
    """The job as a whole fails; the message becomes the job's `errorMessage`."""


def error_text(err: RecordError) -> str:
    """`CODE:message:Field1,Field2 --` per problem, as Bulk API results carry errors."""
    return " ".join(
        f"{p.code}:{p.message}:{','.join(p.fields)} --" if p.fields else f"{p.code}:{p.message} --"
        for p in err.problems
    )


def _key_column(job: Job) -> str | None:
    if job.operation == "upsert":
        return job.external_id_field
    return "Id" if job.operation in ("update", "delete", "hardDelete") else None


def check_header(job: Job, sobject: SObjectDef, header: Sequence[str]) -> None:
    """Every column must name a field, or a parent by its external id or idLookup field
    (`Account.External_Id__c`); the operation's key column must be there."""
    for name in header:
        if sobject.field(name) is None and parent_refs.header_key(sobject, name) is None:
            raise JobFailure(f"InvalidBatch : Field name not found : {name}")
    key = _key_column(job)
    if key is not None and not any(name.lower() == key.lower() for name in header):
        raise JobFailure(f"InvalidBatch : Field name not provided: {key}")


def plan_row(uow: UnitOfWork, job: Job, sobject: SObjectDef, body: dict[str, Any],
          duplicates: Counter[str]) -> Planned:  # fmt: skip
    if job.operation == "insert":
        return uow.create(sobject, body)
    record_id = next((v for k, v in body.items() if k.lower() == "id"), None)
    rest = {k: v for k, v in body.items() if k.lower() != "id"}
    if job.operation in ("delete", "hardDelete"):
        if record_id is None:
            raise RecordError.one("MISSING_ARGUMENT", "Id not specified in a delete call", ["Id"])
        return uow.delete(sobject, record_id)
    if job.operation == "update":
        if record_id is None:
            raise RecordError.one("MISSING_ARGUMENT", "Id not specified in an update call")
        return uow.update(sobject, record_id, rest)
    fd: FieldDef = uow.external_id_field(sobject, str(job.external_id_field))
    value = next((v for k, v in body.items() if k.lower() == fd.name.lower()), None)
    if value is None:
        raise RecordError.one("MISSING_ARGUMENT", f"{fd.name} not specified", [fd.name])
    if duplicates[str(value)] > 1:
        message = f"Duplicate external id specified: {value}"
        raise RecordError.one("DUPLICATE_EXTERNAL_ID", message, [fd.name])
    return uow.upsert(sobject, fd, value, body)


def _save_chunk(
    org: Org,
    job: Job,
    sobject: SObjectDef,
    header: list[str],
    rows: list[list[str]],
    duplicates: Counter[str],
) -> bool:
    """Save one chunk and record its results in the job, both under the write lock that an
    abort takes too (`abort`): a job's results always list what the store holds, and a
    job aborted before this chunk saves none of it (False)."""
    outcomes: list[IngestOutcome] = []
    with org.write_lock:
        if job.state == "Aborted":
            return False
        uow = UnitOfWork(org.store, org.allocator, org.directory)
        for row in rows:
            body = parent_refs.nest_columns(upload_values(header, row))
            try:
                op = plan_row(uow, job, sobject, body, duplicates)
            except RecordError as err:
                shown = body.get("Id", "") if job.operation != "insert" else ""
                outcomes.append(IngestOutcome(row, False, str(shown or ""), error=error_text(err)))
                continue
            outcomes.append(IngestOutcome(row, True, op.record_id, created=op.created))
        purged = (
            [op for op in uow.ops if op.kind == "delete"] if job.operation == "hardDelete" else []
        )
        uow.commit()
        for op in purged:
            org.store.purge(op.sobject.name, op.record_id)
        job.outcomes += outcomes
    return True


def abort(org: Org, job: Job) -> bool:
    """Abort a queued or running job between two of its chunks (taking the lock a chunk
    saves, and a job ends, under), so no chunk is half recorded when a client reads the
    aborted job's results; False when the job ended first (Salesforce's INVALIDJOBSTATE)."""
    with org.write_lock:
        if job.state in TERMINAL:
            return False
        job.state = "Aborted"
        return True


def keep_unprocessed(job: Job) -> None:
    """A job aborted before it ran: every row of its upload is an unprocessed record."""
    if job.upload:
        with suppress(CsvProblem):  # nothing readable was uploaded: nothing to list
            job.header, job.unprocessed = parse_upload(job.upload, DELIMITERS[job.delimiter])
    job.upload = None


def duplicate_keys(job: Job, header: list[str], rows: list[list[str]]) -> Counter[str]:
    if job.operation != "upsert" or job.external_id_field is None:
        return Counter()
    key = job.external_id_field.lower()
    column = next(i for i, name in enumerate(header) if name.lower() == key)
    return Counter(row[column] for row in rows if row[column] not in ("", "#N/A"))


def _reserve(org: Org, rows: int) -> None:
    """Count the rows against the daily allowance, or fail the job when it is spent."""
    with org.write_lock:
        used = int(org.settings.get("bulk_records_used", 0))
        limit = int(org.settings.get("bulk_daily_record_limit", 100_000_000))
        if used + rows > limit:
            raise JobFailure(f"ExceededQuota : the daily limit of {limit} records is exceeded")
        org.settings["bulk_records_used"] = used + rows


def run_ingest(org: Org, job: Job) -> None:
    """Process an UploadComplete job to JobComplete or Failed (an abort stops it)."""
    started = time.monotonic()
    with org.write_lock:
        queued_abort = job.state == "Aborted"
        if not queued_abort:
            job.state = "InProgress"
    if queued_abort:  # aborted while queued: no quota spent, every row stays unprocessed
        keep_unprocessed(job)
        job.modified_at = org.store.now()
        return
    try:
        sobject = get_sobject(job.object)
        if sobject is None:
            raise JobFailure(f"InvalidJob : Unable to find object: {job.object}")
        header, rows = parse_upload(job.upload or b"", DELIMITERS[job.delimiter])
        check_header(job, sobject, header)
        _reserve(org, len(rows))
        job.header = header
        duplicates = duplicate_keys(job, header, rows)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            if not _save_chunk(org, job, sobject, header, chunk, duplicates):
                job.unprocessed = rows[start:]  # aborted: this chunk and the rest wait
                break
    except (JobFailure, CsvProblem) as exc:
        with org.write_lock:
            job.state, job.error_message = "Failed", str(exc)
    else:
        with org.write_lock:  # an abort either lands before this or finds the job ended
            if job.state != "Aborted":
                job.state = "JobComplete"
    finally:
        job.upload = None  # the data is processed; results keep what they need
        job.processing_ms = int((time.monotonic() - started) * 1000)
        job.modified_at = org.store.now()

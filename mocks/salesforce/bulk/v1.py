"""Bulk API 1.0 jobs with JSON batches: job and batch info, and processing a batch.

A batch is processed when it is added (at most 10,000 records, so the request stays short)
and its info says Queued, as Salesforce's does at that moment; the client's first poll then
finds it Completed. Query results carry datetimes and dates as epoch milliseconds, which is
how Bulk API 1.0 writes them in JSON.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from functools import partial
from typing import Any

from mocks.salesforce import parent_refs
from mocks.salesforce.bulk.csvio import CsvProblem, CsvWriter, parse_upload, upload_values
from mocks.salesforce.bulk.ingest import JobFailure, Org, check_header, plan_row
from mocks.salesforce.bulk.jobs import Job
from mocks.salesforce.bulk.query_job import csv_columns, ensure_org_records
from mocks.salesforce.dml import UnitOfWork
from mocks.salesforce.query.evaluate import BoundQuery, compile_query
from mocks.salesforce.query.lexer import SoqlError
from mocks.salesforce.query.plan import query_rows
from mocks.salesforce.records import format_datetime, native_getter, renderer
from mocks.salesforce.schema import SObjectDef
from mocks.salesforce.values import RecordError

MAX_BATCH_RECORDS = 10_000
RESULT_PREFIX = "752"


class Bulk1Error(Exception):
    """A Bulk API 1.0 error: `{"exceptionCode", "exceptionMessage"}` with a 400."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


def job_info(job: Job) -> dict[str, Any]:
    batches = list(job.extra.get("batches", {}).values())
    done = [b for b in batches if b["state"] == "Completed"]
    return {
        "apexProcessingTime": 0, "apiActiveProcessingTime": 0,
        "apiVersion": float(job.api_version), "assignmentRuleId": None,
        "concurrencyMode": job.concurrency, "contentType": job.content_type,
        "createdById": job.created_by, "createdDate": format_datetime(job.created_at),
        "externalIdFieldName": job.external_id_field, "fastPathEnabled": False, "id": job.id,
        "numberBatchesCompleted": len(done),
        "numberBatchesFailed": sum(1 for b in batches if b["state"] == "Failed"),
        "numberBatchesInProgress": 0, "numberBatchesQueued": 0,
        "numberBatchesTotal": len(batches),
        "numberRecordsFailed": sum(b["numberRecordsFailed"] for b in batches),
        "numberRecordsProcessed": sum(b["numberRecordsProcessed"] for b in batches),
        "numberRetries": 0, "object": job.object, "operation": job.operation,
        "state": job.state,
        "systemModstamp": format_datetime(job.modified_at or job.created_at),
        "totalProcessingTime": 0,
    }  # fmt: skip


def batch_info(batch: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in batch.items() if not k.startswith("_")}


def new_batch(job: Job, batch_id: str, at: datetime, request: Any) -> dict[str, Any]:
    stamp = format_datetime(at)
    batch = {
        "apexProcessingTime": 0, "apiActiveProcessingTime": 0, "createdDate": stamp,
        "id": batch_id, "jobId": job.id, "numberRecordsFailed": 0,
        "numberRecordsProcessed": 0, "state": "Queued", "stateMessage": None,
        "systemModstamp": stamp, "totalProcessingTime": 0, "_request": request,
        "_results": [],
    }  # fmt: skip
    job.extra.setdefault("batches", {})[batch_id] = batch
    return batch


def _result(op_id: str | None, created: bool, err: RecordError | None) -> dict[str, Any]:
    if err is None:
        return {"success": True, "created": created, "id": op_id, "errors": []}
    errors = [p.to_wire() for p in err.problems]
    return {"success": False, "created": False, "id": op_id, "errors": errors}


def run_dml(org: Org, job: Job, sobject: SObjectDef, records: list[Any]) -> list[dict[str, Any]]:
    """Save a batch's records (200 per transaction) and return one result per record."""
    key = (job.external_id_field or "").lower()
    duplicates: Counter[str] = Counter(
        str(v) for r in records if isinstance(r, dict)
        for k, v in r.items() if key and k.lower() == key and v is not None
    )  # fmt: skip
    results: list[dict[str, Any]] = []
    for start in range(0, len(records), 200):
        with org.write_lock:
            uow = UnitOfWork(org.store, org.allocator, org.directory)
            for record in records[start : start + 200]:
                if not isinstance(record, dict):
                    err = RecordError.one("INVALID_FIELD", "each record must be a JSON object")
                    results.append(_result(None, False, err))
                    continue
                try:
                    op = plan_row(uow, job, sobject, record, duplicates)
                except RecordError as err:
                    shown = record.get("Id") if job.operation != "insert" else None
                    results.append(_result(shown, False, err))
                    continue
                results.append(_result(op.record_id, op.created, None))
            purged = [op for op in uow.ops if op.kind == "delete"]
            uow.commit()
            if job.operation == "hardDelete":
                for op in purged:
                    org.store.purge(op.sobject.name, op.record_id)
    return results


def _epoch_ms(value: Any, kind: str) -> Any:
    if not isinstance(value, str):
        return value
    if kind == "date":
        moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
    else:
        moment = datetime.fromisoformat(value.replace("+0000", "+00:00"))
    return int(moment.timestamp() * 1000)


def _compile(org: Org, job: Job, soql: str, user_id: str) -> BoundQuery:
    getter_for = partial(native_getter, user_id=user_id)
    try:
        query = compile_query(soql, now=org.store.now(), getter_for=getter_for, records=org.store)
    except SoqlError as exc:
        message = f"Failed to process query: {exc.code}: {exc.message}"
        raise Bulk1Error("InvalidBatch", message) from exc
    if query.sobject.name != job.object:
        raise Bulk1Error("InvalidBatch", f"The query is not on the job's object {job.object}")
    if query.count or query.children or query.grouping is not None:
        raise Bulk1Error("InvalidBatch", "Aggregate and nested queries are not supported")
    ensure_org_records(org, query)
    return query


def run_query(org: Org, job: Job, soql: str, user_id: str) -> list[dict[str, Any]]:
    """The query's rows as Bulk API 1.0 JSON results carry them."""
    query = _compile(org, job, soql, user_id)
    if query.has_parents:
        raise Bulk1Error("InvalidBatch", "This mock serves parent fields in CSV jobs only")
    records = query_rows(org.store, query, include_deleted=job.operation == "queryAll")
    render = renderer(query.sobject, query.fields, job.api_version, user_id)
    timed = [(fd.name, "date" if fd.type == "date" else "datetime") for fd in query.fields
             if fd.type in ("date", "datetime")]  # fmt: skip
    rows = []
    for rec in query.run(records):
        row = render(rec)
        for name, kind in timed:
            row[name] = _epoch_ms(row[name], kind)
        rows.append(row)
    return rows


# -- CSV batches (jobs created in XML with contentType CSV) ----------------------------------


def run_csv_dml(org: Org, job: Job, sobject: SObjectDef, data: bytes) -> list[dict[str, Any]]:
    """A CSV batch: the header names fields (empty cell: left as is, `#N/A`: null)."""
    try:
        header, rows = parse_upload(data, ",")
        check_header(job, sobject, header)
    except (CsvProblem, JobFailure) as exc:
        code, _, message = str(exc).partition(" : ")
        raise Bulk1Error(code.strip() or "InvalidBatch", message or str(exc)) from exc
    bodies = [parent_refs.nest_columns(upload_values(header, row)) for row in rows]
    return run_dml(org, job, sobject, bodies)


def results_csv(results: list[dict[str, Any]]) -> str:
    """`"Id","Success","Created","Error"`, one row per record in input order."""
    out = CsvWriter()
    out.row(["Id", "Success", "Created", "Error"])
    for result in results:
        errors = " ".join(
            f"{e['statusCode']}:{e['message']}:{','.join(e['fields'])} --"
            if e.get("fields") else f"{e['statusCode']}:{e['message']} --"
            for e in result["errors"]
        )  # fmt: skip
        out.row([result["id"] or "", result["success"], result["created"], errors])
    return out.text()


def query_csv(org: Org, job: Job, soql: str, user_id: str) -> tuple[str, int]:
    """A CSV job's query result: the header and one row per record, and the row count."""
    query = _compile(org, job, soql, user_id)
    records = query_rows(org.store, query, include_deleted=job.operation == "queryAll")
    columns = csv_columns(org, query, user_id)
    out = CsvWriter()
    out.row(name for name, _ in columns)
    matched = query.run(records)
    out.rows([get(rec) for _, get in columns] for rec in matched)
    return out.text(), len(matched)

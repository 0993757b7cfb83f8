"""Bulk API 2.0 job info as Salesforce sends it, and where a route finds the org's jobs."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from mocks.salesforce.bulk.ingest import Org
from mocks.salesforce.bulk.jobs import BulkJobs, Job, JobKind
from mocks.salesforce.errors import not_found
from mocks.salesforce.records import format_datetime
from mocks.salesforce.state import mock_context, org_directory, sf_state


def bulk_jobs(request: Request) -> BulkJobs:
    jobs: BulkJobs = request.app.state.salesforce_bulk
    return jobs


def org_of(request: Request) -> Org:
    state, ctx = sf_state(request), mock_context(request)
    return Org(ctx.store, state.ids, state.write_lock, ctx.settings, org_directory(request))


def job_or_404(request: Request, kind: JobKind) -> Job:
    job = bulk_jobs(request).get(str(request.path_params["job_id"]), kind)
    if job is None:
        raise not_found()
    return job


def job_info(job: Job, *, full: bool) -> dict[str, Any]:
    """The JobInfo body: the short form answers create/close/abort, `full` answers GET."""
    info: dict[str, Any] = {
        "id": job.id,
        "operation": job.operation,
        "object": job.object,
        "createdById": job.created_by,
        "createdDate": format_datetime(job.created_at),
        "systemModstamp": format_datetime(job.modified_at or job.created_at),
        "state": job.state,
    }
    if job.kind == "ingest":
        info["externalIdFieldName"] = job.external_id_field
    info.update(
        concurrencyMode=job.concurrency,
        contentType=job.content_type,
        apiVersion=float(job.api_version),
    )
    if job.kind == "ingest":
        info["contentUrl"] = f"services/data/v{job.api_version}/jobs/ingest/{job.id}/batches"
    info.update(lineEnding=job.line_ending, columnDelimiter=job.delimiter)
    if full:
        info.update(_progress(job))
    return info


def _progress(job: Job) -> dict[str, Any]:
    out: dict[str, Any] = {"jobType": "V2Ingest" if job.kind == "ingest" else "V2Query"}
    out["numberRecordsProcessed"] = job.processed
    if job.kind == "ingest":
        out["numberRecordsFailed"] = job.failed
    out.update(retries=0, totalProcessingTime=job.processing_ms)
    if job.kind == "ingest":
        out.update(apiActiveProcessingTime=job.processing_ms, apexProcessingTime=0)
    else:
        out["isPkChunkingSupported"] = False
    if job.error_message:
        out["errorMessage"] = job.error_message
    return out

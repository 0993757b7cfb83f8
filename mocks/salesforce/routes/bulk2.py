"""Bulk API 2.0: ingest jobs (`jobs/ingest`) and query jobs (`jobs/query`).

Every route sits behind the same session gate as the REST API (`limits.ApiGate`) and counts
against the daily API allowance. Processing happens on the org's bulk worker
(`bulk.jobs.BulkJobs.submit`), so a client sees UploadComplete, then InProgress, then
JobComplete or Failed across its polls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mocks.salesforce.bulk.csvio import (
    DELIMITERS,
    LINE_ENDINGS,
    CsvWriter,
)
from mocks.salesforce.bulk.ingest import abort, keep_unprocessed, run_ingest
from mocks.salesforce.bulk.jobs import TERMINAL, Job, JobKind
from mocks.salesforce.bulk.query_job import compile_job_query, page, run_query
from mocks.salesforce.bulk.wire import bulk_jobs, job_info, job_or_404, org_of
from mocks.salesforce.errors import ApiError, json_response, read_object
from mocks.salesforce.routes.routing import DATA_PREFIX, add_route
from mocks.salesforce.schema import get_sobject
from mocks.salesforce.state import api_version, mock_context, sf_state

INGEST_OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
QUERY_OPERATIONS = ("query", "queryAll")
MAX_UPLOAD_BYTES = 150 * 1024 * 1024
DEFAULT_PAGE = 50_000  # maxRecords when the client names none [?]


def _job_options(body: dict[str, Any]) -> tuple[str, str]:
    delimiter = str(body.get("columnDelimiter") or "COMMA")
    line_ending = str(body.get("lineEnding") or "LF")
    if delimiter not in DELIMITERS:
        raise ApiError(400, "INVALIDJOB", f"Invalid column delimiter: {delimiter}")
    if line_ending not in LINE_ENDINGS:
        raise ApiError(400, "INVALIDJOB", f"Invalid line ending: {line_ending}")
    return delimiter, line_ending


def _new_job(request: Request, kind: JobKind, body: dict[str, Any], operation: str) -> Job:
    delimiter, line_ending = _job_options(body)
    jobs, state = bulk_jobs(request), sf_state(request)
    return Job(
        id=jobs.new_id(), kind=kind, operation=operation, object=str(body.get("object") or ""),
        created_by=state.config.user_id, created_at=mock_context(request).store.now(),
        delimiter=delimiter, line_ending=line_ending, api_version=api_version(request),
    )  # fmt: skip


async def create_ingest(request: Request) -> Response:
    body = await read_object(request, "JobInfo")
    operation = str(body.get("operation") or "")
    if operation not in INGEST_OPERATIONS:
        raise ApiError(400, "INVALIDJOB", f"Invalid operation: {operation or 'null'}")
    sobject = get_sobject(str(body.get("object") or ""))
    if sobject is None:
        raise ApiError(400, "INVALIDENTITY", f"Entity '{body.get('object')}' is not supported")
    if str(body.get("contentType") or "CSV") != "CSV":
        raise ApiError(400, "INVALIDJOB", "Bulk API 2.0 accepts contentType CSV only")
    external = body.get("externalIdFieldName")
    if operation == "upsert":
        fd = sobject.field(str(external or ""))
        if fd is None or not (fd.external_id or fd.name == "Id"):
            message = f"InvalidJob : External ID was blank or not found for {sobject.name}"
            raise ApiError(400, "INVALIDJOB", f"{message}: {external}")
        external = fd.name
    job = _new_job(request, "ingest", {**body, "object": sobject.name}, operation)
    job.external_id_field = str(external) if operation == "upsert" else None
    bulk_jobs(request).add(job)
    return json_response(job_info(job, full=False))


async def upload(request: Request) -> Response:
    job = job_or_404(request, "ingest")
    if job.state != "Open" or job.upload is not None:
        message = f"Found multiple contents for job: <{job.id}>, please 'Close' / 'Abort' /"
        raise ApiError(400, "INVALIDJOBSTATE", message + " 'Delete' the current Job")
    declared = int(request.headers.get("content-length") or 0)
    data = b"" if declared > MAX_UPLOAD_BYTES else await request.body()
    if declared > MAX_UPLOAD_BYTES or len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(400, "INVALIDBATCH", "The upload exceeds the limit of 150 MB per job")
    job.upload = data
    return Response(status_code=201)


def _close(request: Request, job: Job) -> Callable[[], None]:
    """Close the upload; the returned call queues the processing (after the reply is made,
    so the reply shows UploadComplete)."""
    job.state = "UploadComplete"
    if job.upload is None:
        job.upload = b""
    org, jobs = org_of(request), bulk_jobs(request)
    return lambda: jobs.submit(job, lambda: run_ingest(org, job))


def _invalid_state(job: Job, wanted: str) -> ApiError:
    return ApiError(400, "INVALIDJOBSTATE", f"Cannot change a job in state {job.state} to"
                    f" {wanted or 'null'}")  # fmt: skip


async def change_state(request: Request) -> Response:
    kind: JobKind = "query" if "/jobs/query/" in request.url.path else "ingest"
    job = job_or_404(request, kind)
    wanted = str((await read_object(request, "JobInfo")).get("state") or "")
    start: Callable[[], None] | None = None
    if wanted == "UploadComplete" and kind == "ingest" and job.state == "Open":
        start = _close(request, job)
    elif wanted == "Aborted" and job.state == "Open":  # no worker yet: nothing to wait for
        keep_unprocessed(job)
        job.state = "Aborted"
    elif wanted == "Aborted" and kind == "query" and job.state not in TERMINAL:
        job.state = "Aborted"
    elif wanted == "Aborted" and kind == "ingest" and job.state not in TERMINAL:
        # Between two chunks, off the event loop (a chunk may be saving); the job may end
        # meanwhile, and then it is a finished job Salesforce refuses to abort.
        if not await run_in_threadpool(abort, org_of(request), job):
            raise _invalid_state(job, wanted)
    else:
        raise _invalid_state(job, wanted)
    job.modified_at = mock_context(request).store.now()
    reply = json_response(job_info(job, full=False))
    if start is not None:
        start()
    return reply


async def get_job(request: Request) -> Response:
    kind: JobKind = "query" if "/jobs/query/" in request.url.path else "ingest"
    return json_response(job_info(job_or_404(request, kind), full=True))


async def delete_job(request: Request) -> Response:
    kind: JobKind = "query" if "/jobs/query/" in request.url.path else "ingest"
    job = job_or_404(request, kind)
    if job.state not in TERMINAL | {"UploadComplete"}:
        raise ApiError(400, "INVALIDJOBSTATE", f"Cannot delete a job in state {job.state}")
    bulk_jobs(request).remove(job.id)
    return Response(status_code=204)


def _listing(request: Request, kind: JobKind) -> Response:
    jobs = bulk_jobs(request).listing(kind)
    records = [job_info(job, full=False) for job in jobs]
    return json_response({"done": True, "records": records, "nextRecordsUrl": None})


async def list_ingest(request: Request) -> Response:
    return _listing(request, "ingest")


async def list_query(request: Request) -> Response:
    return _listing(request, "query")


def _csv(text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(text, 200, headers, media_type="text/csv")


async def successful_results(request: Request) -> Response:
    job = job_or_404(request, "ingest")
    out = CsvWriter(DELIMITERS[job.delimiter], LINE_ENDINGS[job.line_ending])
    out.header(["sf__Id", "sf__Created"], job.header)
    out.rows([o.record_id, o.created, *o.row] for o in job.outcomes if o.ok)
    return _csv(out.text())


async def failed_results(request: Request) -> Response:
    job = job_or_404(request, "ingest")
    out = CsvWriter(DELIMITERS[job.delimiter], LINE_ENDINGS[job.line_ending])
    out.header(["sf__Id", "sf__Error"], job.header)
    out.rows([o.record_id, o.error, *o.row] for o in job.outcomes if not o.ok)
    return _csv(out.text())


async def unprocessed_records(request: Request) -> Response:
    job = job_or_404(request, "ingest")
    out = CsvWriter(DELIMITERS[job.delimiter], LINE_ENDINGS[job.line_ending])
    out.header([], job.header)
    out.rows(job.unprocessed)
    return _csv(out.text())


async def create_query(request: Request) -> Response:
    body = await read_object(request, "JobInfo")
    operation = str(body.get("operation") or "")
    if operation not in QUERY_OPERATIONS:
        raise ApiError(400, "INVALIDJOB", f"Invalid operation: {operation or 'null'}")
    source = body.get("query")
    if not isinstance(source, str) or not source.strip():
        raise ApiError(400, "INVALIDJOB", "A query is required for a query job")
    org, user = org_of(request), sf_state(request).config.user_id
    query = compile_job_query(org, source, user)
    job = _new_job(request, "query", {**body, "object": query.sobject.name}, operation)
    job.query, job.state = source, "UploadComplete"
    jobs = bulk_jobs(request)
    jobs.add(job)
    reply = json_response(job_info(job, full=False))
    jobs.submit(job, lambda: run_query(org, job, query, user))
    return reply


async def query_results(request: Request) -> Response:
    job = job_or_404(request, "query")
    if job.state != "JobComplete":
        raise ApiError(400, "INVALIDJOBSTATE", f"The job is not complete: {job.state}")
    raw = request.query_params.get("maxRecords")
    if raw is not None and (not (raw.isascii() and raw.isdigit()) or int(raw) < 1):
        raise ApiError(400, "INVALIDPARAMETER", f"Invalid maxRecords: {raw}")
    text, count, following = page(
        job, request.query_params.get("locator"), int(raw) if raw else DEFAULT_PAGE
    )
    headers = {"Sforce-NumberOfRecords": str(count), "Sforce-Locator": following}
    return _csv(text, headers)


def build_bulk2_router() -> APIRouter:
    router = APIRouter(prefix=DATA_PREFIX)
    ingest, query = "/jobs/ingest", "/jobs/query"
    add_route(router, ingest, create_ingest, ["POST"])
    add_route(router, ingest, list_ingest, ["GET"])
    add_route(router, query, create_query, ["POST"])
    add_route(router, query, list_query, ["GET"])
    for base in (ingest, query):
        add_route(router, base + "/{job_id}", get_job, ["GET"])
        add_route(router, base + "/{job_id}", change_state, ["PATCH"])
        add_route(router, base + "/{job_id}", delete_job, ["DELETE"])
    add_route(router, ingest + "/{job_id}/batches", upload, ["PUT"])
    add_route(router, ingest + "/{job_id}/successfulResults", successful_results, ["GET"])
    add_route(router, ingest + "/{job_id}/failedResults", failed_results, ["GET"])
    for spelling in ("unprocessedrecords", "unprocessedRecords"):
        add_route(router, f"{ingest}/{{job_id}}/{spelling}", unprocessed_records, ["GET"])
    add_route(router, query + "/{job_id}/results", query_results, ["GET"])
    return router

"""Bulk API 1.0 (`/services/async/{version}/job...`), as simple-salesforce's `sf.bulk.<Object>`
calls it (JSON jobs and batches, session in `X-SFDC-Session`) and as classic clients do (a
`jobInfo` XML body with `contentType` CSV, CSV batches, XML job and batch info). The session
is checked by the same gate as the REST API. Jobs whose records are XML or zipped are
refused with `InvalidJob`.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from mocks.salesforce.bulk import v1_xml
from mocks.salesforce.bulk.jobs import BATCH_PREFIX, Job
from mocks.salesforce.bulk.v1 import (
    MAX_BATCH_RECORDS,
    RESULT_PREFIX,
    Bulk1Error,
    batch_info,
    job_info,
    new_batch,
    query_csv,
    results_csv,
    run_csv_dml,
    run_dml,
    run_query,
)
from mocks.salesforce.bulk.wire import bulk_jobs, org_of
from mocks.salesforce.errors import json_response
from mocks.salesforce.ids import make_id
from mocks.salesforce.routes.routing import add_route
from mocks.salesforce.schema import get_sobject
from mocks.salesforce.state import mock_context, sf_state

PREFIX = "/services/async/{version:sf_api_version}"
OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete", "query", "queryAll")
XML_TYPE = "application/xml"


def _is_xml(request: Request, job: Job | None = None) -> bool:
    if job is not None:
        return job.content_type != "JSON"
    return "xml" in request.headers.get("content-type", "")


def _error(exc: Bulk1Error, xml: bool) -> Response:
    if xml:
        return Response(v1_xml.error_document(exc.code, exc.message), exc.status,
                        media_type=XML_TYPE)  # fmt: skip
    body = {"exceptionCode": exc.code, "exceptionMessage": exc.message}
    return json_response(body, exc.status)


def _info(job: Job, status: int = 200) -> Response:
    if _is_xml_job(job):
        return Response(v1_xml.job_document(job_info(job)), status, media_type=XML_TYPE)
    return json_response(job_info(job), status)


def _is_xml_job(job: Job) -> bool:
    return job.content_type != "JSON"


async def _body(request: Request, xml: bool) -> Any:
    raw = await request.body()
    if xml:
        return v1_xml.parse_job(raw)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Bulk1Error("InvalidBatch", f"Unable to parse the JSON body: {exc}") from exc


async def _job_body(request: Request, xml: bool) -> dict[str, Any]:
    body = await _body(request, xml)
    if body is not None and not isinstance(body, dict):
        raise Bulk1Error("InvalidJob", "The job body must be a JSON object")
    return body or {}


def _job(request: Request) -> Job:
    job = bulk_jobs(request).get(str(request.path_params["job_id"]), "v1")
    if job is None:
        raise Bulk1Error("InvalidJob", f"Unable to find job: {request.path_params['job_id']}")
    return job


def _batch(request: Request, job: Job) -> dict[str, Any]:
    batch = job.extra.get("batches", {}).get(str(request.path_params["batch_id"]))
    if batch is None:
        raise Bulk1Error("InvalidBatch", f"Unable to find batch: {request.path_params['batch_id']}")
    return dict(batch)


def _new_job(request: Request, body: dict[str, Any], xml: bool) -> Job:
    operation, name = str(body.get("operation") or ""), str(body.get("object") or "")
    if operation not in OPERATIONS:
        raise Bulk1Error("InvalidJob", f"Invalid operation: {operation or 'null'}")
    sobject = get_sobject(name)
    if sobject is None:
        raise Bulk1Error("InvalidJob", f"Unable to find object: {name}")
    content = str(body.get("contentType") or ("CSV" if xml else "JSON"))
    if content != ("CSV" if xml else "JSON"):
        served = "CSV records with an XML jobInfo, or JSON"
        raise Bulk1Error("InvalidJob", f"contentType {content} is not served here: {served}")
    external = body.get("externalIdFieldName")
    key_field = sobject.field(str(external or ""))
    if operation == "upsert" and (
        key_field is None or not (key_field.external_id or key_field.name == "Id")
    ):
        raise Bulk1Error("InvalidJob", f"External ID was blank or not found for {name}")
    serial = body.get("concurrencyMode") in (1, "Serial")
    return Job(
        id=bulk_jobs(request).new_id(), kind="v1", operation=operation, object=sobject.name,
        created_by=sf_state(request).config.user_id, created_at=mock_context(request).store.now(),
        external_id_field=str(external) if operation == "upsert" else None, content_type=content,
        api_version=str(request.path_params["version"]),
        concurrency="Serial" if serial else "Parallel",
    )  # fmt: skip


async def create_job(request: Request) -> Response:
    xml = _is_xml(request)
    try:
        job = bulk_jobs(request).add(_new_job(request, await _job_body(request, xml), xml))
    except Bulk1Error as exc:
        return _error(exc, xml)
    return _info(job, 201)


async def job_state(request: Request) -> Response:
    """GET: the job; POST `{"state": "Closed"|"Aborted"}`: close or abort it."""
    job: Job | None = None
    try:
        job = _job(request)
        if request.method == "POST":
            wanted = (await _job_body(request, _is_xml(request))).get("state")
            if wanted not in ("Closed", "Aborted") or job.state != "Open":
                raise Bulk1Error("InvalidJobState", f"Job {job.id} is {job.state}: not {wanted}")
            job.state = str(wanted)
            job.modified_at = mock_context(request).store.now()
    except Bulk1Error as exc:
        return _error(exc, _is_xml(request, job))
    return _info(job)


def _process(request: Request, job: Job, batch: dict[str, Any], data: Any) -> None:
    org, user = org_of(request), sf_state(request).config.user_id
    try:
        if job.operation in ("query", "queryAll"):
            result_id = make_id(RESULT_PREFIX, len(job.extra["batches"]))
            found: str | list[dict[str, Any]]
            if _is_xml_job(job):
                found, count = query_csv(org, job, str(data), user)
            else:
                found = run_query(org, job, str(data), user)
                count = len(found)
            batch["_results"], batch["_rows"] = [result_id], {result_id: found}
            batch["numberRecordsProcessed"] = count
        else:
            sobject = get_sobject(job.object)
            assert sobject is not None  # checked when the job was created
            csv = _is_xml_job(job)
            results = (
                run_csv_dml(org, job, sobject, data) if csv else run_dml(org, job, sobject, data)
            )
            batch["_results"] = results
            batch["numberRecordsProcessed"] = len(results)
            batch["numberRecordsFailed"] = sum(1 for r in results if not r["success"])
        batch["state"] = "Completed"
    except Bulk1Error as exc:
        batch["state"], batch["stateMessage"] = "Failed", f"{exc.code} : {exc.message}"


async def _batch_data(request: Request, job: Job) -> Any:
    raw = await request.body()
    if job.operation in ("query", "queryAll"):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Bulk1Error("InvalidBatch", f"The query is not UTF-8 text: {exc}") from exc
    if _is_xml_job(job):
        return raw  # CSV, read when processed
    data = await _body(request, False)
    if not isinstance(data, list) or len(data) > MAX_BATCH_RECORDS:
        raise Bulk1Error("InvalidBatch", "A batch is a JSON array of at most 10,000 records")
    return data


async def add_batch(request: Request) -> Response:
    job: Job | None = None
    try:
        job = _job(request)
        if job.state != "Open":
            raise Bulk1Error("InvalidJobState", f"Job {job.id} is {job.state}, not Open")
        data = await _batch_data(request, job)
    except Bulk1Error as exc:
        return _error(exc, _is_xml(request, job))
    at = mock_context(request).store.now()
    batch = new_batch(job, bulk_jobs(request).new_id(BATCH_PREFIX), at, data)
    reply = _batch_reply(job, batch_info(batch), 201)  # as it stands on arrival: Queued
    _process(request, job, batch, data)
    return reply


def _batch_reply(job: Job, info: dict[str, Any], status: int = 200) -> Response:
    if _is_xml_job(job):
        return Response(v1_xml.batch_document(info), status, media_type=XML_TYPE)
    return json_response(info, status)


async def list_batches(request: Request) -> Response:
    try:
        job = _job(request)
    except Bulk1Error as exc:
        return _error(exc, _is_xml(request))
    infos = [batch_info(b) for b in job.extra.get("batches", {}).values()]
    if _is_xml_job(job):
        return Response(v1_xml.batch_list_document(infos), media_type=XML_TYPE)
    return json_response({"batchInfo": infos})


async def get_batch(request: Request) -> Response:
    job: Job | None = None
    try:
        job = _job(request)
        return _batch_reply(job, batch_info(_batch(request, job)))
    except Bulk1Error as exc:
        return _error(exc, _is_xml(request, job))


async def batch_request(request: Request) -> Response:
    job: Job | None = None
    try:
        job = _job(request)
        sent = _batch(request, job)["_request"]
    except Bulk1Error as exc:
        return _error(exc, _is_xml(request, job))
    if isinstance(sent, bytes | str):
        return Response(sent, media_type="text/csv" if _is_xml_job(job) else "text/plain")
    return json_response(sent)


async def batch_result(request: Request) -> Response:
    job: Job | None = None
    try:
        job = _job(request)
        batch = _batch(request, job)
        result_id = request.path_params.get("result_id")
        if result_id is None:
            return _result_list(job, batch)
        rows = batch.get("_rows", {}).get(str(result_id))
        if rows is None:
            raise Bulk1Error("InvalidBatch", f"Unable to find result: {result_id}")
    except Bulk1Error as exc:
        return _error(exc, _is_xml(request, job))
    if isinstance(rows, str):
        return Response(rows, media_type="text/csv")
    return json_response(rows)


def _result_list(job: Job, batch: dict[str, Any]) -> Response:
    results = batch["_results"]
    query = job.operation in ("query", "queryAll")
    if not _is_xml_job(job):
        return json_response(results)
    if query:
        return Response(v1_xml.result_list_document(results), media_type=XML_TYPE)
    return Response(results_csv(results), media_type="text/csv")


def build_bulk1_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    add_route(router, "/job", create_job, ["POST"])
    add_route(router, "/job/{job_id}", job_state, ["GET", "POST"])
    add_route(router, "/job/{job_id}/batch", add_batch, ["POST"])
    add_route(router, "/job/{job_id}/batch", list_batches, ["GET"])
    add_route(router, "/job/{job_id}/batch/{batch_id}", get_batch, ["GET"])
    add_route(router, "/job/{job_id}/batch/{batch_id}/request", batch_request, ["GET"])
    add_route(router, "/job/{job_id}/batch/{batch_id}/result", batch_result, ["GET"])
    add_route(router, "/job/{job_id}/batch/{batch_id}/result/{result_id}", batch_result, ["GET"])
    return router

"""The async service: `/services/rest/async/v1/job/{id}[/task[/{task}[/result]]]`.

A job holds one task (the request it ran): the job says whether it is complete, the task
when it started and ended and how it went, and the task's result replays what the request
would have answered synchronously (status, Location and body).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from mocks.netsuite.asyncjobs import ASYNC_PATH, Job, JobStore, job_url
from mocks.netsuite.auth import require_login
from mocks.netsuite.dates import iso_z
from mocks.netsuite.errors import JsonResponse, NetSuiteError
from mocks.netsuite.render import self_link

router = APIRouter(prefix=ASYNC_PATH, dependencies=[Depends(require_login)])
TASK_ID = "1"  # a REST job runs one request: one task


def _job(request: Request, job_id: str) -> Job:
    jobs: JobStore = request.app.state.netsuite_jobs
    job = jobs.get(job_id)
    if job is None:
        raise NetSuiteError(404, "NONEXISTENT_ID", f"The async job {job_id} does not exist.")
    return job


def _task(request: Request, job_id: str, task_id: str) -> Job:
    job = _job(request, job_id)
    if task_id != TASK_ID:
        raise NetSuiteError(404, "NONEXISTENT_ID", f"Job {job_id} has no task {task_id}.")
    return job


@router.get("/{job_id}")
def get_job(request: Request, job_id: str) -> Response:
    job = _job(request, job_id)
    body = {
        "links": self_link(job_url(request, job.id)),
        "completed": job.outcome is not None,
        "id": job.id,
        "progress": job.progress,
        "task": {"links": self_link(job_url(request, job.id, "task"))},
    }
    return JsonResponse(body)


@router.get("/{job_id}/task")
def list_tasks(request: Request, job_id: str) -> Response:
    job = _job(request, job_id)
    item = {"links": self_link(job_url(request, job.id, "task", TASK_ID)), "id": TASK_ID}
    body = {
        "links": self_link(job_url(request, job.id, "task")),
        "count": 1,
        "hasMore": False,
        "items": [item],
        "offset": 0,
        "totalResults": 1,
    }
    return JsonResponse(body)


@router.get("/{job_id}/task/{task_id}")
def get_task(request: Request, job_id: str, task_id: str) -> Response:
    job = _task(request, job_id, task_id)
    href = job_url(request, job.id, "task", TASK_ID)
    body: dict[str, Any] = {
        "links": [{"rel": "related", "href": f"{href}/result"}, *self_link(href)],
        "completed": job.outcome is not None,
        "id": TASK_ID,
        "progress": job.progress,
    }
    if job.started is not None:
        body["startTime"] = iso_z(job.started)
    if job.ended is not None:
        body["endTime"] = iso_z(job.ended)
    return JsonResponse(body)


@router.get("/{job_id}/task/{task_id}/result")
def get_result(request: Request, job_id: str, task_id: str) -> Response:
    job = _task(request, job_id, task_id)
    outcome = job.outcome
    if outcome is None:  # cannot happen while jobs run in process; kept for a queued future
        raise NetSuiteError(400, "USER_ERROR", f"Job {job_id} has not completed yet.")
    headers = {"Location": outcome.location} if outcome.location else None
    return Response(outcome.body, outcome.status, headers, outcome.media_type)

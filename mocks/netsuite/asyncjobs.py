"""Asynchronous REST requests (`Prefer: respond-async`) and their idempotency keys.

NetSuite queues such a request and answers 202 Accepted at once, with `Location:
/services/rest/async/v1/job/<id>`; the client polls the job, its task and the task's result
(NetSuite help, "REST Web Services Request Processing" and "Sending an Asynchronous
Request"). The mock runs the request at once, in process, so a job is complete (`progress`
"succeeded", or "failed" when the request was refused) by the time its 202 is sent.

`X-NetSuite-Idempotency-Key` belongs to this asynchronous mechanism: a second request with a
key already submitted is refused with 400 `IDEMPOTENCY_ERROR` (titled "Conflict") and a
`Location` pointing at the first job, so a retried create never makes a twin (NetSuite help,
"Sending an Asynchronous Request Using an Idempotency Key"). The key has to be a UUID, and
on a synchronous request it is ignored (both from the header's description in NetSuite's
REST OpenAPI); the mock refuses a key that is not a UUID with 400 INVALID_HEADER, a guess,
as NetSuite's answer to that is not documented.

NetSuite documents no lifetime for jobs or keys; the mock keeps each job, and the key that
made it, for `RETENTION` (a day) and at most `MAX_JOBS` jobs, oldest dropped first. A key
then becomes free again.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from starlette.responses import Response

from mocks.netsuite.errors import JsonResponse, NetSuiteError

ASYNC_PATH = "/services/rest/async/v1/job"
PREFER = "Prefer"
RESPOND_ASYNC = "respond-async"
IDEMPOTENCY_HEADER = "X-NetSuite-Idempotency-Key"
RETENTION = timedelta(days=1)
_CONFLICT_TYPE = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.10"
MAX_JOBS = 10_000


@dataclass
class Outcome:
    """What the request would have answered synchronously: replayed as the task's result."""

    status: int
    body: bytes
    media_type: str | None
    location: str | None


@dataclass
class Job:
    id: str
    key: str | None
    submitted: datetime
    started: datetime | None = None
    ended: datetime | None = None
    outcome: Outcome | None = None

    @property
    def progress(self) -> str:
        if self.outcome is None:
            return "pending" if self.started is None else "processing"
        return "succeeded" if self.outcome.status < 400 else "failed"


class JobStore:
    """The account's asynchronous jobs, by id and by idempotency key."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._by_key: dict[str, str] = {}
        self._last_id = 0

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._expire()
            return self._jobs.get(job_id)

    def open(self, key: str | None) -> tuple[Job, bool]:
        """A new job, or (the job already holding `key`, False): one check and one reservation
        under the lock, so two retries sent at once cannot both run."""
        with self._lock:
            self._expire()
            if key is not None and key in self._by_key:
                return self._jobs[self._by_key[key]], False
            self._last_id += 1
            job = Job(str(self._last_id), key, self._clock())
            self._jobs[job.id] = job
            if key is not None:
                self._by_key[key] = job.id
            return job, True

    def run(self, job: Job, request: Callable[[], Response]) -> None:
        job.started = self._clock()
        try:
            response = request()
        except NetSuiteError as exc:
            response = exc.response()
        except Exception as exc:  # the job fails as the request would have: 500
            error = NetSuiteError(
                500, "UNEXPECTED_ERROR", f"An unexpected error occurred: {type(exc).__name__}."
            )
            response = error.response()
        job.outcome = Outcome(
            response.status_code,
            bytes(response.body),
            response.headers.get("content-type"),
            response.headers.get("location"),
        )
        job.ended = self._clock()

    def _expire(self) -> None:
        horizon = self._clock() - RETENTION
        while self._jobs:
            oldest = next(iter(self._jobs.values()))
            if len(self._jobs) <= MAX_JOBS and oldest.submitted > horizon:
                break
            self._jobs.popitem(last=False)
            if oldest.key is not None:
                self._by_key.pop(oldest.key, None)


def wants_async(request: Request) -> bool:
    """`Prefer: respond-async` (among any other preferences the header lists)."""
    prefer = request.headers.get(PREFER, "")
    return RESPOND_ASYNC in (p.split("=")[0].strip().lower() for p in prefer.split(","))


def job_url(request: Request, job_id: str, *parts: str) -> str:
    base = str(request.base_url).rstrip("/")
    return "/".join((f"{base}{ASYNC_PATH}/{job_id}", *parts))


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    try:
        canonical = str(uuid.UUID(key.strip()))
    except ValueError:
        raise NetSuiteError(
            400,
            "INVALID_HEADER",
            f"Invalid value for header '{IDEMPOTENCY_HEADER}': use a UUID (RFC 4122).",
            header=IDEMPOTENCY_HEADER,
        ) from None
    return canonical  # `{...}`, `urn:uuid:` or no hyphens: the same key, no second job


def submit(request: Request, run: Callable[[], Response]) -> Response:
    """Answer `request` asynchronously: run it now as a job and answer 202 with the job's
    Location, or refuse a key already submitted with the first job's Location."""
    jobs: JobStore = request.app.state.netsuite_jobs
    job, new = jobs.open(_idempotency_key(request))
    headers = {"Preference-Applied": RESPOND_ASYNC, "Location": job_url(request, job.id)}
    if not new:
        error = NetSuiteError(
            400,
            "IDEMPOTENCY_ERROR",
            "A request with the same idempotency key has already been submitted; the"
            ' "Location" header links to that job.',
        )
        body = error.body()  # as NetSuite spells this refusal: status 400, titled Conflict
        body.update(type=_CONFLICT_TYPE, title="Conflict")
        return JsonResponse(body, status_code=400, headers=headers)
    jobs.run(job, run)
    return Response(status_code=202, headers=headers)


def answer(request: Request, run: Callable[[], Response]) -> Response:
    """`run()` now, or as an asynchronous job when the request prefers `respond-async`."""
    return submit(request, run) if wants_async(request) else run()

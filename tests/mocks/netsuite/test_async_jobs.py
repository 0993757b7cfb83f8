"""`Prefer: respond-async`: 202 with the job's Location, the job, its task and the task's
result; and `X-NetSuite-Idempotency-Key`, which stops a retried asynchronous write from
making a twin."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from mocks.netsuite.asyncjobs import RETENTION
from tests.mocks.netsuite.support import CUSTOMERS, SUITEQL, Clock, TestClient, error_detail

ASYNC = {"Prefer": "respond-async"}
JOBS = "/services/rest/async/v1/job"


def _customer(name: str) -> dict[str, Any]:
    return {"companyName": name, "subsidiary": {"id": "1"}}


def _keyed(key: str) -> dict[str, str]:
    return {**ASYNC, "X-NetSuite-Idempotency-Key": key}


def _named(client: TestClient, name: str) -> list[str]:
    query = f"SELECT id FROM customer WHERE companyname = '{name}' ORDER BY id"
    response = client.post(SUITEQL, json={"q": query})
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["items"]]


def _refusal(response: Any) -> str:
    """The code of an idempotency refusal: NetSuite titles it Conflict under an RFC 2616 type."""
    body = response.json()
    assert (body["status"], body["title"]) == (400, "Conflict")
    assert body["type"].endswith("rfc2616-sec10.html#sec10.4.10")
    (detail,) = body["o:errorDetails"]
    return str(detail["o:errorCode"])


def _path(location: str) -> str:
    return location[location.index(JOBS) :]


def test_async_create_answers_202_and_the_job_holds_the_result(client: TestClient) -> None:
    accepted = client.post(CUSTOMERS, json=_customer("Async Co"), headers=ASYNC)
    assert (accepted.status_code, accepted.content) == (202, b"")
    assert accepted.headers["Preference-Applied"] == "respond-async"
    job = _path(accepted.headers["Location"])
    status = client.get(job).json()
    assert (status["completed"], status["progress"], status["id"]) == (True, "succeeded", job[-1])
    assert status["task"]["links"][0]["href"].endswith(f"{job}/task")
    tasks = client.get(f"{job}/task").json()
    (task_link,) = tasks["items"]
    task = client.get(_path(task_link["links"][0]["href"])).json()
    assert (task["completed"], task["progress"]) == (True, "succeeded")
    assert {"startTime", "endTime"} <= set(task)
    result_href = next(link["href"] for link in task["links"] if link["rel"] == "related")
    result = client.get(_path(result_href))
    assert result.status_code == 204  # what the create answers synchronously
    (new_id,) = _named(client, "Async Co")
    assert result.headers["Location"].endswith(f"/customer/{new_id}")


def test_a_create_retried_with_the_same_key_makes_one_record(client: TestClient) -> None:
    key = str(uuid.uuid4())
    first = client.post(CUSTOMERS, json=_customer("Retried Co"), headers=_keyed(key))
    assert first.status_code == 202
    retry = client.post(CUSTOMERS, json=_customer("Retried Co"), headers=_keyed(key))
    assert retry.status_code == 400
    assert retry.headers["Location"] == first.headers["Location"]  # the first job, to poll
    assert _refusal(retry) == "IDEMPOTENCY_ERROR"
    assert len(_named(client, "Retried Co")) == 1


def test_the_same_key_with_another_body_is_refused_too(client: TestClient) -> None:
    key = str(uuid.uuid4())
    assert (
        client.post(CUSTOMERS, json=_customer("Keyed Co"), headers=_keyed(key)).status_code == 202
    )
    other = client.post(CUSTOMERS, json=_customer("Other Co"), headers=_keyed(key))
    assert (other.status_code, _refusal(other)) == (400, "IDEMPOTENCY_ERROR")
    assert _named(client, "Other Co") == []
    patch = client.patch(f"{CUSTOMERS}/{_named(client, 'Keyed Co')[0]}", json={"phone": "1"},
                         headers=_keyed(key))  # fmt: skip
    assert patch.status_code == 400  # a key names one submitted request, whatever its method


def test_a_synchronous_request_ignores_the_key(client: TestClient) -> None:
    key = {"X-NetSuite-Idempotency-Key": str(uuid.uuid4())}
    for _ in range(2):
        assert client.post(CUSTOMERS, json=_customer("Sync Co"), headers=key).status_code == 204
    assert len(_named(client, "Sync Co")) == 2


def test_a_key_that_is_not_a_uuid_is_refused(client: TestClient) -> None:
    response = client.post(CUSTOMERS, json=_customer("Badkey Co"), headers=_keyed("retry-1"))
    assert response.status_code == 400
    detail = error_detail(response)
    assert (detail["o:errorCode"], detail["o:errorHeader"]) == (
        "INVALID_HEADER",
        "X-NetSuite-Idempotency-Key",
    )
    assert _named(client, "Badkey Co") == []


def test_a_key_is_free_again_once_its_job_expires(client: TestClient, clock: Clock) -> None:
    key = str(uuid.uuid4())
    first = client.post(CUSTOMERS, json=_customer("Expiring Co"), headers=_keyed(key))
    clock.now += RETENTION + timedelta(seconds=1)
    assert client.get(_path(first.headers["Location"])).status_code == 404
    again = client.post(CUSTOMERS, json=_customer("Expiring Co"), headers=_keyed(key))
    assert again.status_code == 202
    assert again.headers["Location"] != first.headers["Location"]


def test_a_refused_write_is_a_failed_job_whose_result_is_the_error(client: TestClient) -> None:
    accepted = client.post(CUSTOMERS, json={"companyName": "No Sub"}, headers=ASYNC)
    assert accepted.status_code == 202
    job = _path(accepted.headers["Location"])
    assert client.get(job).json()["progress"] == "failed"
    result = client.get(f"{job}/task/1/result")
    assert (result.status_code, error_detail(result)["o:errorCode"]) == (400, "USER_ERROR")


def test_async_update_upsert_delete_and_get(client: TestClient) -> None:
    upsert = client.put(f"{CUSTOMERS}/eid:ASYNC-1", json=_customer("Upserted Async"),
                        headers=ASYNC)  # fmt: skip
    assert upsert.status_code == 202
    (new_id,) = _named(client, "Upserted Async")
    patched = client.patch(f"{CUSTOMERS}/{new_id}", json={"phone": "555-0100"}, headers=ASYNC)
    assert patched.status_code == 202
    read = client.get(f"{CUSTOMERS}/{new_id}", headers=ASYNC)
    record = client.get(_path(read.headers["Location"]) + "/task/1/result").json()
    assert (record["phone"], record["externalId"]) == ("555-0100", "ASYNC-1")
    listed = client.get(CUSTOMERS, params={"q": 'externalId IS "ASYNC-1"'}, headers=ASYNC)
    listing = client.get(_path(listed.headers["Location"]) + "/task/1/result").json()
    assert [item["id"] for item in listing["items"]] == [new_id]
    assert client.delete(f"{CUSTOMERS}/{new_id}", headers=ASYNC).status_code == 202
    assert _named(client, "Upserted Async") == []


def test_async_suiteql_result_is_the_page(client: TestClient) -> None:
    client.post(CUSTOMERS, json=_customer("Queried Co"))
    query = {"q": "SELECT id, companyname FROM customer WHERE companyname = 'Queried Co'"}
    accepted = client.post(SUITEQL, json=query, headers=ASYNC)
    assert accepted.status_code == 202
    page = client.get(_path(accepted.headers["Location"]) + "/task/1/result").json()
    assert (page["totalResults"], page["items"][0]["companyname"]) == (1, "Queried Co")
    bad = client.post(SUITEQL, json={"q": "SELECT nope FROM customer"}, headers=ASYNC)
    failed = client.get(_path(bad.headers["Location"]) + "/task/1/result")
    assert (failed.status_code, error_detail(failed)["o:errorCode"]) == (400, "INVALID_PARAMETER")


def test_unknown_job_or_task_is_404(client: TestClient) -> None:
    assert client.get(f"{JOBS}/987").status_code == 404
    accepted = client.post(CUSTOMERS, json=_customer("Tasked Co"), headers=ASYNC)
    missing = client.get(_path(accepted.headers["Location"]) + "/task/2")
    assert (missing.status_code, error_detail(missing)["o:errorCode"]) == (404, "NONEXISTENT_ID")


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda k: k.upper(), id="upper-case"),
        pytest.param(lambda k: "{" + k + "}", id="braces"),
        pytest.param(lambda k: "urn:uuid:" + k, id="urn"),
        pytest.param(lambda k: k.replace("-", ""), id="no-hyphens"),
    ],
)
def test_a_key_spelt_another_way_is_the_same_key(
    client: TestClient, spelling: Callable[[str], str]
) -> None:
    key = str(uuid.uuid4())
    assert (
        client.post(CUSTOMERS, json=_customer("Spelt Co"), headers=_keyed(key)).status_code == 202
    )
    again = client.post(CUSTOMERS, json=_customer("Spelt Co"), headers=_keyed(spelling(key)))
    assert (again.status_code, _refusal(again)) == (400, "IDEMPOTENCY_ERROR")
    assert len(_named(client, "Spelt Co")) == 1

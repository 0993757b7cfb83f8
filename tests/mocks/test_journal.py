"""The request journal on real vendor apps in process: what it records, what it keeps, what
it summarises, and that the admin API guards, filters and clears it."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from mocks.journal import JournalEntry, RequestJournal, client_of, summarize
from mocks.netsuite import create_app as netsuite_app
from mocks.salesforce import create_app as salesforce_app
from tests.mocks.netsuite.support import CUSTOMERS, signed_client
from tests.mocks.salesforce.conftest import BASE, password_grant

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ADMIN = {"X-Harness-Token": "harness-admin"}


@pytest.fixture
def netsuite() -> Iterator[TestClient]:
    client = signed_client(netsuite_app())
    yield client
    client.close()


@pytest.fixture
def salesforce() -> Iterator[TestClient]:
    with TestClient(salesforce_app()) as client:
        yield client


def journal(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/__harness/journal", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_netsuite_write_is_recorded_with_the_fields_it_wrote(netsuite: TestClient) -> None:
    body = {"companyName": "Acme Corp", "subsidiary": {"id": "1"}, "externalId": "A-1"}
    assert netsuite.post(CUSTOMERS, json=body).status_code == 204

    read = journal(netsuite)
    (entry,) = read["entries"]
    assert (entry["method"], entry["path"], entry["kind"], entry["status"]) == (
        "POST",
        CUSTOMERS,
        "write",
        204,
    )
    (write,) = entry["writes"]
    assert write["object"] == "customer" and write["kind"] == "create"
    assert {"companyName", "externalId", "subsidiary"} <= set(write["fields"])
    assert entry["client"].endswith("]") and "oauth1:" in entry["client"]
    assert read["totals"]["records_written"] == {"customer": 1}
    assert read["summary"]["fields_written"]["customer"]["companyName"] == 1


def test_the_client_names_the_credential_without_its_secret(salesforce: TestClient) -> None:
    token = password_grant(salesforce).json()["access_token"]
    salesforce.get(f"{BASE}/sobjects/", headers={"Authorization": f"Bearer {token}"})

    entries = journal(salesforce)["entries"]
    assert entries[0]["kind"] == "auth"
    assert "bearer:" in entries[-1]["client"]
    assert all(token not in e["client"] for e in entries)


def test_failed_logins_and_refused_tokens_count_as_auth_failures(
    salesforce: TestClient,
) -> None:
    assert password_grant(salesforce, password="wrong").status_code == 400
    denied = salesforce.get(f"{BASE}/sobjects/", headers={"Authorization": "Bearer nope"})
    assert denied.status_code == 401

    read = journal(salesforce)
    assert read["summary"]["auth_failures"] == 2
    assert read["totals"]["auth_failures"] == 2


def test_a_429_from_the_fault_plan_is_recorded_with_its_retry_after(
    netsuite: TestClient,
) -> None:
    plan = {
        "version": 1,
        "rules": [
            {
                "name": "slow down",
                "match": {"kind": ["write"]},
                "when": {"nth": [1]},
                "effect": {"type": "rate_limit", "retry_after": [2, 2]},
            }
        ],
    }
    assert netsuite.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    body = {"companyName": "Acme Corp", "subsidiary": {"id": "1"}}
    assert netsuite.post(CUSTOMERS, json=body).status_code == 429
    assert netsuite.post(CUSTOMERS, json=body).status_code == 204  # at once: not honoured

    summary = journal(netsuite)["summary"]
    assert summary["rate_limited"] == 1
    assert summary["retries"] == 1
    assert summary["retry_after"] == {"retried": 1, "honoured": 0, "ignored": 1, "not_retried": 0}


def test_a_retry_that_waits_as_asked_is_honoured() -> None:
    now = [100.0]
    book = RequestJournal(clock=lambda: now[0], wall=lambda: 0.0)
    throttled = JournalEntry(1, 0.0, 100.0, 100.1, "sdk", "PUT", "/r/1", "write", 429, 3.0)
    waited = JournalEntry(2, 0.0, 103.2, 103.3, "sdk", "PUT", "/r/1", "write", 204, None)
    hasty = JournalEntry(3, 0.0, 103.4, 103.5, "sdk", "PUT", "/r/2", "write", 429, 3.0)
    again = JournalEntry(4, 0.0, 104.0, 104.1, "sdk", "PUT", "/r/2", "write", 204, None)
    for entry in (throttled, waited, hasty, again):
        book.record(entry)

    waits = summarize(book.entries())["retry_after"]
    assert waits == {"retried": 2, "honoured": 1, "ignored": 1, "not_retried": 0}
    now[0] = 110.1
    assert book.quiet_seconds == pytest.approx(6.0)


def test_the_ring_forgets_old_entries_but_the_totals_stay_exact() -> None:
    book = RequestJournal(capacity=3)
    for n in range(1, 11):
        status = 429 if n % 2 else 200
        book.record(JournalEntry(n, 0.0, n, n, "c", "GET", f"/x/{n}", "read", status, 1.0))

    assert [e.seq for e in book.entries()] == [8, 9, 10]
    totals = book.totals()
    assert totals["requests"] == 10 and totals["rate_limited"] == 5


def test_filters_choose_entries_and_the_summary_covers_them(netsuite: TestClient) -> None:
    netsuite.get(CUSTOMERS)
    netsuite.post(CUSTOMERS, json={"companyName": "Acme Corp", "subsidiary": {"id": "1"}})

    writes = journal(netsuite, kind="write")
    assert [e["method"] for e in writes["entries"]] == ["POST"]
    assert writes["summary"]["calls_by_kind"] == {"write": 1}
    assert writes["totals"]["by_kind"] == {"query": 1, "write": 1}
    assert journal(netsuite, since=1, limit=0)["entries"] == []


def test_the_journal_needs_the_token_and_delete_clears_it(netsuite: TestClient) -> None:
    netsuite.get(CUSTOMERS)
    assert netsuite.get("/__harness/journal").status_code == 401
    assert netsuite.delete("/__harness/journal").status_code == 401

    assert netsuite.delete("/__harness/journal", headers=ADMIN).status_code == 200
    read = journal(netsuite)
    assert read["entries"] == [] and read["totals"]["requests"] == 0
    assert read["quiet_seconds"] is None  # admin calls are never journalled


def test_client_of_reads_a_basic_user_but_no_password() -> None:
    import base64

    basic = base64.b64encode(b"integration@acme:s3cret").decode()
    who = client_of({b"user-agent": b"boomi/1.0", b"authorization": f"Basic {basic}".encode()})
    assert who == "boomi/1.0 [basic:integration@acme]"
    assert "s3cret" not in who

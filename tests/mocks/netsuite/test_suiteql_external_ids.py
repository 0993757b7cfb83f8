"""SuiteQL queries pinned to external ids start from the store's index: same answers."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from mocks.netsuite.query.execute import Executor
from mocks.netsuite.query.suiteql import parse
from mocks.netsuite.seed import seed_base
from mocks.store import RecordStore
from tests.mocks.netsuite.support import SUITEQL, TestClient


def _ids(client: TestClient, q: str) -> list[str]:
    response = client.post(SUITEQL, json={"q": q}, headers={"Prefer": "transient"})
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["items"]]


@pytest.fixture
def many(make_customer: Callable[..., str]) -> dict[str, str]:
    """Twelve customers, every third without an external id; external id -> internal id."""
    made = {}
    for i in range(12):
        external = None if i % 3 == 0 else f"CRM-{i:02d}"
        record_id = make_customer(companyName=f"Firm {i:02d}", externalId=external)
        if external:
            made[external] = record_id
    return made


@pytest.mark.parametrize(
    "where",
    [
        "externalid IN ('CRM-01', 'CRM-05', 'CRM-99', 'CRM-10')",
        "externalid = 'CRM-04'",
        "companyname LIKE 'Firm 1%' AND externalid IN ('CRM-10', 'CRM-11', 'CRM-02')",
        "externalid IN ('CRM-01') OR companyname = 'Firm 03'",
        "externalid NOT IN ('CRM-01', 'CRM-02')",
    ],
    ids=["in-list", "equals", "and-ed", "or-ed (no index)", "not-in (no index)"],
)
def test_index_and_scan_agree(client: TestClient, many: dict[str, str], where: str) -> None:
    fast = _ids(client, f"SELECT id FROM customer WHERE {where} ORDER BY id")
    # The same condition wrapped so no external id is pinned: the full scan.
    slow = _ids(client, f"SELECT id FROM customer WHERE ({where}) OR 1 = 0 ORDER BY id")
    assert fast == slow


def test_a_deleted_record_is_not_found_by_its_external_id(
    client: TestClient, many: dict[str, str]
) -> None:
    gone = many["CRM-05"]
    assert client.delete(f"/services/rest/record/v1/customer/{gone}").status_code == 204
    assert _ids(client, "SELECT id FROM customer WHERE externalid IN ('CRM-05', 'CRM-07')") == [
        many["CRM-07"]
    ]


def test_an_in_list_finds_exactly_the_named_records(
    client: TestClient, many: dict[str, str]
) -> None:
    got = _ids(client, "SELECT id FROM customer WHERE externalid IN ('CRM-01', 'CRM-99', 'CRM-10')")
    assert got == sorted([many["CRM-01"], many["CRM-10"]], key=int)


def test_a_reset_store_never_serves_the_previous_worlds_result_set(
    client: TestClient, store: RecordStore, make_customer: Callable[..., str]
) -> None:
    query = "SELECT id, companyname FROM customer ORDER BY id"
    first = [make_customer(companyName=f"Old {i}") for i in range(3)]
    assert _ids(client, query) == first
    store.reset()  # a reseed: the change sequence starts again at zero
    seed_base(store)
    second = [make_customer(companyName=f"New {i}") for i in range(3)]
    response = client.post(SUITEQL, json={"q": query}, headers={"Prefer": "transient"})
    names = [row["companyname"] for row in response.json()["items"]]
    assert names == ["New 0", "New 1", "New 2"] and _ids(client, query) == second


def test_lookups_from_many_threads_share_the_result_cache_safely(
    store: RecordStore, many: dict[str, str]
) -> None:
    """A sync sends its lookup chunks together, so the mock runs queries on several threadpool
    threads at once, sharing cached result sets and compiled projections: every answer must
    stay right while the cache turns over."""
    wanted = sorted(many)
    queries = [
        f"SELECT id, externalid FROM customer WHERE externalid IN ('{a}', '{b}') ORDER BY id"
        for a in wanted
        for b in wanted
    ] * 4
    executor = Executor(store, "M/D/YYYY")

    def ids(query: str) -> set[str]:
        return {row["id"] for row in executor.run(parse(query), limit=1000, offset=0).rows}

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ids, queries))
    for query, found in zip(queries, answers, strict=True):
        assert found == {many[e] for e in wanted if f"'{e}'" in query}

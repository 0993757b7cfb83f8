"""Per-record failures in Salesforce collections: partial batches and duplicate rules."""

from __future__ import annotations

from typing import Any

import pytest

from mocks.store import RecordStore

from .support import (
    BASE,
    Clock,
    TestClient,
    add_accounts,
    faults,
    salesforce_client,
    sf_login,
    truth,
)

COLLECTION = f"{BASE}/composite/sobjects"
LOCKED = {
    "statusCode": "UNABLE_TO_LOCK_ROW",
    "message": "unable to obtain exclusive access to this record or 1 records",
    "fields": [],
}


@pytest.fixture
def store() -> RecordStore:
    return RecordStore(clock=Clock())


@pytest.fixture
def sf(store: RecordStore) -> tuple[TestClient, dict[str, str]]:
    client = salesforce_client(store)
    return client, sf_login(client)


def _accounts(n: int, prefix: str = "New") -> list[dict[str, Any]]:
    return [{"attributes": {"type": "Account"}, "Name": f"{prefix} {i}"} for i in range(n)]


def _batch_plan(**effect: Any) -> dict[str, Any]:
    return {"seed": 3, "rules": [{"name": "locks", "effect": {"type": "partial_batch", **effect}}]}


def test_failed_records_are_not_written_and_results_keep_input_order(
    sf: Any, store: RecordStore
) -> None:
    client, auth = sf
    faults(client, _batch_plan(count=3))
    response = client.post(COLLECTION, json={"records": _accounts(10)}, headers=auth)
    assert response.status_code == 200
    results = response.json()
    assert len(results) == 10
    failed = [i for i, r in enumerate(results) if not r["success"]]
    assert len(failed) == 3
    for i in failed:
        assert results[i] == {"success": False, "errors": [LOCKED]}
    written = {r.fields["Name"] for r in store.records("Account")}
    assert written == {f"New {i}" for i in range(10) if i not in failed}
    by_id = {r.id: r.fields["Name"] for r in store.records("Account")}
    for i, result in enumerate(results):
        if result["success"]:
            assert by_id[result["id"]] == f"New {i}"  # each id belongs to its own input record
    [fact] = truth(client)
    assert fact["failed_indices"] == failed
    assert (fact["written"], fact["records"], fact["code"]) == (7, 10, "UNABLE_TO_LOCK_ROW")


def test_the_same_seed_fails_the_same_records(store: RecordStore) -> None:
    picks = []
    for _ in range(2):
        client = salesforce_client(RecordStore(clock=Clock()))
        auth = sf_login(client)
        faults(client, _batch_plan(rate=0.4))
        results = client.post(COLLECTION, json={"records": _accounts(20)}, headers=auth).json()
        picks.append([i for i, r in enumerate(results) if not r["success"]])
    assert picks[0] == picks[1]
    assert 0 < len(picks[0]) < 20


def test_all_or_none_fails_the_whole_batch_like_salesforce(sf: Any, store: RecordStore) -> None:
    client, auth = sf
    faults(client, _batch_plan(count=1, code="FIELD_CUSTOM_VALIDATION_EXCEPTION", message="no"))
    body = {"allOrNone": True, "records": _accounts(4)}
    results = client.post(COLLECTION, json=body, headers=auth).json()
    codes = [r["errors"][0]["statusCode"] for r in results]
    assert codes.count("FIELD_CUSTOM_VALIDATION_EXCEPTION") == 1
    assert codes.count("ALL_OR_NONE_OPERATION_ROLLED_BACK") == 3
    assert not any(r["success"] for r in results)
    assert store.records("Account") == []


def test_updates_keep_their_ids_in_failed_results(sf: Any, store: RecordStore) -> None:
    client, auth = sf
    ids = add_accounts(store, 4)
    faults(client, _batch_plan(count=2))
    records = [{"attributes": {"type": "Account"}, "Id": i, "Name": "Renamed"} for i in ids]
    results = client.patch(COLLECTION, json={"records": records}, headers=auth).json()
    assert [r["id"] for r in results] == ids
    renamed = {r.id for r in store.records("Account") if r.fields["Name"] == "Renamed"}
    assert renamed == {r["id"] for r in results if r["success"]}
    assert len(renamed) == 2


def test_single_record_writes_are_left_alone(sf: Any, store: RecordStore) -> None:
    client, auth = sf
    faults(client, _batch_plan(count=1))
    response = client.post(f"{BASE}/sobjects/Account", json={"Name": "Solo"}, headers=auth)
    assert response.status_code == 201
    assert truth(client) == []


def test_duplicate_rule_blocks_a_create_matching_an_existing_name(
    sf: Any, store: RecordStore
) -> None:
    client, auth = sf
    [existing] = add_accounts(store, 1)
    faults(client, {"rules": [{"name": "dupes", "effect": {"type": "duplicate_rule"}}]})
    response = client.post(
        f"{BASE}/sobjects/Account", json={"Name": " account 00001 "}, headers=auth
    )
    assert response.status_code == 400
    [error] = response.json()
    assert error["errorCode"] == "DUPLICATES_DETECTED"
    match = error["duplicateResult"]["matchResults"][0]["matchRecords"][0]["record"]
    assert match["Id"] == existing
    assert (
        client.post(f"{BASE}/sobjects/Account", json={"Name": "Fresh"}, headers=auth).status_code
        == 201
    )
    assert [f["duplicate_of"] for f in truth(client)] == [[existing]]


def test_duplicate_rule_in_a_collection_fails_only_the_twins(sf: Any, store: RecordStore) -> None:
    client, auth = sf
    add_accounts(store, 1)
    faults(client, {"rules": [{"effect": {"type": "duplicate_rule"}}]})
    records = [*_accounts(2), {"attributes": {"type": "Account"}, "Name": "Account 00001"}]
    results = client.post(COLLECTION, json={"records": records}, headers=auth).json()
    assert [r["success"] for r in results] == [True, True, False]
    assert results[2]["errors"][0]["statusCode"] == "DUPLICATES_DETECTED"
    assert store.count("Account") == 3

"""VENDORS.md section 8 traps: ties, silent edits, hard deletes, late visibility, paging drift."""

from __future__ import annotations

from typing import Any

import pytest

from mocks.store import RecordStore

from .support import (
    ADMIN,
    BASE,
    CUSTOMERS,
    SUITEQL,
    Clock,
    TestClient,
    add_accounts,
    add_customers,
    faults,
    netsuite_client,
    salesforce_client,
    sf_login,
    truth,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> RecordStore:
    return RecordStore(clock=clock)


@pytest.fixture
def sf(store: RecordStore, clock: Clock) -> tuple[TestClient, dict[str, str]]:
    for n in range(1, 7):  # six accounts, one second apart
        add_accounts(store, 1, start=n)
        clock.advance(seconds=1)
    client = salesforce_client(store)
    return client, sf_login(client)


def _trap(client: TestClient, **body: Any) -> Any:
    return client.post("/__harness/traps", json=body, headers=ADMIN)


def test_timestamp_ties_restamp_records_to_one_modified_time(sf: Any, store: RecordStore) -> None:
    client, auth = sf
    response = _trap(client, trap="timestamp_ties", object="Account", count=4, seed=1)
    assert response.status_code == 200, response.text
    facts = response.json()["facts"]
    assert len(facts) == 4
    tied = {store.get("Account", f["id"]).modified_at for f in facts}
    assert len(tied) == 1
    assert {f["version"] for f in facts} == {2}
    soql = {"q": "SELECT Id, SystemModstamp FROM Account"}
    rows = client.get(f"{BASE}/query", headers=auth, params=soql).json()["records"]
    stamps = [r["SystemModstamp"] for r in rows if r["Id"] in {f["id"] for f in facts}]
    assert len(set(stamps)) == 1
    assert [f["trap"] for f in truth(client, "trap")] == ["timestamp_ties"] * 4


def test_silent_edit_changes_data_without_a_new_version(sf: Any, store: RecordStore) -> None:
    client, _ = sf
    before = {r.id: (r.version, r.modified_at) for r in store.records("Account")}
    facts = _trap(client, trap="silent_edit", object="Account", count=2, field="Phone").json()[
        "facts"
    ]
    for fact in facts:
        rec = store.get("Account", fact["id"])
        assert rec.fields["Phone"] == fact["after"] == fact["before"] + " (recalculated)"
        assert (rec.version, rec.modified_at) == before[fact["id"]]


def test_hard_delete_is_invisible_to_query_all_and_the_deleted_feed(sf: Any) -> None:
    client, auth = sf
    [fact] = _trap(client, trap="hard_delete", object="Account", count=1, seed=4).json()["facts"]
    rows = client.get(f"{BASE}/queryAll", params={"q": "SELECT Id FROM Account"}, headers=auth)
    ids = [r["Id"] for r in rows.json()["records"]]
    assert len(ids) == 5
    assert fact["id"] not in ids
    feed = client.get(
        f"{BASE}/sobjects/Account/deleted",
        params={"start": "2024-01-15T00:00:00+00:00", "end": "2024-01-16T00:00:00+00:00"},
        headers=auth,
    )
    assert feed.json()["deletedRecords"] == []
    expected = {"kind": "trap", "vendor": "salesforce", "trap": "hard_delete", "object": "Account"}
    assert truth(client, "trap") == [{**expected, **fact}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"trap": "timestamp_tie", "object": "Account"}, "did you mean 'timestamp_ties'?"),
        ({"trap": "hard_delete", "object": "Account", "cout": 2}, "did you mean 'count'?"),
        ({"trap": "hard_delete", "object": "Lead"}, "no live 'Lead' records"),
        ({"trap": "hard_delete", "object": "Account", "count": 99}, "needs 99 live Account"),
        ({"trap": "silent_edit", "object": "Account"}, "silent_edit needs the field"),
    ],
    ids=["trap-typo", "key-typo", "unknown-object", "too-many", "no-field"],
)
def test_bad_trap_requests_say_what_to_change(sf: Any, body: dict[str, Any], message: str) -> None:
    response = _trap(sf[0], **body)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_late_visibility_hides_recent_changes_from_queries_only(
    sf: Any, store: RecordStore, clock: Clock
) -> None:
    client, auth = sf
    faults(
        client, {"rules": [{"name": "lag", "effect": {"type": "late_visibility", "seconds": 3}}]}
    )
    query = {"q": "SELECT Id FROM Account"}
    rows = client.get(f"{BASE}/query", params=query, headers=auth).json()
    assert rows["totalSize"] == 4  # the last two changed under 3 s ago
    recent = sorted(r.id for r in store.records("Account"))[4:]
    assert recent[0] not in {r["Id"] for r in rows["records"]}
    assert client.get(f"{BASE}/sobjects/Account/{recent[0]}", headers=auth).status_code == 200
    clock.advance(seconds=10)
    assert client.get(f"{BASE}/query", params=query, headers=auth).json()["totalSize"] == 6
    [fact] = truth(client)
    assert sorted(fact["hidden_ids"]) == recent


def test_netsuite_late_visibility_trims_list_and_suiteql_pages() -> None:
    clock = Clock()
    client = netsuite_client(RecordStore(clock=clock))
    add_customers(client, 2)
    clock.advance(seconds=30)
    late = client.post(CUSTOMERS, json={"companyName": "Late", "subsidiary": {"id": "1"}})
    assert late.status_code == 204
    faults(client, {"rules": [{"effect": {"type": "late_visibility", "seconds": 5}}]})
    listed = client.get(CUSTOMERS).json()
    assert [i["id"] for i in listed["items"]] == ["1", "2"]
    assert listed["totalResults"] == 2
    rows = client.post(SUITEQL, json={"q": "SELECT id FROM customer"}).json()
    assert [r["id"] for r in rows["items"]] == ["1", "2"]


def test_offset_paging_drift_makes_a_pager_skip_live_records() -> None:
    client = netsuite_client()
    ids = add_customers(client, 6)
    faults(client, {"rules": [{"name": "drift", "effect": {"type": "paging_drift", "count": 1}}]})
    seen: list[str] = []
    offset = 0
    for _ in range(10):  # bounded paging loop
        page = client.get(CUSTOMERS, params={"limit": 2, "offset": offset}).json()
        seen += [i["id"] for i in page["items"]]
        if not page["hasMore"]:
            break
        offset += 2
    facts = truth(client)
    skipped = [i for f in facts for i in f["skipped_ids"]]
    assert skipped
    assert not set(skipped) & set(seen)  # never served...
    live = [r["id"] for r in client.get(CUSTOMERS).json()["items"]]
    assert set(skipped) <= set(live)  # ...though still there
    assert set(seen) | set(skipped) == set(ids)

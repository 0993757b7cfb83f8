"""Query answers come from a cache of encoded records: every kind of change must show."""

from __future__ import annotations

from fastapi.testclient import TestClient

from mocks.store import RecordStore

from .conftest import ADMIN, Api, add_accounts

SOQL = "SELECT Id, Name, Phone FROM Account ORDER BY Id"


def phones(api: Api) -> dict[str, str | None]:
    body = api.query(SOQL).json()
    return {r["Id"]: r["Phone"] for r in body["records"]}


def test_a_repeated_query_sees_api_writes_store_writes_and_silent_edits(
    api: Api, client: TestClient, store: RecordStore
) -> None:
    first, second, third = add_accounts(store, 3, Phone="+1 555 0100")
    assert phones(api) == dict.fromkeys((first, second, third), "+1 555 0100")  # now cached

    assert api.patch(f"sobjects/Account/{first}", json={"Phone": "+1 555 0199"}).status_code == 204
    store.update("Account", second, {"Phone": "+1 555 0142"})
    trap = {"trap": "silent_edit", "object": "Account", "count": 3, "field": "Phone", "seed": 1}
    facts = client.post("/__harness/traps", json=trap, headers=ADMIN).json()["facts"]
    # A silent edit changes data without a new version or modified time: still seen.
    expected = {f["id"]: f["after"] for f in facts}
    assert phones(api) == expected
    assert expected[first] == "+1 555 0199 (recalculated)"


def test_a_different_field_list_or_a_reseed_never_reuses_old_rows(
    api: Api, client: TestClient, store: RecordStore
) -> None:
    add_accounts(store, 2, Phone="+1 555 0100")
    phones(api)
    names = api.query("SELECT Id, Name FROM Account ORDER BY Id").json()["records"]
    assert all(set(r) == {"attributes", "Id", "Name"} for r in names)
    reseed = client.post("/__harness/seed", json={"seed": 5, "accounts": 4}, headers=ADMIN)
    assert reseed.status_code == 200, reseed.text
    after = api.query(SOQL).json()
    assert after["totalSize"] == 4
    # The world's companies, not the rows rendered for the accounts the reseed replaced.
    assert not any(r["Name"].startswith("Account 0000") for r in after["records"])

"""SOQL LIKE through the query endpoint: a pattern of hundreds of `%` answers at once."""

from __future__ import annotations

from mocks.store import RecordStore
from tests.mocks.salesforce.conftest import Api, add_accounts


def test_like_with_500_percent_signs_answers_against_long_values(
    api: Api, store: RecordStore
) -> None:
    # Straight into the store: 2,000 characters is past Name's limit, and no limit applies
    # to what LIKE must read. The old `.*`-per-`%` regex never finished on the first one.
    (no_match,) = add_accounts(store, 1, start=1, Name="a" * 2_000)
    (match,) = add_accounts(store, 1, start=2, Name="a" * 1_999 + "B")
    pattern = "%" * 500 + "b"
    response = api.query(f"SELECT Id FROM Account WHERE Name LIKE '{pattern}'")
    assert response.status_code == 200, response.text
    assert [r["Id"] for r in response.json()["records"]] == [match]
    assert no_match != match

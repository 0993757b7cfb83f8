"""SuiteQL LIKE through the endpoint: a pattern of hundreds of `%` answers at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mocks.netsuite import NetSuiteMockConfig
from tests.mocks.netsuite.support import SUITEQL, TestClient


@pytest.fixture
def config() -> NetSuiteMockConfig:
    return NetSuiteMockConfig(max_lengths={"companyName": 2_000})  # room for a long value


def test_like_with_500_percent_signs_answers_against_long_values(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    # The old `.*`-per-`%` regex never finished on the first customer's name.
    make_customer(companyName="a" * 2_000)
    match = make_customer(companyName="a" * 1_999 + "b")
    pattern = "%" * 500 + "b"
    response = client.post(
        SUITEQL,
        json={"q": f"SELECT id FROM customer WHERE companyname LIKE '{pattern}'"},
        headers={"Prefer": "transient"},
    )
    assert response.status_code == 200, response.text
    assert [row["id"] for row in response.json()["items"]] == [match]

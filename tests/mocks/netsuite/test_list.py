"""The record list: limit/offset paging, links and the `q` filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from mocks.store import RecordStore
from tests.mocks.netsuite.support import CUSTOMERS, Clock, TestClient, error_detail


def _fill(store: RecordStore, count: int) -> None:
    for i in range(1, count + 1):
        store.insert("customer", str(i), {"companyName": f"Co {i}", "subsidiary": "1"})


def _links(body: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    return {link["rel"]: parse_qs(urlsplit(link["href"]).query) for link in body["links"]}


def test_list_items_hold_only_links_and_id(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    make_customer(email="a@b.example")
    (item,) = client.get(CUSTOMERS).json()["items"]
    assert item == {
        "links": [{"rel": "self", "href": f"http://testserver{CUSTOMERS}/1"}],
        "id": "1",
    }


def test_empty_list(client: TestClient) -> None:
    body = client.get(CUSTOMERS).json()
    assert (body["count"], body["hasMore"], body["totalResults"], body["items"]) == (
        0,
        False,
        0,
        [],
    )
    assert set(_links(body)) == {"first", "last", "self"}


def test_exactly_one_full_page(client: TestClient, store: RecordStore) -> None:
    _fill(store, 1000)
    body = client.get(CUSTOMERS).json()
    assert (body["count"], body["hasMore"], body["totalResults"]) == (1000, False, 1000)
    assert "next" not in _links(body)
    assert _links(body)["last"]["offset"] == ["0"]


def test_one_record_past_a_full_page(client: TestClient, store: RecordStore) -> None:
    _fill(store, 1001)
    first = client.get(CUSTOMERS).json()
    assert (first["count"], first["hasMore"], first["totalResults"]) == (1000, True, 1001)
    links = _links(first)
    assert links["next"] == {"limit": ["1000"], "offset": ["1000"]}
    assert links["last"]["offset"] == ["1000"]
    assert "prev" not in links
    next_href = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert next_href.startswith(f"http://testserver{CUSTOMERS}?")
    second = client.get(next_href).json()
    assert (second["count"], second["hasMore"], second["offset"]) == (1, False, 1000)
    assert second["items"][0]["id"] == "1001"
    assert _links(second)["prev"]["offset"] == ["0"]


def test_small_pages_walk_every_record_once(client: TestClient, store: RecordStore) -> None:
    _fill(store, 23)
    seen: list[str] = []
    url: str | None = f"{CUSTOMERS}?limit=5"
    while url:
        body = client.get(url).json()
        seen += [item["id"] for item in body["items"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert seen == [str(i) for i in range(1, 24)]


def test_offset_past_the_end_gives_an_empty_page(client: TestClient, store: RecordStore) -> None:
    _fill(store, 3)
    body = client.get(CUSTOMERS, params={"offset": 10, "limit": 2}).json()
    assert (body["count"], body["hasMore"], body["totalResults"]) == (0, False, 3)


@pytest.fixture
def population(client: TestClient, make_customer: Callable[..., str], clock: Clock) -> None:
    """Four customers created a day apart, from 2024-01-15 10:22 UTC."""
    rows = [
        {"companyName": "Alpha Ltd", "email": "ap@alpha.example", "isInactive": False},
        {"companyName": "Beta GmbH", "subsidiary": {"id": "3"}, "creditLimit": 500},
        {"companyName": "alphabet soup", "email": "x@soup.example", "isInactive": True},
        {"companyName": "Gamma SAS", "subsidiary": {"id": "4"}, "creditLimit": 2500},
    ]
    for row in rows:
        make_customer(**row)
        clock.now += timedelta(days=1)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param('companyName START_WITH "alpha"', ["1", "3"], id="start-with-ignores-case"),
        pytest.param("companyName CONTAIN gmbh", ["2"], id="contain-bare-word"),
        pytest.param("companyName IS 'Gamma SAS'", ["4"], id="is-single-quoted"),
        pytest.param('companyName EQUAL "beta gmbh"', ["2"], id="equal"),
        pytest.param("email EMPTY", ["2", "4"], id="empty"),
        pytest.param("email EMPTY_NOT", ["1", "3"], id="empty-not"),
        pytest.param("isInactive IS true", ["3"], id="boolean"),
        pytest.param("subsidiary ANY_OF [3, 4]", ["2", "4"], id="any-of-reference"),
        pytest.param("id ANY_OF [1, 4]", ["1", "4"], id="any-of-id"),
        pytest.param("creditLimit GREATER 1000", ["4"], id="greater"),
        pytest.param('dateCreated AFTER "2024-01-16"', ["3", "4"], id="after-day"),
        pytest.param('dateCreated BEFORE "1/16/2024"', ["1"], id="before-user-format"),
        pytest.param('dateCreated ON_OR_AFTER "2024-01-16"', ["2", "3", "4"], id="on-or-after"),
        pytest.param('dateCreated ON_OR_BEFORE "2024-01-16"', ["1", "2"], id="on-or-before"),
        pytest.param('lastModifiedDate AFTER "2024-01-16T10:22:00Z"', ["3", "4"], id="after-time"),
        pytest.param(
            'lastModifiedDate ON_OR_AFTER "2024-01-16T10:22:00Z"', ["2", "3", "4"], id="at-time"
        ),
        pytest.param('companyName START_WITH "alpha" AND isInactive IS false', ["1"], id="and"),
        pytest.param('companyName CONTAIN "beta" OR creditLimit GREATER 2000', ["2", "4"], id="or"),
        pytest.param(
            "isInactive IS true OR companyName CONTAIN beta AND creditLimit LESS 100",
            ["3"],
            id="and-binds-tighter",
        ),
        pytest.param("companyName START_WITH_NOT alpha", ["2", "4"], id="negated"),
    ],
)
def test_q_filter(population: None, client: TestClient, q: str, expected: list[str]) -> None:
    body = client.get(CUSTOMERS, params={"q": q}).json()
    assert [item["id"] for item in body["items"]] == expected
    assert body["totalResults"] == len(expected)


def test_q_is_kept_in_paging_links(population: None, client: TestClient) -> None:
    body = client.get(CUSTOMERS, params={"q": "id ANY_OF [1,2,3]", "limit": 2}).json()
    assert _links(body)["next"]["q"] == ["id ANY_OF [1,2,3]"]


@pytest.mark.parametrize(
    "q",
    [
        pytest.param("shoeSize EQUAL 4", id="unknown-field"),
        pytest.param("companyName AFTER 2024", id="operator-for-other-type"),
        pytest.param("companyName", id="no-operator"),
        pytest.param("companyName IS", id="no-value"),
        pytest.param("creditLimit GREATER lots", id="not-a-number"),
        pytest.param('dateCreated AFTER "yesterday"', id="not-a-date"),
        pytest.param("isInactive IS maybe", id="not-a-boolean"),
        pytest.param("companyName IS a XOR id EQUAL 1", id="bad-joiner"),
        pytest.param("addressBook EMPTY", id="sublist"),
    ],
)
def test_bad_q_is_invalid_parameter(client: TestClient, q: str) -> None:
    response = client.get(CUSTOMERS, params={"q": q})
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_PARAMETER" and detail["o:errorQueryParam"] == "q"

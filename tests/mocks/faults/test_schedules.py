"""When rules fire: nth, first N, after N, times caps, and seeded rates."""

from __future__ import annotations

from typing import Any

import pytest

from .support import CUSTOMERS, TestClient, faults, netsuite_client, truth


def _error_rule(when: dict[str, Any], **match: Any) -> dict[str, Any]:
    return {"name": "boom", "match": {"kind": "query", **match}, "when": when,
            "effect": {"type": "error", "status": 500}}  # fmt: skip


def _statuses(client: TestClient, count: int) -> list[int]:
    return [client.get(CUSTOMERS, params={"limit": 5}).status_code for _ in range(count)]


@pytest.fixture
def client() -> TestClient:
    return netsuite_client()


@pytest.mark.parametrize(
    ("when", "failing"),
    [
        ({"nth": [3, 7]}, [3, 7]),
        ({"first": 2}, [1, 2]),
        ({"after": 6}, [7, 8]),
        ({"after": 2, "times": 3}, [3, 4, 5]),
        ({"first": 5, "nth": [2, 4, 6]}, [2, 4]),
        ({}, [1, 2, 3, 4, 5, 6, 7, 8]),
    ],
    ids=["nth", "first", "after", "after-times", "first-and-nth", "always"],
)
def test_count_schedules_fail_exactly_the_chosen_requests(
    client: TestClient, when: dict[str, Any], failing: list[int]
) -> None:
    faults(client, {"rules": [_error_rule(when)]})
    statuses = _statuses(client, 8)
    assert [n for n, s in enumerate(statuses, 1) if s == 500] == failing
    assert {s for s in statuses} <= {200, 500}


def test_only_matching_requests_count_towards_a_schedule(client: TestClient) -> None:
    faults(client, {"rules": [_error_rule({"nth": [2]}, methods=["GET"])]})
    assert client.get("/services/rest/record/v1/metadata-catalog").status_code == 200  # describe
    assert _statuses(client, 3) == [200, 500, 200]


def _rate_run(seed: int) -> list[int]:
    client = netsuite_client()
    faults(client, {"seed": seed, "rules": [_error_rule({"rate": 0.3})]})
    statuses = _statuses(client, 40)
    return [n for n, s in enumerate(statuses, 1) if s == 500]


def test_rate_is_deterministic_by_seed() -> None:
    first, again, other = _rate_run(17), _rate_run(17), _rate_run(18)
    assert first == again
    assert first != other
    assert 0 < len(first) < 40


def test_rules_count_independently_so_adding_one_keeps_the_other(client: TestClient) -> None:
    alone = _rate_run(5)
    faults(
        client,
        {
            "seed": 5,
            "rules": [
                _error_rule({"rate": 0.3}),
                {"match": {"kind": "query"}, "when": {"rate": 0.5},
                 "effect": {"type": "latency", "ms": 0}},
            ],
        },
    )  # fmt: skip
    statuses = _statuses(client, 40)
    assert [n for n, s in enumerate(statuses, 1) if s == 500] == alone


def test_ground_truth_lists_each_fault_with_its_request_number(client: TestClient) -> None:
    faults(client, {"rules": [_error_rule({"nth": [2, 3]})]})
    _statuses(client, 4)
    facts = truth(client)
    assert [(f["rule"], f["effect"], f["seq"], f["status"]) for f in facts] == [
        ("boom", "error", 2, 500),
        ("boom", "error", 3, 500),
    ]
    assert facts[0]["method"] == "GET"
    assert facts[0]["path"] == CUSTOMERS
    assert facts[0]["vendor"] == "netsuite"

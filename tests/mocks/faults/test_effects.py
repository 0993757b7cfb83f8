"""Each request-level effect as a client sees it, in each vendor's own shape."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import orjson
import pytest

from mocks.faults import effects
from mocks.faults.asgi import InjectedReset
from mocks.store import RecordStore

from .support import (
    ADMIN,
    BASE,
    CUSTOMERS,
    Clock,
    TestClient,
    add_accounts,
    faults,
    netsuite_client,
    salesforce_client,
    sf_login,
    truth,
)


def _one(effect: dict[str, Any], **match: Any) -> dict[str, Any]:
    return {"rules": [{"name": "it", "match": match, "effect": effect}]}


@pytest.fixture
def sf() -> tuple[TestClient, dict[str, str]]:
    store = RecordStore(clock=Clock())
    add_accounts(store, 3)
    client = salesforce_client(store)
    return client, sf_login(client)


def _query(sf: tuple[TestClient, dict[str, str]]) -> Any:
    client, auth = sf
    return client.get(f"{BASE}/query", params={"q": "SELECT Id, Name FROM Account"}, headers=auth)


def test_salesforce_error_has_the_array_body_with_an_error_code(sf: Any) -> None:
    faults(sf[0], _one({"type": "error", "status": 500}, kind="query"))
    response = _query(sf)
    assert response.status_code == 500
    [error] = response.json()
    assert error["errorCode"] == "UNKNOWN_EXCEPTION"
    assert error["message"]
    assert response.headers["content-type"] == "application/json"


def test_chosen_code_and_message_are_used(sf: Any) -> None:
    effect = {"type": "error", "status": 400, "code": "UNABLE_TO_LOCK_ROW", "message": "locked"}
    faults(sf[0], _one(effect))
    response = _query(sf)
    assert response.status_code == 400
    assert response.json() == [
        {"message": "locked", "errorCode": "UNABLE_TO_LOCK_ROW", "fields": []}
    ]


@pytest.mark.parametrize("status", [500, 503])
def test_netsuite_server_errors_carry_unexpected_error(status: int) -> None:
    client = netsuite_client()
    faults(client, _one({"type": "error", "status": status, "retry_after": 2}))
    response = client.get(CUSTOMERS)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status
    assert body["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"
    assert response.headers["retry-after"] == "2"


def test_netsuite_rate_limit_is_429_concurrency_limit_with_retry_after() -> None:
    client = netsuite_client()
    faults(client, _one({"type": "rate_limit", "retry_after": 3}))
    response = client.get(CUSTOMERS)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert response.json()["o:errorDetails"][0]["o:errorCode"] == "CONCURRENCY_LIMIT_EXCEEDED"
    assert truth(client)[0]["retry_after"] == 3


def test_salesforce_daily_limit_style_is_403_with_limit_info(sf: Any) -> None:
    faults(sf[0], _one({"type": "rate_limit", "style": "daily"}))
    response = _query(sf)
    assert response.status_code == 403
    assert response.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    assert response.headers["sforce-limit-info"] == "api-usage=100000/100000"
    assert "retry-after" not in response.headers


def test_salesforce_throttle_style_is_429_with_retry_after_drawn_in_range(sf: Any) -> None:
    faults(sf[0], _one({"type": "rate_limit", "retry_after": [0, 1]}))
    waits = set()
    for _ in range(12):
        response = _query(sf)
        assert response.status_code == 429
        assert response.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
        waits.add(response.headers["retry-after"])
    assert waits == {"0", "1"}


def test_window_limit_counts_hubspot_style_and_refuses_past_max(sf: Any) -> None:
    faults(sf[0], _one({"type": "window_limit", "max": 2, "interval_ms": 60000}, kind="query"))
    responses = [_query(sf) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert [r.headers["x-hubspot-ratelimit-remaining"] for r in responses] == ["1", "0", "0"]
    refused = responses[2]
    assert refused.headers["x-hubspot-ratelimit-max"] == "2"
    assert refused.headers["x-hubspot-ratelimit-interval-milliseconds"] == "60000"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    assert [f["seq"] for f in truth(sf[0])] == [3]


def test_malformed_json_is_a_200_that_does_not_parse(sf: Any) -> None:
    faults(sf[0], _one({"type": "malformed_json"}, kind="query"))
    response = _query(sf)
    assert response.status_code == 200
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.content)


def test_truncated_json_cuts_the_real_body_with_a_consistent_length(sf: Any) -> None:
    full = _query(sf).content
    faults(sf[0], _one({"type": "truncated_json", "keep": 0.5}, kind="query"))
    response = _query(sf)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content == full[: len(full) // 2]
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.content)
    fact = truth(sf[0])[0]
    assert (fact["bytes_sent"], fact["bytes_full"]) == (len(full) // 2, len(full))


def test_latency_is_drawn_from_the_seed_and_logged(sf: Any) -> None:
    effect = {"type": "latency", "median_ms": 2, "sigma": 0.5}
    plan = {"seed": 9, "rules": [{"match": {"kind": "query"}, "effect": effect}]}
    delays = []
    for _ in range(2):
        faults(sf[0], plan)
        before = len(truth(sf[0]))
        assert [_query(sf).status_code for _ in range(3)] == [200, 200, 200]
        delays.append([f["ms"] for f in truth(sf[0])[before:]])
    assert delays[0] == delays[1]
    assert len(set(delays[0])) == 3
    assert all(0 < ms < 20 for ms in delays[0])


def test_fixed_and_uniform_latency_add_up_and_still_answer(sf: Any) -> None:
    rules = [{"effect": {"type": "latency", "ms": 1}},
             {"effect": {"type": "latency", "min_ms": 1, "max_ms": 2}}]  # fmt: skip
    faults(sf[0], {"rules": rules})
    assert _query(sf).status_code == 200
    fixed, uniform = truth(sf[0])
    assert fixed["ms"] == 1.0
    assert 1 <= uniform["ms"] <= 2


def test_auth_is_covered_and_admin_never_faulted(sf: Any) -> None:
    client = sf[0]
    faults(client, _one({"type": "error", "status": 503}))
    token = client.post("/services/oauth2/token", data={"grant_type": "password"})
    assert token.status_code == 503
    assert token.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert client.get("/__harness/health").status_code == 200
    assert client.get("/__harness/ground-truth", headers=ADMIN).status_code == 200
    assert [f["path"] for f in truth(client)] == ["/services/oauth2/token"]


def test_kinds_select_operations(sf: Any) -> None:
    client, auth = sf
    faults(client, _one({"type": "error", "status": 500}, kind=["describe", "write"]))
    assert _query(sf).status_code == 200
    assert client.get(f"{BASE}/sobjects/Account/describe", headers=auth).status_code == 500
    created = client.post(f"{BASE}/sobjects/Account", json={"Name": "N"}, headers=auth)
    assert created.status_code == 500
    [account] = _query(sf).json()["records"][:1]
    read = client.get(account["attributes"]["url"], headers=auth)
    assert read.status_code == 200


def test_the_first_firing_terminal_rule_answers() -> None:
    client = netsuite_client()
    rules = [{"name": "first", "effect": {"type": "error", "status": 502}},
             {"name": "second", "effect": {"type": "rate_limit"}}]  # fmt: skip
    faults(client, {"rules": rules})
    assert client.get(CUSTOMERS).status_code == 502
    assert [f["rule"] for f in truth(client)] == ["first"]


def test_reset_in_process_raises_the_injected_reset(sf: Any) -> None:
    faults(sf[0], _one({"type": "reset"}, kind="query"))
    with pytest.raises(InjectedReset):
        _query(sf)


def test_hubspot_style_throttle_has_the_hubspot_body() -> None:
    client = netsuite_client()
    faults(client, _one({"type": "rate_limit", "style": "hubspot", "retry_after": 0}))
    response = client.get(CUSTOMERS)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "0"
    assert response.json()["errorType"] == "RATE_LIMIT"


def test_a_plan_switches_netsuite_to_silent_truncation() -> None:
    client = netsuite_client()
    faults(client, {"settings": {"netsuite": {"on_overflow": "truncate"}}, "rules": []})
    body = {"companyName": "N" * 120, "subsidiary": {"id": "1"}}
    assert client.post(CUSTOMERS, json=body).status_code == 204
    [cut] = truth(client, "silent_truncation")
    assert (cut["field"], cut["original_length"]) == ("companyName", 120)
    client.delete("/__harness/faults", headers=ADMIN)
    assert client.post(CUSTOMERS, json=body).status_code == 400


@pytest.mark.parametrize(
    ("worked", "slept"),
    [(0.0, 0.3), (0.1, 0.2), (0.3, None), (0.5, None)],
    ids=["no-work", "work-inside-the-draw", "work-as-long", "work-outlasting"],
)
def test_latency_is_the_whole_response_time_with_the_mocks_work_inside(
    monkeypatch: pytest.MonkeyPatch, worked: float, slept: float | None
) -> None:
    sleeps: list[float] = []
    real_sleep, here = asyncio.sleep, threading.get_ident()

    async def sleep(seconds: float) -> None:
        if threading.get_ident() != here:  # a server another test left running keeps its own
            await real_sleep(seconds)
            return
        sleeps.append(seconds)

    # `effects.asyncio` is the asyncio module: the patch reaches every thread of the worker.
    monkeypatch.setattr(effects.asyncio, "sleep", sleep)
    sent: list[str] = []

    async def send(message: Any) -> None:
        sent.append(message["type"])

    later = effects.delayed(send, 0.3, started=10.0, clock=lambda: 10.0 + worked)
    for kind in ("http.response.start", "http.response.body"):
        asyncio.run(later({"type": kind}))
    assert sleeps == ([] if slept is None else [pytest.approx(slept)])
    assert sent == ["http.response.start", "http.response.body"]

"""Resets and hangs against a real uvicorn server, as an httpx client sees them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mocks.faults import load_plan
from mocks.netsuite import create_app as create_netsuite
from mocks.server import RunningServer, start_server
from mocks.store import RecordStore

from .support import ADMIN, CUSTOMERS, NS_AUTH, Clock

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "faults"


@pytest.fixture
def server() -> Iterator[RunningServer]:
    with start_server(create_netsuite(store=RecordStore(clock=Clock()))) as running:
        yield running


@pytest.fixture
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, auth=NS_AUTH, trust_env=False) as client:
        yield client


def _plan(client: httpx.Client, effect: dict[str, Any]) -> None:
    rule = {"name": "it", "match": {"kind": "query"}, "effect": effect}
    response = client.put("/__harness/faults", json={"rules": [rule]}, headers=ADMIN)
    assert response.status_code == 200, response.text


def _facts(client: httpx.Client) -> list[dict[str, Any]]:
    facts = client.get("/__harness/ground-truth", headers=ADMIN).json()["facts"]
    return [f for f in facts if f["kind"] == "fault"]


def test_reset_drops_the_connection_without_a_response(http: httpx.Client) -> None:
    _plan(http, {"type": "reset"})
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        http.get(CUSTOMERS)
    assert [f["effect"] for f in _facts(http)] == ["reset"]
    assert http.delete("/__harness/faults", headers=ADMIN).status_code == 200
    assert http.get(CUSTOMERS).status_code == 200  # the server itself is fine


def test_hang_outlasts_the_client_timeout_and_notices_it_left(http: httpx.Client) -> None:
    _plan(http, {"type": "hang", "seconds": 60})
    with pytest.raises(httpx.ReadTimeout):
        http.get(CUSTOMERS, timeout=0.3)
    for _ in range(100):  # bounded wait for the server to see the disconnect
        facts = _facts(http)
        if facts and facts[0].get("client_gave_up"):
            break
        time.sleep(0.05)
    assert facts[0]["effect"] == "hang"
    assert facts[0]["client_gave_up"] is True


def test_hang_then_gateway_timeout_answers_504_in_the_vendor_shape(http: httpx.Client) -> None:
    _plan(http, {"type": "hang", "seconds": 0.2})
    response = http.get(CUSTOMERS, timeout=10)
    assert response.status_code == 504
    assert response.json()["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"


def test_hang_then_reset_drops_the_connection(http: httpx.Client) -> None:
    _plan(http, {"type": "hang", "seconds": 0.2, "then": "reset"})
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(CUSTOMERS, timeout=10)


def test_server_shutdown_ends_a_long_hang(server: RunningServer, http: httpx.Client) -> None:
    _plan(http, {"type": "hang", "seconds": 300})
    outcome: list[httpx.HTTPError | int] = []

    def call() -> None:
        try:
            outcome.append(http.get(CUSTOMERS, timeout=60).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    for _ in range(100):  # bounded wait until the request is being held
        if _facts(http):
            break
        time.sleep(0.05)
    server.stop(timeout=30)
    caller.join(30)
    assert not caller.is_alive()
    assert not server._thread.is_alive()
    assert outcome == [503]  # the vendor's "going away" answer, not a crash


def test_chaos_plan_faults_match_what_the_client_saw(http: httpx.Client) -> None:
    plan = load_plan(FIXTURES / "chaos_mixed.yaml").to_json()
    plan["rules"] = [{**rule, "when": {"rate": 0.1}} for rule in plan["rules"]]  # denser
    assert http.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    seen: dict[int, str] = {}
    for seq in range(1, 81):
        try:
            status = http.get(CUSTOMERS, params={"limit": 2}, timeout=1.0).status_code
            seen[seq] = str(status)
        except httpx.ReadTimeout:
            seen[seq] = "timeout"
        except httpx.RemoteProtocolError:
            seen[seq] = "reset"
    expected = {"error": {"500", "503"}, "rate_limit": {"429"}, "hang": {"timeout"},
                "reset": {"reset"}}  # fmt: skip
    facts = {f["seq"]: f for f in _facts(http)}
    assert set(facts) == {seq for seq, outcome in seen.items() if outcome != "200"}
    for seq, fact in facts.items():
        assert seen[seq] in expected[fact["effect"]], (seq, fact)
    assert {f["effect"] for f in facts.values()} >= {"error", "rate_limit"}


def test_latency_keeps_requests_in_flight_against_netsuite_concurrency(
    server: RunningServer,
) -> None:
    slow = {"match": {"kind": "query"}, "effect": {"type": "latency", "ms": 1500}}
    plan = {"settings": {"netsuite": {"max_concurrent": 1}}, "rules": [slow]}
    with httpx.Client(base_url=server.url, auth=NS_AUTH, trust_env=False) as admin:
        assert admin.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    start = threading.Barrier(2)
    statuses: list[int] = []

    def call() -> None:
        with httpx.Client(base_url=server.url, auth=NS_AUTH, trust_env=False) as client:
            start.wait(timeout=10)
            statuses.append(client.get(CUSTOMERS, timeout=30).status_code)

    callers = [threading.Thread(target=call) for _ in range(2)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(30)
    assert sorted(statuses) == [200, 429]  # the slow one still held the only slot

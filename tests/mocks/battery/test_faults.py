"""Fault-plan effects through the admin API (`PUT /__harness/faults`, format in
`mocks.faults` and `fixtures/schemas/fault-plan.schema.json`): a plan whose one rule fires on
the first matching request makes the next request answer that status in the vendor's error
shape (a rate limit with `Retry-After`), the ground truth logs the fault, the rule then stops
firing, and `DELETE /__harness/faults` clears a plan before it fires."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from sync.connectors import Connector
from tests.mocks.battery.support import BASE_URL, Answer, Sandbox

EFFECTS = [
    pytest.param({"type": "error", "status": 503}, 503, id="error-503"),
    pytest.param({"type": "rate_limit"}, 429, id="rate-limit"),
]


def _plan(effect: dict[str, Any]) -> dict[str, Any]:
    rule = {"name": f"battery-{effect['type']}", "when": {"first": 1}, "effect": effect}
    return {"version": 1, "seed": 1, "rules": [rule]}


def _a_read(sandbox: Sandbox, conn: Connector) -> str:
    """The path of a GET the connector sends to describe the kit's object."""
    sent: list[tuple[str, str]] = []
    http = getattr(conn, "http", None)
    assert http is not None and callable(getattr(http, "observe", None)), (
        f"{sandbox.name}: the battery watches the connector's requests through"
        " `connector.http.observe`"
    )
    http.observe(lambda method, url, body: sent.append((method, url)))
    conn.describe(sandbox.writer.obj)
    gets = [url for method, url in sent if method == "GET"]
    assert gets, f"{sandbox.name}: describing {sandbox.writer.obj} sent no GET: {sent}"
    return gets[-1].removeprefix(BASE_URL)


def _faults(sandbox: Sandbox) -> list[dict[str, Any]]:
    facts = sandbox.admin_json("GET", "/ground-truth")["facts"]
    return [f for f in facts if f.get("kind") == "fault"]


@pytest.mark.parametrize(("effect", "status"), EFFECTS)
def test_a_fault_plan_takes_effect_and_clears(
    sandbox: Sandbox, effect: dict[str, Any], status: int
) -> None:
    conn = sandbox.connector()
    path = _a_read(sandbox, conn)
    sandbox.signed(conn, "GET", path)  # a token fetched now, not under the plan

    def read() -> Answer:
        # Signed anew each time: a vendor that signs requests refuses a replayed nonce.
        return sandbox.request("GET", path, headers=sandbox.signed(conn, "GET", path))

    assert read().ok, f"{sandbox.name}: GET {path} fails before any fault: {read().brief()}"
    plan = _plan(effect)

    # Cleared before it fires: the request it would have failed goes through.
    sandbox.admin_json("PUT", "/faults", json=plan)
    status_now = sandbox.admin_json("DELETE", "/faults")
    assert not status_now["active"], status_now
    assert read().ok, f"{sandbox.name}: a cleared plan still fired on GET {path}"
    assert _faults(sandbox) == []

    # In force: the first request fails as planned, in the vendor's shape, and is logged.
    applied = sandbox.admin_json("PUT", "/faults", json=plan)
    assert applied["active"] and [r["name"] for r in applied["rules"]] == [plan["rules"][0]["name"]]
    answer = read()
    assert answer.status == status, f"{sandbox.name}: {effect} answered {answer.brief()}"
    assert sandbox.kit.is_error(answer.status, answer.headers, answer.body), (
        f"{sandbox.name}: {effect} answered {answer.brief()}, not in the vendor's error shape"
    )
    if effect["type"] == "rate_limit":
        assert "retry-after" in answer.headers, (sandbox.name, answer.headers)
        assert float(answer.headers["retry-after"]) >= 0
    logged = _faults(sandbox)
    assert [f["rule"] for f in logged] == [plan["rules"][0]["name"]], logged
    assert logged[0]["method"] == "GET" and logged[0]["path"] == unquote(path.split("?")[0]), logged
    assert read().ok, f"{sandbox.name}: the rule fired again after its first request"
    assert len(_faults(sandbox)) == 1
    cleared = sandbox.admin_json("DELETE", "/faults")
    assert not cleared["active"] and cleared["rules"] == [], cleared

"""Drift injection: each kind mutates the store as promised, logs ground truth, and is
deterministic by seed; the admin route is token-guarded and refuses bad requests."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mocks.context import MockContext
from mocks.drift import DriftError, DriftRequest, inject_drift
from mocks.netsuite import create_app
from mocks.store import RecordStore
from tests.mocks.netsuite.support import ADMIN, CUSTOMERS, signed_client

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CITY = "addressBook.0.addressBookAddress.city"


class _Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _customer(n: int) -> dict[str, Any]:
    return {
        "companyName": f"Company Number {n} Trading Ltd",
        "comments": "Wholesale buyer of industrial parts",
        "externalId": f"001A{n:05d}",
        "addressBook": [{"addressBookAddress": {"city": f"Springfield {n}", "zip": "12345"}}],
    }


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
def ctx(clock: _Clock) -> MockContext:
    store = RecordStore(clock=clock)
    for n in range(1, 41):
        store.insert("customer", str(n), _customer(n))
    clock.now = T0 + timedelta(minutes=5)
    return MockContext("netsuite", store, "token", lambda _s, _w: {})


def _request(**body: Any) -> DriftRequest:
    return DriftRequest.from_json(
        {"object": "customer", "seed": 3, "external_id": "externalId", **body}
    )


def test_each_field_kind_changes_the_field_and_logs_before_and_after(ctx: MockContext) -> None:
    kinds = {"edit_value": 1, "truncate": 1, "blank": 1, "case_change": 1, "source_edit": 1}
    facts = inject_drift(ctx, _request(count=10, kinds=kinds, paths={k: [CITY] for k in kinds}))
    assert Counter(f["drift"] for f in facts) == dict.fromkeys(kinds, 2)
    for fact in facts:
        rec = ctx.store.get("customer", fact["id"])
        assert rec is not None
        city = rec.fields["addressBook"][0]["addressBookAddress"]["city"]
        assert fact["field"] == CITY and fact["before"] != fact["after"] == city
        assert rec.version == 2 and rec.modified_at == T0 + timedelta(minutes=5)
        assert fact["external_id"] == rec.fields["externalId"]
    by_kind = {f["drift"]: f for f in facts}
    assert by_kind["blank"]["after"] == ""
    cut = by_kind["truncate"]
    assert 0 < len(cut["after"]) < len(cut["before"]) and cut["before"].startswith(cut["after"])
    case = by_kind["case_change"]
    assert case["after"] in (case["before"].upper(), case["before"].lower())
    for kind in ("edit_value", "source_edit"):
        edit = by_kind[kind]
        assert len(edit["after"].split()) == len(edit["before"].split()) + 1
    assert ctx.ground_truth == facts


def test_silent_truncation_moves_no_modified_time(ctx: MockContext) -> None:
    (fact,) = inject_drift(
        ctx, _request(count=1, kinds={"truncate": 1}, paths={"truncate": ["companyName"]},
                      touch={"truncate": False}),
    )  # fmt: skip
    rec = ctx.store.get("customer", fact["id"])
    assert rec is not None and rec.version == 1 and rec.modified_at == T0
    assert rec.fields["companyName"] == fact["after"] and fact["touched"] is False


def test_record_kinds_delete_orphan_and_duplicate(ctx: MockContext) -> None:
    facts = inject_drift(ctx, _request(count=9, kinds={"delete": 1, "orphan": 1, "duplicate": 1}))
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        by_kind.setdefault(fact["drift"], []).append(fact)
    for fact in by_kind["delete"]:
        assert ctx.store.get("customer", fact["id"]) is None
        assert ctx.store.get("customer", fact["id"], include_deleted=True) is not None
    known = {_customer(n)["externalId"] for n in range(1, 41)}
    for fact in by_kind["orphan"]:
        rec = ctx.store.get("customer", fact["id"])
        assert rec is not None and rec.fields.get("externalId") == fact["external_id"]
        assert fact["external_id"] not in known
    for fact in by_kind["duplicate"]:
        holders = ctx.store.find("customer", "externalId", fact["external_id"])
        assert sorted(r.id for r in holders) == sorted([fact["id"], fact["template_id"]])
    assert ctx.store.count("customer") == 40 - 3 + 3 + 3


def test_every_injection_lands_on_a_distinct_untouched_record(ctx: MockContext) -> None:
    first = inject_drift(ctx, _request(count=15, kinds={"edit_value": 1, "delete": 1}))
    second = inject_drift(
        ctx, _request(seed=4, count=10, kinds={"blank": 1, "duplicate": 1}, exclude=["001A00001"])
    )
    ids = [f["id"] for f in first + second]
    ids += [f["template_id"] for f in second if "template_id" in f]
    assert len(ids) == len(set(ids))
    assert "1" not in ids


def test_same_seed_same_drift() -> None:
    def run() -> list[dict[str, Any]]:
        store = RecordStore(clock=lambda: T0)
        for n in range(1, 30):
            store.insert("customer", str(n), _customer(n))
        ctx = MockContext("netsuite", store, "token", lambda _s, _w: {})
        kinds = {k: 1 for k in ("edit_value", "truncate", "orphan", "case_change")}
        return inject_drift(ctx, _request(count=12, kinds=kinds))

    assert run() == run()


def test_too_many_injections_fail_with_a_clear_message(ctx: MockContext) -> None:
    with pytest.raises(DriftError, match="no customer record left that delete can change"):
        inject_drift(ctx, _request(count=41, kinds={"delete": 1}))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"kinds": {"melt": 1}}, "unknown", id="unknown-kind"),
        pytest.param({"touch": {"blank": False}}, "only truncate", id="silent-edit"),
        pytest.param({"colour": "red"}, "unknown drift option", id="unknown-option"),
        pytest.param({"count": -1}, "count must be", id="negative-count"),
    ],
)
def test_bad_requests_are_refused(body: dict[str, Any], message: str) -> None:
    with pytest.raises(DriftError, match=message):
        _request(**body)


@pytest.mark.filterwarnings("ignore::fastapi.exceptions.FastAPIDeprecationWarning")
def test_admin_route_injects_and_reports_ground_truth() -> None:
    client = signed_client(create_app())
    for n in range(1, 6):
        body = {"companyName": f"Acme {n} Corp", "subsidiary": {"id": "1"}, "externalId": f"E{n}"}
        assert client.post(CUSTOMERS, json=body).status_code == 204
    drift = {"object": "customer", "seed": 1, "count": 2, "kinds": {"edit_value": 1}}
    assert client.post("/__harness/drift", json=drift).status_code == 401
    response = client.post("/__harness/drift", json=drift, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.json()["injected"] == {"edit_value": 2}
    facts = client.get("/__harness/ground-truth", headers=ADMIN).json()["facts"]
    assert [f["drift"] for f in facts if f["kind"] == "drift"] == ["edit_value", "edit_value"]
    bad = client.post("/__harness/drift", json={**drift, "count": 9}, headers=ADMIN)
    assert bad.status_code == 400 and "ask for fewer" in bad.json()["detail"]

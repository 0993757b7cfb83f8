"""ERP customers of a full-business world carry their finance: credit limit, terms and the
balance their open invoices leave (what the customer_finance flow mirrors into the CRM)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mocks.netsuite import create_app
from mocks.netsuite.schema import TERMS
from mocks.netsuite.seed.finance import CREDIT_CEILING, CREDIT_FLOOR, finance_fields
from mocks.world.generator import WorldSettings, generate_world
from mocks.world.overlap import plan
from tests.mocks.netsuite.support import TbaAuth, TestClient

SETTINGS = WorldSettings(seed=11, accounts=25, products=20, locations=2, full_business=True)
RECORDS = "/services/rest/record/v1"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app()
    app.state.mock.seed(SETTINGS)
    with TestClient(app) as http:
        http.auth = TbaAuth()
        yield http


def test_every_seeded_customer_has_a_credit_limit_terms_and_balance(client: TestClient) -> None:
    overlap = plan(generate_world(SETTINGS))
    expected = finance_fields(overlap)
    assert expected and set(expected) == {c.key for c in overlap.customers}
    for company in overlap.customers:
        record_id = overlap.erp_ids[company.key]
        body = client.get(f"{RECORDS}/customer/{record_id}").json()
        finance = expected[company.key]
        assert body["creditLimit"] == finance["creditLimit"]
        assert CREDIT_FLOOR <= body["creditLimit"] <= CREDIT_CEILING
        assert body["terms"]["id"] == finance["terms"]
        assert body["terms"]["refName"] == TERMS[finance["terms"]]
        assert body.get("balance", 0.0) == finance["balance"]


def test_a_customers_balance_is_what_its_invoices_still_ask_for(client: TestClient) -> None:
    overlap = plan(generate_world(SETTINGS))
    expected = finance_fields(overlap)
    checked = 0
    for company in overlap.customers:
        customer_id = overlap.erp_ids[company.key]
        invoices = [
            overlap.erp_ids[invoice.key]
            for order in overlap.orders
            if order.customer_key == company.key
            and (invoice := overlap.invoices.get(order.key)) is not None
        ]
        bodies = [client.get(f"{RECORDS}/invoice/{i}").json() for i in invoices]
        assert all(body["entity"]["id"] == customer_id for body in bodies)
        remaining = sum(body["amountRemaining"] for body in bodies)
        assert expected[company.key]["balance"] == pytest.approx(remaining, abs=0.01)
        checked += bool(invoices)
    assert checked > 0

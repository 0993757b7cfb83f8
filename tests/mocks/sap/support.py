"""Shared helpers for the SAP mock tests: a logged-on client with a CSRF session, paths,
a clock, and SAP error checks."""

from __future__ import annotations

import base64
import warnings
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from starlette.exceptions import StarletteDeprecationWarning

from mocks.sap.config import SapMockConfig
from tests.clock import Clock as _Clock

with warnings.catch_warnings():
    # starlette asks for `httpx2`; this project pins httpx 0.27 for the netsuite SDK.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

START = datetime(2024, 1, 15, 10, 22, 0, 250_000, tzinfo=UTC)
CONFIG = SapMockConfig()
ADMIN = {"X-Harness-Token": CONFIG.admin_token}
BP = "/sap/opu/odata/sap/API_BUSINESS_PARTNER"
SO = "/sap/opu/odata/sap/API_SALES_ORDER_SRV"
PRODUCTS = "/sap/opu/odata/sap/API_PRODUCT_SRV"
BILLING = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV"
STOCK = "/sap/opu/odata/sap/API_MATERIAL_STOCK_SRV"
FI = "/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV"
CUBE = f"{FI}/A_OperationalAcctgDocItemCube"


class Clock(_Clock):
    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def basic(user: str = CONFIG.username, password: str = CONFIG.password) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def logged_on(app: Any) -> TestClient:
    """A client sending the communication user's Basic auth and JSON Accept (as pyodata)."""
    client = TestClient(app, base_url="https://testserver")
    client.headers.update({"Authorization": basic(), "Accept": "application/json"})
    return client


def fetch_csrf(client: TestClient, root: str = BP) -> str:
    """`X-CSRF-Token: Fetch` on the service root; the token goes on the client's headers
    (the session cookie is kept by the client's cookie jar)."""
    response = client.get(root + "/", headers={"X-CSRF-Token": "Fetch"})
    assert response.status_code == 200, response.text
    token = response.headers["x-csrf-token"]
    client.headers["X-CSRF-Token"] = token
    return token


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert error["message"]["lang"] == "en"
    assert {"application", "transactionid", "timestamp", "errordetails"} <= set(error["innererror"])
    assert "sap-message" in response.headers
    return error


def targets(response: httpx.Response) -> list[str]:
    return [d["target"] for d in error_of(response)["innererror"]["errordetails"]]


def results(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["d"]["results"]
    return rows


def items(client: TestClient, flt: str, **params: str) -> list[dict[str, Any]]:
    """The FI items matching an OData `$filter`."""
    return results(client.get(CUBE, params={"$filter": flt, **params}))


def due_over_http(client: TestClient, billing_document: str) -> Decimal:
    """What is due on a billing document, worked out as the contract says from the cube."""
    (invoice,) = items(client, f"OriginalReferenceDocument eq '{billing_document}'")
    if invoice["ClearingAccountingDocument"]:
        return Decimal(0)
    payments = items(
        client,
        f"InvoiceReference eq '{invoice['AccountingDocument']}'"
        f" and InvoiceReferenceFiscalYear eq '{invoice['FiscalYear']}'"
        " and ClearingAccountingDocument eq ''",
    )
    return sum(
        (Decimal(i["AmountInTransactionCurrency"]) for i in [invoice, *payments]), Decimal(0)
    )


# The small full-business world the seed and open-items tests read (six customers).
WORLD: dict[str, Any] = {
    "seed": 7,
    "accounts": 6,
    "full_business": True,
    "products": 5,
    "locations": 2,
    "contacts_per_company": 2,
    "erp": "sap",
}


__all__ = [
    "ADMIN",
    "BILLING",
    "BP",
    "CONFIG",
    "CUBE",
    "FI",
    "PRODUCTS",
    "SO",
    "START",
    "STOCK",
    "WORLD",
    "Clock",
    "TestClient",
    "basic",
    "due_over_http",
    "error_of",
    "fetch_csrf",
    "items",
    "logged_on",
    "results",
    "targets",
]

"""The sandbox's SAP as the scenarios reach it besides the flow: its admin API, for SAP's own
traps (`POST /__harness/sap/traps`), and its OData API, as an SAP user editing a business
partner in S/4HANA would (Basic auth, a CSRF token fetched with its session cookie, an
update carrying the ETag the user read)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from harness.sandbox import Sandbox
from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER

PARTNERS = "/sap/opu/odata/sap/API_BUSINESS_PARTNER"
BILLING = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV"
EXTERNAL_ID = "BusinessPartnerIDByExtSystem"  # where a partner keeps the CRM's id


class SapSystem:
    """One sandbox's SAP mock, reached as its administrator or as one of its users."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.mock = box.mocks.erp
        tls = box.mocks.tls
        self._verify: str | bool = str(tls.ca_path) if tls else True

    @contextmanager
    def _client(self, **options: Any) -> Iterator[httpx.Client]:
        with httpx.Client(
            base_url=self.mock.url, verify=self._verify, timeout=30, trust_env=False, **options
        ) as client:
            yield client

    # -- the administrator -------------------------------------------------------------------

    def trap(self, trap: str, **body: Any) -> dict[str, Any]:
        """Set off one of SAP's traps now; its ground-truth facts."""
        headers = {TOKEN_HEADER: self.box.mocks.admin_token}
        with self._client(headers=headers) as client:
            response = client.post(f"{ADMIN_PREFIX}/sap/traps", json={"trap": trap, **body})
        response.raise_for_status()
        facts: dict[str, Any] = response.json()["facts"]
        return facts

    def customers_stored(self) -> list[dict[str, Any]]:
        """The business partners SAP stores for CRM customers (those carrying a CRM id)."""
        rows = self.box.stored("erp", "A_BusinessPartner")
        return [r for r in rows if r["fields"].get(EXTERNAL_ID)]

    def partner_stored(self, partner: str) -> dict[str, Any]:
        """One business partner as SAP stores it: fields, version and change times."""
        (found,) = [r for r in self.box.stored("erp", "A_BusinessPartner") if r["id"] == partner]
        return found

    # -- an SAP user -------------------------------------------------------------------------

    @contextmanager
    def user(self) -> Iterator[httpx.Client]:
        """A logged-on OData client with a CSRF token for the business partner service."""
        names = self.mock.vendor.credentials  # credential key -> environment variable
        auth = (self.mock.env[names["username"]], self.mock.env[names["password"]])
        with self._client(auth=auth, headers={"Accept": "application/json"}) as client:
            fetched = client.get(f"{PARTNERS}/", headers={"X-CSRF-Token": "Fetch"})
            fetched.raise_for_status()
            client.headers["X-CSRF-Token"] = fetched.headers["x-csrf-token"]
            yield client

    def partner_for(self, external_id: str) -> dict[str, Any]:
        """The business partner holding the CRM's id `external_id`, read over OData (its
        `__metadata.etag` included)."""
        query = {"$filter": f"{EXTERNAL_ID} eq '{external_id}'"}
        with self.user() as client:
            response = client.get(f"{PARTNERS}/A_BusinessPartner", params=query)
        response.raise_for_status()
        (row,) = response.json()["d"]["results"]
        found: dict[str, Any] = row
        return found

    def etag(self, partner: str) -> str:
        """The partner's ETag as a client reading it by key gets it."""
        with self.user() as client:
            response = client.get(f"{PARTNERS}/A_BusinessPartner('{partner}')")
        response.raise_for_status()
        return str(response.headers["etag"])

    def billing_etag(self, number: str) -> str:
        """A billing document's ETag as a client reading it by key gets it."""
        with self.user() as client:
            response = client.get(f"{BILLING}/A_BillingDocument('{number}')")
        response.raise_for_status()
        return str(response.headers["etag"])

    def rename(self, external_id: str, name: str) -> str:
        """An SAP user renames the CRM customer's partner in S/4HANA: reads it, then updates
        its name with the ETag read. Returns the partner's number."""
        row = self.partner_for(external_id)
        partner = str(row["BusinessPartner"])
        with self.user() as client:
            response = client.patch(
                f"{PARTNERS}/A_BusinessPartner('{partner}')",
                json={"OrganizationBPName1": name},
                headers={"If-Match": row["__metadata"]["etag"]},
            )
        assert response.status_code == 204, response.text
        return partner


__all__ = ["EXTERNAL_ID", "SapSystem"]

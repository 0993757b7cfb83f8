"""The sandbox's HubSpot portal as the scenarios reach it besides the flow: its admin API
(runtime settings such as the search cap, lag and burst allowance; the request journal;
edits behind the API) and its CRM v3 API, as another app of the portal would call it
(Bearer private-app token, batch create, a PATCH, a raw search)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from harness.sandbox import Sandbox
from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER

COMPANIES = "/crm/v3/objects/companies"
CONTACTS = "/crm/v3/objects/contacts"
BATCH = 100  # inputs HubSpot takes in one batch call
MAX_BATCHES = 1_000  # bound on an import loop (100,000 records)


class HubSpotPortal:
    """One sandbox's HubSpot mock, reached as its administrator or as one of its apps."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.mock = box.mocks.crm
        tls = box.mocks.tls
        self._verify: str | bool = str(tls.ca_path) if tls else True

    @contextmanager
    def _client(self, **options: Any) -> Iterator[httpx.Client]:
        with httpx.Client(
            base_url=self.mock.url, verify=self._verify, timeout=60, trust_env=False, **options
        ) as client:
            yield client

    # -- the administrator -------------------------------------------------------------------

    def _admin(self, method: str, path: str, **kwargs: Any) -> Any:
        with self._client(headers={TOKEN_HEADER: self.box.mocks.admin_token}) as client:
            response = client.request(method, ADMIN_PREFIX + path, **kwargs)
        response.raise_for_status()
        return response.json()

    def settings(self, **changes: Any) -> dict[str, Any]:
        """Change runtime settings (`search_result_cap=1000`); the portal's settings after.
        The `sandbox` fixture restores them for the next scenario."""
        found: dict[str, Any] = self._admin("PATCH", "/settings", json=changes)
        return found

    def clear_journal(self) -> None:
        self._admin("DELETE", "/journal")

    def journal(self, **query: Any) -> dict[str, Any]:
        """`GET /__harness/journal` with its filters (`path`, `status`, `limit`, ...)."""
        found: dict[str, Any] = self._admin("GET", "/journal", params=query)
        return found

    def journal_mark(self) -> int:
        """The journal's last entry number: `journal(since=mark)` shows what came after."""
        entries = self.journal(limit=1, summary=False)["entries"]
        return int(entries[-1]["seq"]) if entries else 0

    def calls(self, kind: str) -> int:
        """Requests of one operation kind (`query`, `write`, ...) the journal holds."""
        totals = self.journal(limit=0, summary=False)["totals"]
        return int(totals["by_kind"].get(kind, 0))

    def edit_behind_api(self, obj: str, record_id: str, values: dict[str, Any]) -> None:
        """A change made inside HubSpot (a workflow, an import job) rather than through the
        API; stamped now."""
        self._admin("PATCH", f"/records/{obj}/{record_id}", json=values)

    def companies_stored(self) -> list[dict[str, Any]]:
        return self.box.stored("crm", "companies")

    def contacts_stored(self) -> list[dict[str, Any]]:
        return self.box.stored("crm", "contacts")

    # -- an app of the portal ----------------------------------------------------------------

    @contextmanager
    def app(self) -> Iterator[httpx.Client]:
        """A client of another app of the portal: the OAuth app's access token, granted on
        its refresh token. HubSpot counts rate limits per token, so these calls never spend
        the flow's budget (the flow uses the private app's token)."""
        names = self.mock.vendor.credentials  # credential key -> environment variable
        grant = {"grant_type": "refresh_token",
                 **{k: self.mock.env[names[k]]
                    for k in ("client_id", "client_secret", "refresh_token")}}  # fmt: skip
        with self._client() as client:
            answer = client.post("/oauth/v1/token", data=grant)
            answer.raise_for_status()
            client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
            yield client

    def import_companies(self, count: int, *, prefix: str = "Imported") -> list[str]:
        """`count` new companies through batch create, 100 a call, as a HubSpot import would
        land them, with the rate limits off meanwhile (an import does not spend the app's
        budget). Each can become a NetSuite customer: a name and a country with a
        subsidiary. Returns their ids."""
        self.settings(rate_limits=False)
        ids: list[str] = []
        try:
            with self.app() as client:
                for start in range(0, min(count, BATCH * MAX_BATCHES), BATCH):
                    inputs = [{"properties": _company(prefix, n)}
                              for n in range(start, min(start + BATCH, count))]  # fmt: skip
                    response = client.post(f"{COMPANIES}/batch/create", json={"inputs": inputs})
                    assert response.status_code == 201, response.text
                    ids += [str(r["id"]) for r in response.json()["results"]]
        finally:
            self.settings(rate_limits=True)
        return ids

    def rename_company(self, company_id: str, name: str) -> dict[str, Any]:
        """A user renames a company in HubSpot (`PATCH`); the company as HubSpot answers."""
        with self.app() as client:
            body = {"properties": {"name": name}}
            response = client.patch(f"{COMPANIES}/{company_id}", json=body)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    def search_page(self, obj: str, after: int, *, limit: int = 100) -> httpx.Response:
        """One page of an unfiltered search sorted by id, starting at result `after`."""
        body = {"filterGroups": [], "sorts": ["hs_object_id"], "limit": limit, "after": str(after)}
        with self.app() as client:
            return client.post(f"/crm/v3/objects/{obj}/search", json=body)

    def search_by_name(self, obj: str, name: str) -> list[str]:
        """The ids search finds for `name EQ name` (what the index holds now)."""
        body = {"filterGroups": [{"filters": [
            {"propertyName": "name", "operator": "EQ", "value": name}]}], "limit": 10}  # fmt: skip
        with self.app() as client:
            response = client.post(f"/crm/v3/objects/{obj}/search", json=body)
        assert response.status_code == 200, response.text
        return [str(r["id"]) for r in response.json()["results"]]

    def create_contact(self, properties: dict[str, str]) -> str:
        """A contact made in HubSpot by hand (a form, a sales rep); its id."""
        with self.app() as client:
            response = client.post(CONTACTS, json={"properties": properties})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def _company(prefix: str, n: int) -> dict[str, str]:
    return {
        "name": f"{prefix} Company {n + 1:05d}",
        "domain": f"{prefix.lower()}-{n + 1:05d}.example.com",
        "country": "United States",
        "city": "Springfield",
        "zip": f"{62000 + n % 1000:05d}",
        "address": f"{n + 1} Main Street",
    }


__all__ = ["HubSpotPortal"]
